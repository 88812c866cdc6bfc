import { fileURLToPath } from 'node:url';

/** Absolute path of the built console (`index.html` and `assets/`), for `express.static`. */
export const consoleDistDir = fileURLToPath(new URL('./dist/', import.meta.url));

/** The path prefix the console is built for; serve `consoleDistDir` there. */
export const consoleBasePath = '/ui';
