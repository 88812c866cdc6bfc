/** Absolute path of the built console (`index.html` and `assets/`), for `express.static`. */
export declare const consoleDistDir: string;
/** The path prefix the console is built for; serve `consoleDistDir` there. */
export declare const consoleBasePath: '/ui';
