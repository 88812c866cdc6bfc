import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConfigReference } from '../src/config/config-reference';
import { SERVER_OPTIONS } from '../src/config/parse-config';

const page = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
const configDir = new URL('../src/config/', import.meta.url);

describe('docs/configuration.md', () => {
  it('is what the config schema generates (run `pnpm docs:generate` after changing a setting)', () => {
    expect(page).toBe(renderConfigReference());
  });

  it('names every environment variable the server configuration reads', () => {
    const read = new Set<string>();
    for (const file of readdirSync(configDir)) {
      const text = readFileSync(new URL(file, configDir), 'utf8');
      for (const m of text.matchAll(/env(?:\.|\[')([A-Z][A-Z0-9_]+)/g)) read.add(m[1]!);
      for (const m of text.matchAll(/'((?:SWITCHYARD|FLAGS)_[A-Z0-9_]+)'/g)) read.add(m[1]!);
    }
    expect(read.size).toBeGreaterThan(20);
    const missing = [...read].filter((name) => !page.includes(`\`${name}`));
    expect(missing).toEqual([]);
  });

  it('names every command-line flag of the server', () => {
    const missing = Object.keys(SERVER_OPTIONS).filter((name) => name !== 'config' && !page.includes(`\`--${name}\``));
    expect(missing).toEqual([]);
  });
});
