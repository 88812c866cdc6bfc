import { codedError } from '@switchyard/core';

/** A mapping string is malformed. `offset` is the 0-based position in `source` where the problem starts. */
export class MappingSyntaxError extends codedError('MappingSyntaxError', 'MAPPING_SYNTAX') {
  constructor(
    readonly reason: string,
    readonly source: string,
    readonly offset: number,
  ) {
    super(`${reason} (at character ${offset + 1} of ${JSON.stringify(source)})`);
  }
}
