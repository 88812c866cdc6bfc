import { z } from 'zod';
import { conditionSchema, flagDefinitionSchema, flagValueSchema, jsonValueSchema, ruleSchema } from '@switchyard/core';
import type { OperationSpec } from '../http/operations';

/** Core schemas shared by many operations; they become named components. */
const SHARED: [z.ZodType, string][] = [
  [jsonValueSchema, 'JsonValue'],
  [flagValueSchema, 'FlagValue'],
  [conditionSchema, 'Condition'],
  [ruleSchema, 'Rule'],
  [flagDefinitionSchema, 'FlagDefinition'],
];

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

type JsonSchema = Record<string, unknown>;

/**
 * Builds an OpenAPI 3.1 document from the operations' zod schemas (zod's own JSON Schema
 * conversion), so the document always matches what the server validates.
 */
export function buildOpenApiDocument(operations: readonly OperationSpec[], info: OpenApiInfo): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of SHARED) registry.add(schema, { id });
  const ids = new Map<z.ZodType, string>(SHARED);
  const idOf = (schema: z.ZodType, id: string): string => {
    const known = ids.get(schema);
    if (known) return known;
    ids.set(schema, id);
    registry.add(schema, { id });
    return id;
  };

  const pending: { op: OperationSpec; bodyId?: string; queryId?: string; responseIds: Map<number, string> }[] = [];
  for (const op of operations) {
    const responseIds = new Map<number, string>();
    for (const [status, spec] of Object.entries(op.responses)) {
      if (typeof spec === 'object' && spec.schema && typeof spec.schema !== 'string') responseIds.set(Number(status), idOf(spec.schema, `${cap(op.operationId)}Response${status}`));
    }
    pending.push({
      op,
      bodyId: op.body ? idOf(op.body, `${cap(op.operationId)}Body`) : undefined,
      queryId: op.query ? idOf(op.query, `${cap(op.operationId)}Query`) : undefined,
      responseIds,
    });
  }

  const converted = z.toJSONSchema(registry, { io: 'input', unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` });
  const schemas: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(converted.schemas)) {
    const { $schema: _s, $id: _i, ...rest } = schema as JsonSchema;
    schemas[id] = rest;
  }

  const paths: Record<string, Record<string, unknown>> = {};
  for (const { op, bodyId, queryId, responseIds } of pending) {
    const { path, params } = openApiPath(op.path);
    const parameters: unknown[] = params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' }, description: 'URL-encoded; may contain `/`' }));
    if (queryId) {
      const q = schemas[queryId] as { properties?: Record<string, JsonSchema>; required?: string[] } | undefined;
      for (const [name, schema] of Object.entries(q?.properties ?? {})) {
        parameters.push({ name, in: 'query', required: q?.required?.includes(name) ?? false, schema });
      }
      delete schemas[queryId];
    }
    for (const h of op.headers ?? []) parameters.push({ name: h.name, in: 'header', required: false, schema: { type: 'string' }, description: h.description });
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(op.responses)) {
      const s = typeof spec === 'string' ? { description: spec } : spec;
      const ref = typeof s.schema === 'string' ? s.schema : responseIds.get(Number(status));
      responses[status] = ref
        ? { description: s.description, content: { [s.contentType ?? 'application/json']: { schema: { $ref: `#/components/schemas/${ref}` } } } }
        : { description: s.description };
    }
    (paths[path] ??= {})[op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: [op.tag],
      ...(op.role ? { security: [{ ApiKey: [] }, { BearerAuth: [] }, { BasicAuth: [] }], 'x-required-role': op.role } : { security: [] }),
      ...(parameters.length ? { parameters } : {}),
      ...(bodyId ? { requestBody: { required: false, content: { 'application/json': { schema: { $ref: `#/components/schemas/${bodyId}` } } } } } : {}),
      responses,
    };
  }

  return {
    openapi: '3.1.0',
    info: { ...info, license: { name: 'MIT', identifier: 'MIT' } },
    servers: [{ url: '/' }],
    security: [{ ApiKey: [] }, { BearerAuth: [] }, { BasicAuth: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        ApiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        BearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key or a JWT' },
        BasicAuth: { type: 'http', scheme: 'basic' },
      },
    },
  };
}

/** `/v1/flags/:name` → `/v1/flags/{name}`; `/manifests/*set` → `/manifests/{set}`. */
export function openApiPath(expressPath: string): { path: string; params: string[] } {
  const params: string[] = [];
  const path = expressPath.replace(/[:*]([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path, params };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
