import { z } from 'zod';

/** Workflow, step, input-field and session tags. */
export const TAG_PATTERN = /^[A-Za-z_][A-Za-z0-9_\-.]*$/;
const tag = (what: string) => z.string({ error: `${what} must be a string` }).regex(TAG_PATTERN, `${what} must start with a letter or "_" and contain only letters, digits, "_", "-" and "."`);

/** Milliseconds, or a string such as `250ms`, `5s`, `2m`, `1h`. */
export const durationSchema = z.union([z.number().int().positive(), z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)$/, 'durations are milliseconds or strings such as "250ms", "5s", "2m", "1h"')], {
  error: 'durations are milliseconds or strings such as "250ms", "5s", "2m", "1h"',
});

export const INPUT_TYPES = ['string', 'email', 'uuid', 'integer', 'number', 'boolean', 'date', 'array', 'object'] as const;
export type InputType = (typeof INPUT_TYPES)[number];

/** One declared input field. */
export interface InputField {
  type: InputType;
  required?: boolean;
  description?: string;
  /** Minimum length (string, email, array), value (integer, number) or instant (date, ISO string). */
  min?: number | string;
  max?: number | string;
  /** A regular expression strings must match. */
  pattern?: string;
  /** The allowed values. */
  enum?: (string | number)[];
  /** Used when the field is absent. */
  default?: unknown;
  /** The type of each array item. */
  items?: InputField;
  /** The fields of an object; other keys are refused when given. */
  properties?: Record<string, InputField>;
}

export const inputFieldSchema: z.ZodType<InputField> = z.lazy(() =>
  z.strictObject({
    type: z.enum(INPUT_TYPES, { error: `type must be one of ${INPUT_TYPES.join(', ')}` }),
    required: z.boolean().optional(),
    description: z.string().optional(),
    min: z.union([z.number(), z.string()]).optional(),
    max: z.union([z.number(), z.string()]).optional(),
    pattern: z.string().optional(),
    enum: z.array(z.union([z.string(), z.number()])).min(1).optional(),
    default: z.unknown().optional(),
    items: inputFieldSchema.optional(),
    properties: z.record(z.string(), inputFieldSchema).optional(),
  }),
);

const json = z.unknown();
const retriesSchema = z.union([
  z.number().int().min(0).max(20),
  z.strictObject({
    attempts: z.number().int().min(0).max(20),
    delay: durationSchema.optional(),
    factor: z.number().min(1).max(10).optional(),
    max_delay: durationSchema.optional(),
  }),
]);

const common = {
  tag: tag('a step tag'),
  description: z.string().optional(),
  depends_on: z.array(z.string()).optional(),
  parallel: z.string().min(1).optional(),
  if: z.string().optional(),
  retries: retriesSchema.optional(),
  timeout: durationSchema.optional(),
  allow_fail: z.boolean().optional(),
  flag: z.union([z.string().min(1), z.strictObject({ key: z.string().min(1), value: json.optional() })]).optional(),
};

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

const httpStep = z.strictObject({
  ...common,
  type: z.literal('http'),
  method: z.enum(HTTP_METHODS).optional(),
  /** Absolute, or relative to the environment's base URL named by `base`. */
  url: z.string().min(1),
  base: z.string().optional(),
  query: z.record(z.string(), json).optional(),
  headers: z.record(z.string(), json).optional(),
  body: json.optional(),
  /** Non-2xx statuses that still count as success. */
  accept_status: z.array(z.number().int().min(100).max(599)).optional(),
});

const databaseStep = z.strictObject({
  ...common,
  type: z.literal('database'),
  connection: z.string().min(1),
  sql: z.string().min(1),
  params: z.array(json).optional(),
});

const webhookStep = z.strictObject({
  ...common,
  type: z.literal('notify'),
  channel: z.literal('webhook'),
  /** Absolute, or relative to the environment's base URL named by `base`. */
  url: z.string().min(1),
  base: z.string().optional(),
  headers: z.record(z.string(), json).optional(),
  body: json.optional(),
});

