// Writes the generated reference pages in docs/: the CLI reference from the command registry and the
// server configuration reference from the config schema. Tests fail when a page is out of date.
import { writeFileSync } from 'node:fs';
import { renderCliReference } from '../../packages/cli/src/cli-reference.ts';
import { renderConfigReference } from '../../packages/server/src/config/config-reference.ts';

const pages: Record<string, string> = {
  'docs/cli-reference.md': renderCliReference(),
  'docs/configuration.md': renderConfigReference(),
};
const root = new URL('../../', import.meta.url);
for (const [file, text] of Object.entries(pages)) {
  writeFileSync(new URL(file, root), text);
  console.log(`wrote ${file}`);
}
