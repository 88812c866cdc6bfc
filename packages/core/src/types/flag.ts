import type { Rule } from './rule';
import type { FlagType, FlagValue, JsonObject } from './values';

/** This flag only applies when flag `flag` evaluates to `value` (default `true`). */
export interface Prerequisite {
  flag: string;
  value?: FlagValue;
  /** The prerequisite flag must also have been served one of these variants (Unleash's variant dependencies). */
  variants?: string[];
}

/**
 * A cds-style validation of maintained values. Type checks are implicit (the flag's type);
 * `regex` tests the value's string form; `scopes` lists the scope keys values may be set for;
 * `validator` names a function registered with `registerValidator`; `module` (with an optional
 * `call`, the export to use) is cds-feature-toggles' code validation: a module resolved relative to
 * the file that declares the flag, where `$CONFIG_DIR` stands for that file's folder.
 */
export type Validation =
  | { regex: string; message?: string }
  | { scopes: string[] }
  | { validator: string; message?: string }
  | { module: string; call?: string; message?: string };

/** Where a definition came from, so tools can point back at it. */
export interface DefinitionSource {
  kind: 'manifest' | 'store' | 'code' | 'auto';
  file?: string;
  line?: number;
  column?: number;
}

/** A flag definition: what a flag is and how it decides. */
export interface FlagDefinition {
  /** Letters, digits and `_ - . / :`; cds keys such as `/check/priority` are valid. */
  key: string;
  type: FlagType;
  description?: string;
  /** Kill switch: a disabled flag serves its fallback with reason `DISABLED`. Default `true`. */
  enabled?: boolean;
  /** Served when nothing else decides, and whenever the flag is disabled. Must match `type`. */
  fallbackValue: FlagValue;
  /** One rule per environment name (Featuris). */
  environments?: Record<string, Rule>;
  /** Rule for environments not listed in `environments` (and when no environment is given). */
  defaultRule?: Rule;
  prerequisites?: Prerequisite[];
  validations?: Validation[];
  tags?: string[];
  metadata?: JsonObject;
  /** The flag set (namespace) the definition belongs to, e.g. the manifest file `ab-tests`. */
  flagSet?: string;
  source?: DefinitionSource;
}

/** A scope map: up to four scope keys taken from context attributes, e.g. `{tenant: 'people', user: 'alice'}`. */
export type ScopeMap = Record<string, string>;

/**
 * Maintained values (cds): state operators change at runtime without a deploy.
 * `scopedValues` is keyed by canonical scope keys (see `scopeKey`).
 */
export interface MaintainedValues {
  rootValue?: FlagValue;
  scopedValues?: Record<string, FlagValue>;
}
