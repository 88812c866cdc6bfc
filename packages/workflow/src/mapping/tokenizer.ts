import { MappingSyntaxError } from './mapping-error';

export type TokenType = 'text' | 'name' | 'segment' | 'lparen' | 'rparen' | 'comma' | 'string' | 'number' | 'keyword' | 'eof';

export interface Token {
  type: TokenType;
  /** Text (with `$$` unescaped), the name without `$`, the segment content, the literal's value. */
  value: string;
  start: number;
  end: number;
}

const IDENT_START = /[A-Za-z]/;
const IDENT_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;

/**
 * Splits a mapping string into tokens. Outside expressions everything is text, except `$$` (a
 * literal `$`) and `$` followed by a letter (an expression). Inside a function's parentheses
 * whitespace separates tokens. `{…}` right after a name or another segment is a path segment.
 */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let depth = 0;
  /** The previous token was a name or a segment, so `{` opens a segment and `(` opens arguments. */
  let afterName = false;
  /** The previous token was a name (not a segment), so `(` opens an argument list. */
  let afterBareName = false;
  let text = '';
  let textStart = 0;

  const flushText = () => {
    if (text) tokens.push({ type: 'text', value: text, start: textStart, end: i });
    text = '';
  };
  const fail: Fail = (reason, at) => {
    throw new MappingSyntaxError(reason, source, at);
  };

  while (i < source.length) {
    const ch = source[i]!;
    if (afterName && ch === '{') {
      flushText();
      const close = findSegmentEnd(source, i + 1);
      if (close < 0) fail('unclosed "{": expected "}"', i);
      const inner = source.slice(i + 1, close);
      if (inner === '') fail('empty "{}": a name is expected between the braces', i);
      tokens.push({ type: 'segment', value: inner, start: i, end: close + 1 });
      i = close + 1;
      afterBareName = false;
      continue;
    }
    if (afterBareName && ch === '(') {
      flushText();
      tokens.push({ type: 'lparen', value: '(', start: i, end: i + 1 });
      depth++;
      i++;
      afterName = afterBareName = false;
      continue;
    }
    afterName = afterBareName = false;
    if (ch === '$') {
      const next = source[i + 1];
      if (next === '$') {
        if (depth > 0) fail('"$$" is only allowed in text; write literal text in quotes', i);
        if (!text) textStart = i;
        text += '$';
        i += 2;
        continue;
      }
      if (next !== undefined && IDENT_START.test(next)) {
        flushText();
        let j = i + 2;
        while (j < source.length && IDENT_PART.test(source[j]!)) j++;
        tokens.push({ type: 'name', value: source.slice(i + 1, j), start: i, end: j });
        i = j;
        afterName = afterBareName = true;
        continue;
      }
      if (depth > 0) fail('"$" must be followed by a name such as $Input', i);
      if (!text) textStart = i;
      text += ch;
      i++;
      continue;
    }
    if (depth === 0) {
      if (!text) textStart = i;
      text += ch;
      i++;
      continue;
    }
    // Inside a function's argument list.
    const { token, end } = argumentToken(source, i, fail);
    if (token) tokens.push(token);
    if (token?.type === 'rparen') depth--;
    i = end;
  }
  if (depth > 0) fail('unclosed "(": expected ")"', source.length);
  flushText();
  tokens.push({ type: 'eof', value: '', start: source.length, end: source.length });
  return tokens;
}

type Fail = (reason: string, at: number) => never;

/**
 * The token at `i` inside a function's argument list and the index after it; whitespace gives no
 * token. Anything that cannot start a token there is refused.
 */
function argumentToken(source: string, i: number, fail: Fail): { token?: Token; end: number } {
  const ch = source[i]!;
  if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') return { end: i + 1 };
  if (ch === '(') fail('unexpected "(": only a function name may be followed by "("', i);
  if (ch === ')') return { token: { type: 'rparen', value: ')', start: i, end: i + 1 }, end: i + 1 };
  if (ch === ',') return { token: { type: 'comma', value: ',', start: i, end: i + 1 }, end: i + 1 };
  if (ch === '"' || ch === "'") {
    const [value, end] = readString(source, i, fail);
    return { token: { type: 'string', value, start: i, end }, end };
  }
  if (DIGIT.test(ch) || (ch === '-' && DIGIT.test(source[i + 1] ?? ''))) {
    let j = i + 1;
    while (j < source.length && DIGIT.test(source[j]!)) j++;
    if (source[j] === '.' && DIGIT.test(source[j + 1] ?? '')) {
      j += 2;
      while (j < source.length && DIGIT.test(source[j]!)) j++;
    }
    return { token: { type: 'number', value: source.slice(i, j), start: i, end: j }, end: j };
  }
  if (IDENT_START.test(ch)) {
    let j = i + 1;
    while (j < source.length && IDENT_PART.test(source[j]!)) j++;
    const word = source.slice(i, j);
    if (word !== 'true' && word !== 'false' && word !== 'null') {
      fail(`unexpected word "${word}": quote text ('${word}'), or write a reference such as $Input{${word}}`, i);
    }
    return { token: { type: 'keyword', value: word, start: i, end: j }, end: j };
  }
  return fail(`unexpected character ${JSON.stringify(ch)} in a function's arguments`, i);
}

/** Index of the `}` closing a segment that starts at `from`, or -1. Segments cannot contain braces. */
function findSegmentEnd(source: string, from: number): number {
  for (let j = from; j < source.length; j++) {
    const c = source[j];
    if (c === '}') return j;
    if (c === '{') return -1;
  }
  return -1;
}

function readString(source: string, start: number, fail: Fail): [string, number] {
  const quote = source[start]!;
  let value = '';
  let j = start + 1;
  while (j < source.length) {
    const c = source[j]!;
    if (c === quote) return [value, j + 1];
    if (c === '\\') {
      const n = source[j + 1];
      if (n === undefined) break;
      if (n !== quote && n !== '\\') fail(`unknown escape "\\${n}": only \\${quote} and \\\\ are allowed`, j);
      value += n;
      j += 2;
      continue;
    }
    value += c;
    j++;
  }
  return fail(`unclosed string: expected ${quote}`, start);
}
