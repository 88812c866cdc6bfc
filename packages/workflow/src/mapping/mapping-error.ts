/** A mapping string is malformed. `offset` is the 0-based position in `source` where the problem starts. */
export class MappingSyntaxError extends Error {
  override readonly name = 'MappingSyntaxError';
  readonly code = 'MAPPING_SYNTAX' as const;
  constructor(
    readonly reason: string,
    readonly source: string,
    readonly offset: number,
  ) {
    super(`${reason} (at character ${offset + 1} of ${JSON.stringify(source)})`);
  }
}
