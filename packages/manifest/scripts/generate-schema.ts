// Writes schema/switchyard-manifest.schema.json from the zod schemas (`pnpm generate:schema`).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MANIFEST_SCHEMA_FILE, renderManifestJsonSchema } from '../src/json-schema';

const target = fileURLToPath(new URL(`../${MANIFEST_SCHEMA_FILE}`, import.meta.url));
writeFileSync(target, renderManifestJsonSchema());
console.log(`wrote ${target}`);
