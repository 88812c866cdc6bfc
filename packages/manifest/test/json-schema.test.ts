import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MANIFEST_SCHEMA_FILE, manifestJsonSchema, renderManifestJsonSchema } from '../src/index';
import { readExample } from './helpers';

const committed = readFileSync(new URL(`../${MANIFEST_SCHEMA_FILE}`, import.meta.url), 'utf8');

describe('JSON Schema of the native format', () => {
  it('is committed exactly as the generator writes it (run `pnpm --filter @switchyard/manifest generate:schema`)', () => {
    expect(committed).toBe(renderManifestJsonSchema());
  });

  const validate = new Ajv({ allErrors: true, strict: true }).compile(manifestJsonSchema());

  it('accepts every native example, shorthands included', () => {
    for (const file of ['checkout.yaml', 'platform/toggles.yaml', 'experiments.json']) {
      const ok = validate(parse(readExample(file)));
      expect([file, ok ? [] : validate.errors]).toEqual([file, []]);
    }
  });

  it('points every native YAML example at the schema', () => {
    expect(readExample('checkout.yaml')).toMatch(/^# yaml-language-server: \$schema=\.\.\/\.\.\/packages\/manifest\/schema\/switchyard-manifest\.schema\.json\n/);
    expect(readExample('platform/toggles.yaml')).toMatch(/^# yaml-language-server: \$schema=\.\.\/\.\.\/\.\.\/packages\/manifest\/schema\/switchyard-manifest\.schema\.json\n/);
    expect(JSON.parse(readExample('experiments.json')).$schema).toBe('../../packages/manifest/schema/switchyard-manifest.schema.json');
  });

  it('rejects what the parser rejects structurally', () => {
    const bad = [
      { switchyard: 2, flags: {} },
      { switchyard: 1, flags: { a: { fallback: null } } },
      { switchyard: 1, flags: { a: { fallback: true, environments: { p: { type: 'coinflip' } } } } },
      { switchyard: 1, flags: { a: { fallback: true, defaultRule: { type: 'rollout', percentage: 101, value: true } } } },
      { switchyard: 1, flags: { 'bad key': { fallback: true } } },
      { switchyard: 1, flags: { a: { fallback: 1, values: { scoped: [{ scope: { tenant: 1 }, value: 1 }] } } } },
    ];
    for (const doc of bad) expect([doc, validate(doc)]).toEqual([doc, false]);
  });

  it('describes fields for editor hovers', () => {
    const flag = (manifestJsonSchema() as { properties: { flags: { additionalProperties: { properties: Record<string, { description?: string }> } } } }).properties.flags
      .additionalProperties.properties;
    expect(flag.fallback!.description).toMatch(/alias of fallbackValue/);
    expect(flag.environments!.description).toMatch(/plain value means/);
    expect(flag.values!.description).toMatch(/seed/);
  });
});
