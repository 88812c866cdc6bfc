// Runs every package benchmark (`packages/*/bench/*.bench.ts`, default export `async () => void`)
// in sequence. `pnpm bench core` runs only the benchmarks of the package named `core`, or, when no
// package has that name, of the packages whose name contains it (`pnpm bench store`).
import { readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const filters = process.argv.slice(2);
const files: string[] = [];
const packageNames = ['packages', 'apps'].flatMap((base) => readdirSync(join(root, base)));
const matches = (pkg: string) => filters.some((f) => (packageNames.includes(f) ? pkg === f : pkg.includes(f)));
for (const base of ['packages', 'apps']) {
  for (const pkg of readdirSync(join(root, base)).sort()) {
    const dir = join(root, base, pkg, 'bench');
    if (!existsSync(dir)) continue;
    if (filters.length && !matches(pkg)) continue;
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.bench.ts')) files.push(join(dir, f));
  }
}
console.log(`node ${process.version} · ${process.arch} · ${files.length} benchmark files\n`);
for (const file of files) {
  console.log(`\n=== ${file.slice(root.length + 1)}`);
  const mod = await import(pathToFileURL(file).href);
  await mod.default();
}
