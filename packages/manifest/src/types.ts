import type { FlagDefinition, MaintainedValues, ValueValidator } from '@switchyard/core';
import type { Diagnostic } from './diagnostic';

/** The manifest formats: Switchyard's own, Featuris, and flagd flag definitions. */
export type ManifestFormat = 'native' | 'featuris' | 'flagd';

/** Definitions and seeded values read from manifests, with every problem found. */
export interface ManifestResult {
  /** Every flag that is valid on its own, in file and document order. Use the set only when `errors` is empty. */
  definitions: FlagDefinition[];
  /** Seeded maintained values by flag key; `scopedValues` are keyed by core's `scopeKey`. */
  values: Record<string, MaintainedValues>;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

export interface ParseManifestOptions {
  /** Name used in diagnostics and `definition.source.file`. */
  file: string;
  /** Skip detection and read the text as this format. */
  format?: ManifestFormat;
  /** Flag set of the definitions; default the file name without extension (`team/payments.yaml` → `team/payments`). */
  flagSet?: string;
  /** Custom validators referenced by `validations`, applied to seeded values. Without them such validations are left to the store. */
  validators?: Record<string, ValueValidator> | ReadonlyMap<string, ValueValidator>;
  /**
   * Names of the acceptance sources configured where the manifests are served (e.g. `['pivotal']`).
   * When given, each acceptance rule naming another source is reported as an `unconfigured-source`
   * warning at its `source` key: such a flag can never be accepted there.
   */
  acceptanceSources?: readonly string[];
}

export interface ParsedManifest extends ManifestResult {
  /** The format the document was read as; `undefined` when it could not be read at all. */
  format: ManifestFormat | undefined;
}
