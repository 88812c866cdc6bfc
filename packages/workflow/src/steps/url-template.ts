import type { ExpressionNode, ParsedTemplate } from '../mapping/ast';
import type { FoundReference } from '../mapping/compile-value';
import { compileExpression, toText, type Mapper, type MappingScope } from '../mapping/evaluate';
import { MappingSyntaxError } from '../mapping/mapping-error';
import { parseTemplate, printExpression } from '../mapping/parser';
import { OriginRefusedError } from '../net/origin-guard';

/**
 * A step's `url`, compiled so that values from callers and peers cannot steer the request.
 * Literal text, `$Env{…}` and `$Secret{…}` (the operator's values) are used as written; values
 * of `$Input`, `$Session` and `$Sequence` (and functions of them) are percent-encoded where they
 * stand, so they fill a path segment or a query value and nothing else: `/`, `\`, `?`, `#`, `@`
 * and `%` become escapes, and a value that would form a `.` or `..` segment is refused.
 */
export interface CompiledUrl {
  references: readonly FoundReference[];
  /**
   * The request URL. With `base`, the template is a path (and query) under the base URL's path.
   * Throws `OriginRefusedError` when a caller's value would decide the origin or leave the base path.
   */
  resolve(scope: MappingScope, base?: string): string;
}

type Piece = { text: string } | { map: Mapper; trusted: boolean; source: string };

const TRUSTED_SOURCES = new Set(['Env', 'Secret']);
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;
const AUTHORITY_DONE = /^https?:\/\/[^/?#\\]*[/?#]/i;

/**
 * Compiles a `url`; a syntax error, or an origin that caller values would decide, is reported
 * once through `report` and gives `undefined`. `hasBase`: the step names a base URL, so the
 * template must be relative. `path` locates the url in its definition for references.
 */
export function compileUrlTemplate(source: string, hasBase: boolean, report: (message: string) => void, path: (string | number)[]): CompiledUrl | undefined {
  let parsed: ParsedTemplate;
  try {
    parsed = parseTemplate(source);
  } catch (err) {
    if (err instanceof MappingSyntaxError) {
      report(err.message);
      return undefined;
    }
    throw err;
  }
  const references: FoundReference[] = [];
  const pieces: Piece[] = parsed.parts.map((part) => {
    if (typeof part === 'string') return { text: part };
    const refs = collect(part);
    for (const node of refs) references.push({ node, path });
    return { map: compileExpression(part), trusted: refs.every((r) => TRUSTED_SOURCES.has(r.source)), source: printExpression(part) };
  });

  const leading = pieces.findIndex((p) => 'map' in p && !p.trusted);
  const literalPrefix = pieces.slice(0, leading < 0 ? pieces.length : leading);
  const prefixIsText = literalPrefix.every((p) => 'text' in p);
  const prefixText = prefixIsText ? literalPrefix.map((p) => p.text).join('') : undefined;
  const fail = report;
  if (hasBase) {
    const head = pieces[0] && 'text' in pieces[0] ? pieces[0].text : '';
    if (/^\s*(?:[a-z][a-z0-9+.-]*:|[/\\]{2})/i.test(head)) {
      fail('with `base`, url is a path (and query) under the base URL, not an absolute URL');
      return undefined;
    }
  } else if (leading >= 0 && prefixText !== undefined && !AUTHORITY_DONE.test(prefixText)) {
    const culprit = (pieces[leading] as { source: string }).source;
    fail(`${culprit} would decide where the request goes: the origin (scheme://host:port/) must be written in the url, come from $Env or $Secret, or from a base URL (\`base\`); values of $Input, $Session and $Sequence may only fill the path or the query`);
    return undefined;
  }

  return {
    references,
    resolve(scope, base) {
      let out = '';
      /** [start, end) ranges of `out` that came from caller or peer values. */
      const untrusted: [number, number][] = [];
      let firstUntrusted = -1;
      for (const piece of pieces) {
        if ('text' in piece) {
          out += piece.text;
          continue;
        }
        const value = toText(piece.map(scope));
        if (piece.trusted) {
          out += value;
          continue;
        }
        if (firstUntrusted < 0) firstUntrusted = out.length;
        const encoded = encodeValue(value, piece.source);
        untrusted.push([out.length, out.length + encoded.length]);
        out += encoded;
      }
      let full: string;
      /** Where `out` starts inside `full`, less the leading slashes dropped from it. */
      let offset: number;
      if (base !== undefined) {
        const relative = out.replace(/^\/+/, '');
        const prefix = `${base.replace(/\/+$/, '')}/`;
        full = prefix + relative;
        offset = prefix.length - (out.length - relative.length);
      } else {
        if (firstUntrusted >= 0 && !AUTHORITY_DONE.test(out.slice(0, firstUntrusted))) {
          throw new OriginRefusedError(`the url's origin must be complete (scheme://host:port/) before any value of $Input, $Session or $Sequence`);
        }
        full = out;
        offset = 0;
      }
      checkDotSegments(full, untrusted.map(([s, e]) => [s + offset, e + offset]));
      let url: URL;
      try {
        url = new URL(full);
      } catch {
        throw new OriginRefusedError(`invalid URL ${JSON.stringify(full)}`);
      }
      if (base !== undefined) {
        const root = new URL(base);
        if (url.origin !== root.origin) throw new OriginRefusedError(`the url leaves the base URL's origin ${root.origin}`);
        const basePath = root.pathname.endsWith('/') ? root.pathname : `${root.pathname}/`;
        if (!(url.pathname + '/').startsWith(basePath)) throw new OriginRefusedError(`the url leaves the base path ${basePath}`);
      }
      return url.href;
    },
  };
}

/** Percent-encodes a caller's value so that it stays one path segment or one query value. */
function encodeValue(value: string, source: string): string {
  try {
    // encodeURIComponent leaves only A-Z a-z 0-9 - _ . ! ~ * ' ( ): nothing that ends a segment.
    return encodeURIComponent(value);
  } catch {
    throw new OriginRefusedError(`${source} holds text that is not valid Unicode and cannot be sent in a URL`);
  }
}

/** Refuses `.` and `..` path segments that a caller's value helped to form: they would be resolved. */
function checkDotSegments(url: string, untrusted: [number, number][]): void {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url);
  let start = authority ? authority[0].length : 0;
  const end = url.search(/[?#]/);
  const pathEnd = end < 0 ? url.length : end;
  while (start < pathEnd) {
    let next = url.indexOf('/', start + 1);
    if (next < 0 || next > pathEnd) next = pathEnd;
    const segStart = url[start] === '/' ? start + 1 : start;
    const segment = url.slice(segStart, next);
    if (DOT_SEGMENT.test(segment) && untrusted.some(([s, e]) => s < next && e > segStart)) {
      throw new OriginRefusedError(`a value would form the path segment "${segment}", which URLs resolve; refused`);
    }
    start = next;
  }
}

function collect(node: ExpressionNode): Extract<ExpressionNode, { kind: 'ref' }>[] {
  if (node.kind === 'ref') return [node];
  if (node.kind === 'call') return node.args.flatMap(collect);
  return [];
}