const emailStep = z.strictObject({
  ...common,
  type: z.literal('notify'),
  channel: z.literal('email'),
  mailer: z.string().min(1),
  from: z.string().min(1),
  to: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  cc: z.union([z.string(), z.array(z.string())]).optional(),
  bcc: z.union([z.string(), z.array(z.string())]).optional(),
  subject: z.string(),
  text: z.string().optional(),
  html: z.string().optional(),
});

const storageStep = z.strictObject({
  ...common,
  type: z.literal('storage'),
  action: z.enum(['put', 'get', 'delete']),
  /** A storage driver named in the environment's `storage`. */
  driver: z.string().min(1),
  path: z.string().min(1),
  content: json.optional(),
  encoding: z.enum(['text', 'base64']).optional(),
});

const publishStep = z.strictObject({
  ...common,
  type: z.literal('publish'),
  broker: z.string().min(1),
  /** Redis stream or channel, RabbitMQ routing key (queue with the default exchange), NATS subject. */
  topic: z.string().min(1),
  message: json,
  headers: z.record(z.string(), json).optional(),
});

const featureStep = z.strictObject({
  ...common,
  type: z.literal('feature'),
  feature: tag('feature'),
  product: z.string().min(1).optional(),
  input: z.record(z.string(), json).optional(),
});

const notifyStep = z.discriminatedUnion('channel', [webhookStep, emailStep], { error: 'channel must be "webhook" or "email"' });

export const STEP_TYPES = ['http', 'database', 'notify', 'storage', 'publish', 'feature'] as const;

export const stepSchema = z.discriminatedUnion('type', [httpStep, databaseStep, notifyStep, storageStep, publishStep, featureStep], {
  error: `type must be one of ${STEP_TYPES.join(', ')}`,
});

export const workflowSchema = z.strictObject({
  tag: tag('tag'),
  product: z.string({ error: 'product must be a string' }).min(1, 'product must not be empty'),
  description: z.string().optional(),
  input: z.record(z.string().regex(TAG_PATTERN, 'input field names must start with a letter or "_" and contain only letters, digits, "_", "-" and "."'), inputFieldSchema).optional(),
  /** The evaluation context for flag gates; default: the input and the session claims, `targetingKey` = the `sub` claim. */
  context: z.record(z.string(), json).optional(),
  steps: z.array(stepSchema).min(1, 'a workflow needs at least one step'),
  output: json.optional(),
  cache: z.strictObject({ ttl: durationSchema }).optional(),
  /** Per-attempt timeout of its steps that set no `timeout` (default: the runner's, 10 s). */
  step_timeout: durationSchema.optional(),
  /** Deadline of a whole run of this workflow (default: the runner's, 30 s). */
  deadline: durationSchema.optional(),
  /**
   * The only origins its `http` steps and webhooks may reach: origins (`https://api.example.com`)
   * or names of the environment's base URLs (`orders`). Applies on top of the runner's allow-list.
   */
  allow_origins: z.array(z.string().min(1)).optional(),
});

export type HttpStep = z.infer<typeof httpStep>;
export type DatabaseStep = z.infer<typeof databaseStep>;
export type WebhookStep = z.infer<typeof webhookStep>;
export type EmailStep = z.infer<typeof emailStep>;
export type StorageStep = z.infer<typeof storageStep>;
export type PublishStep = z.infer<typeof publishStep>;
export type FeatureStep = z.infer<typeof featureStep>;
export type StepDefinition = z.infer<typeof stepSchema>;
export type StepType = StepDefinition['type'];
export type RetryPolicy = z.infer<typeof retriesSchema>;
/** A workflow feature as written in YAML/JSON or in code. */
export type WorkflowDefinition = z.infer<typeof workflowSchema>;

/** `250ms`, `5s`, `2m`, `1h` or milliseconds → milliseconds. */
export function durationMs(value: number | string): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value)!;
  const n = Number(m[1]);
  const unit = m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : 3_600_000;
  return Math.round(n * unit);
}
