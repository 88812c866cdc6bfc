import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';

/**
 * The OFREP OpenAPI document (open-feature/protocol, `service/openapi.yaml`, Apache-2.0) at commit
 * d1a63a4 (protocol version 0.3.0). No package on the npm registry ships it, so it is read from a
 * copy: `SWITCHYARD_OFREP_OPENAPI` (the file), or `shared/ofrep/openapi.yaml` in a folder above
 * this repository.
 */
export const OFREP_PROTOCOL_COMMIT = 'd1a63a4';

export function locateOfrepOpenApi(): { file: string } | { missing: string } {
  const candidates: string[] = [];
  if (process.env.SWITCHYARD_OFREP_OPENAPI) candidates.push(path.resolve(process.env.SWITCHYARD_OFREP_OPENAPI));
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    candidates.push(path.join(dir, 'shared', 'ofrep', 'openapi.yaml'));
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  const file = candidates.find((c) => existsSync(c));
  if (file) return { file };
  return {
    missing: `the OFREP OpenAPI document was not found (looked in ${candidates.join(', ')}); set SWITCHYARD_OFREP_OPENAPI to service/openapi.yaml of https://github.com/open-feature/protocol to validate against it`,
  };
}

type Schema = Record<string, any>;

/**
 * Validators of OFREP responses, from the published document with three corrections, each where
 * the document contradicts the protocol's own decisions:
 * 1. `reason` accepts any string: protocol commit a39476e ("Allow any reason") made the list
 *    examples; a later documentation commit turned it back into an enum that leaves out `DEFAULT`,
 *    which ADR-0006 itself answers with.
 * 2. `codeDefaultFlag` has no `value` (ADR-0006: "No value property"); as published it matches
 *    any object, so every answer with a value would match two `oneOf` branches.
 * 3. The value types are `anyOf`: an integer is both an `integerFlag` and a `floatFlag`.
 */
export function ofrepValidators(file: string) {
  const doc = parse(readFileSync(file, 'utf8')) as Schema;
  const schemas = doc.components.schemas as Schema;
  const success = schemas.evaluationSuccess;
  delete success.allOf[0].properties.reason.enum;
  schemas.codeDefaultFlag = { ...schemas.codeDefaultFlag, not: { required: ['value'] } };
  success.allOf[1] = { anyOf: success.allOf[1].oneOf };
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema(doc, 'ofrep');
  const get = (name: string) => {
    const v = ajv.getSchema(`ofrep#/components/schemas/${name}`);
    if (!v) throw new Error(`no schema ${name}`);
    return v;
  };
  const check = (name: string, body: unknown): string[] => {
    const v = get(name);
    return v(body) ? [] : (v.errors ?? []).map((e) => `${name}${e.instancePath} ${e.message ?? ''}`);
  };
  return {
    /** Problems of a single-flag answer, by status (an empty list: it conforms). */
    single(status: number, body: unknown): string[] {
      if (status === 200) return check('serverEvaluationSuccess', body);
      if (status === 404) return check('flagNotFound', body);
      if (status === 400) return check('evaluationFailure', body);
      return [`status ${status} is not an OFREP answer`];
    },
    bulk(status: number, body: unknown): string[] {
      if (status === 200) return check('bulkEvaluationSuccess', body);
      if (status === 400) return check('bulkEvaluationFailure', body);
      return [`status ${status} is not an OFREP answer`];
    },
  };
}
