/** Any JSON value. Flag values, attributes and metadata are JSON so every surface can carry them. */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** The four flag types, as in OpenFeature and cds-feature-toggles. */
export type FlagType = 'boolean' | 'string' | 'number' | 'object';

/** A value a flag can serve. `object` flags serve JSON objects or arrays. */
export type FlagValue = boolean | string | number | JsonObject | JsonValue[];

/** Maps a flag type name to the TypeScript type of its values. */
export interface FlagValueOf {
  boolean: boolean;
  string: string;
  number: number;
  object: JsonObject | JsonValue[];
}
