/** Deepest JSON nesting the server accepts by default; real payloads stay far below it. */
export const DEFAULT_MAX_JSON_DEPTH = 64;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Raised (before `JSON.parse` runs) for a body nested deeper than allowed; rendered as a 400. */
export class JsonTooDeepError extends Error {
  override readonly name = 'JsonTooDeepError';
  readonly type = 'entity.too.deep';
  readonly status = 400;
  constructor(readonly maxDepth: number) {
    super(`the JSON body is nested deeper than ${maxDepth} levels`);
  }
}

/**
 * The nesting depth of raw JSON text, stopping as soon as it exceeds `limit`. One pass over the
 * bytes (brackets inside strings are skipped), so a hostile body is refused before it is parsed
 * into a deep object graph that recursive code downstream could overflow on.
 */
export function jsonDepthExceeds(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}

/** A body-parser `verify` hook refusing bodies nested deeper than `maxDepth`. */
export function jsonDepthGuard(maxDepth: number): (req: unknown, res: unknown, body: Buffer) => void {
  return (_req, _res, body) => {
    if (jsonDepthExceeds(body, maxDepth)) throw new JsonTooDeepError(maxDepth);
  };
}
