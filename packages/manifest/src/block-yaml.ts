import { boolCoreTag, floatCoreTag, intCoreTag, NOT_RESOLVED, nullCoreTag } from 'js-yaml';

/** What the block-YAML reader gives: the value, and where the keys of the top two levels start. */
export interface BlockYaml {
  value: unknown;
  /** Offset of each key of the root mapping and of the mappings directly under it: mapping's `pathKey` → key → offset. */
  keyOffsets: Map<string, Map<string, number>>;
  /** Keys of the root mapping and of the mappings directly under it, in document order, by `pathKey`. */
  keyOrder: Map<string, string[]>;
}

/** Thrown inside the reader when the text leaves the subset it reads; never escapes `readBlockYaml`. */
class Unsupported extends Error {}
// One instance: declining is control flow, not worth a stack trace each time.
const UNSUPPORTED = new Unsupported('outside the block-YAML subset');

/** Characters the subset never reads: tabs, carriage returns, control and non-printable characters, a byte order mark. */
// eslint-disable-next-line no-control-regex -- these are exactly the characters refused
const OUTSIDE_SUBSET = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\uFEFF\uFFFE\uFFFF]/;
const MAX_DEPTH = 200;
const SPACE = 32;
const HASH = 35;
const DASH = 45;
const COLON = 58;
const QUOTE = 34;
const APOSTROPHE = 39;
/** Characters a plain scalar (or plain key) cannot start with: YAML's indicators. */
const INDICATOR = new Set([...',[]{}#&*!|>\'"%@`?:-'].map((c) => c.charCodeAt(0)));
/** JSON's escapes mean the same in a YAML double-quoted scalar; any other escape leaves the subset. */
const JSON_ESCAPES = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/g;

/** A map key for a document path; every segment is prefixed, so `[]` and `[""]` differ. */
export function pathKey(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path) out += `\u0000${segment}`;
  return out;
}

/**
 * Reads the block-style YAML that manifests are written in (nested mappings and sequences, plain
 * and single-line quoted scalars, comments, empty `[]`/`{}`) in one pass over the text, several
 * times faster than a general YAML parser, with the same result as js-yaml's core schema (scalars
 * are resolved by js-yaml's own tags). Anything else (flow collections, block scalars, anchors,
 * tags, multi-line scalars, duplicate keys, errors) returns `undefined`, and the caller reads the
 * text with the general parser, which also explains errors precisely.
 */
export function readBlockYaml(text: string): BlockYaml | undefined {
  if (OUTSIDE_SUBSET.test(text)) return undefined;
  try {
    return new BlockReader(text).read();
  } catch (err) {
    if (err === UNSUPPORTED) return undefined;
    throw err;
  }
}

class BlockReader {
  /** The current content line: its start, end (before `\n`), and the column of its first character. */
  private start = 0;
  private end = 0;
  private indent = 0;
  private atEnd = false;
  /** Start of the next line to look at. */
  private next = 0;
  /** Where the value of the key just read starts. */
  private valueStart = 0;
  /** The last empty flow mapping (`{}`) read. */
  private emptyMapping: object | undefined;
  readonly keyOffsets = new Map<string, Map<string, number>>();
  readonly keyOrder = new Map<string, string[]>();

  constructor(private readonly text: string) {}

  read(): BlockYaml {
    this.advance();
    // One leading document marker is allowed; a second one (or `...`) means several documents.
    if (!this.atEnd && this.isMarker('---')) {
      if (this.end !== this.start + 3) throw UNSUPPORTED;
      this.advance();
    }
    if (this.atEnd || this.indent !== 0) throw UNSUPPORTED;
    const value = this.isSequenceItem(this.start) ? this.sequence(0, 1) : this.mapping(0, this.start, 1, []);
    if (!this.atEnd) throw UNSUPPORTED;
    return { value, keyOffsets: this.keyOffsets, keyOrder: this.keyOrder };
  }

  /** Moves to the next line with content (not blank, not only a comment). */
  private advance(): void {
    const text = this.text;
    while (this.next < text.length) {
      const start = this.next;
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      this.next = end + 1;
      let i = start;
      while (i < end && text.charCodeAt(i) === SPACE) i++;
      if (i === end || text.charCodeAt(i) === HASH) continue;
      this.start = i;
      this.end = end;
      this.indent = i - start;
      // Document markers and directives after the first line fail as keys or items: the text leaves the subset.
      return;
    }
    this.atEnd = true;
  }

  private isMarker(marker: string): boolean {
    if (!this.text.startsWith(marker, this.start)) return false;
    const after = this.start + 3;
    return after === this.end || this.text.charCodeAt(after) === SPACE;
  }

  private isSequenceItem(at: number): boolean {
    if (this.text.charCodeAt(at) !== DASH) return false;
    const after = at + 1;
    return after === this.end || this.text.charCodeAt(after) === SPACE;
  }

  /**
   * A block mapping whose entries start at column `column`; the first entry starts at `first`
   * (inside the current line for `- key: value`). `path` is set while key positions are recorded.
   */
  private mapping(column: number, first: number, depth: number, path: string[] | null): Record<string, unknown> {
    if (depth > MAX_DEPTH) throw UNSUPPORTED;
    const out: Record<string, unknown> = {};
    const order: string[] | undefined = path && path.length <= 1 ? [] : undefined;
    const offsets = order && new Map<string, number>();
    if (order) {
      this.keyOrder.set(pathKey(path!), order);
      this.keyOffsets.set(pathKey(path!), offsets!);
    }
    let at = first;
    for (;;) {
      const key = this.key(at);
      const after = this.valueStart;
      if (key === '__proto__' || Object.prototype.hasOwnProperty.call(out, key)) throw UNSUPPORTED;
      if (order) {
        order.push(key);
        offsets!.set(key, at);
      }
      const value = this.valueAfter(after, column, depth, order ? [...path!, key] : null, true);
      // An empty `{}` under the root is a mapping with no keys, as the event reader records it.
      if (order && path!.length === 0 && value === this.emptyMapping) {
        this.keyOrder.set(pathKey([key]), []);
        this.keyOffsets.set(pathKey([key]), new Map());
      }
      out[key] = value;
      if (this.atEnd || this.indent < column) return out;
      if (this.indent > column || this.isSequenceItem(this.start)) throw UNSUPPORTED;
      at = this.start;
    }
  }

  /** A block sequence whose dashes stand at column `column`. */
  private sequence(column: number, depth: number, firstDash = this.start): unknown[] {
    if (depth > MAX_DEPTH) throw UNSUPPORTED;
    const out: unknown[] = [];
    let dash = firstDash;
    for (;;) {
      // After the dash: spaces, then the item (on this line), or nothing (the item follows, indented).
      let i = dash + 1;
      while (i < this.end && this.text.charCodeAt(i) === SPACE) i++;
      if (i === this.end || this.text.charCodeAt(i) === HASH) {
        out.push(this.valueAfter(i, column, depth, null, false));
      } else if (this.isSequenceItemAt(i)) {
        out.push(this.sequence(i - (this.start - this.indent), depth + 1, i));
      } else if (this.startsEntry(i)) {
        out.push(this.mapping(i - (this.start - this.indent), i, depth + 1, null));
      } else {
        out.push(this.scalarToEnd(i));
        this.advance();
      }
      // A line at the dashes' column that is no item ends a sequence that is a mapping's value; the caller checks it.
      if (this.atEnd || this.indent < column || (this.indent === column && !this.isSequenceItem(this.start))) return out;
      if (this.indent > column) throw UNSUPPORTED;
      dash = this.start;
    }
  }

  private isSequenceItemAt(i: number): boolean {
    if (this.text.charCodeAt(i) !== DASH) return false;
    return i + 1 === this.end || this.text.charCodeAt(i + 1) === SPACE;
  }

  /** True when the text at `i` is `key:` followed by a space or the end of the line. */
  private startsEntry(i: number): boolean {
    const c = this.text.charCodeAt(i);
    if (c === QUOTE || c === APOSTROPHE) {
      const close = this.closingQuote(i);
      let j = close + 1;
      while (j < this.end && this.text.charCodeAt(j) === SPACE) j++;
      return j < this.end && this.text.charCodeAt(j) === COLON;
    }
    return this.colonAt(i) !== -1;
  }

  /**
   * The offset of the `:` that ends a plain key starting at `i` (a colon followed by a space or the
   * line's end), or -1. Bounded by the line: the scan never runs into the rest of the text.
   */
  private colonAt(i: number): number {
    const text = this.text;
    const end = this.end;
    for (let j = i; j < end; j++) {
      const c = text.charCodeAt(j);
      if (c === COLON && (j + 1 === end || text.charCodeAt(j + 1) === SPACE)) return j;
      // ` #` starts a comment: no key after it.
      if (c === HASH && j > i && text.charCodeAt(j - 1) === SPACE) return -1;
    }
    return -1;
  }

  /** Reads the key of an entry starting at `at`, and sets `valueStart` to where its value starts (after `: `). */
  private key(at: number): string {
    const text = this.text;
    const c = text.charCodeAt(at);
    let key: string;
    let colon: number;
    if (c === QUOTE || c === APOSTROPHE) {
      const close = this.closingQuote(at);
      key = this.quoted(at, close);
      colon = close + 1;
      while (colon < this.end && text.charCodeAt(colon) === SPACE) colon++;
      if (colon === this.end || text.charCodeAt(colon) !== COLON) throw UNSUPPORTED;
      if (colon + 1 < this.end && text.charCodeAt(colon + 1) !== SPACE) throw UNSUPPORTED;
    } else {
      if (INDICATOR.has(c) && !this.plainIndicatorStart(at)) throw UNSUPPORTED;
      colon = this.colonAt(at);
      if (colon === -1) throw UNSUPPORTED;
      let stop = colon;
      while (stop > at && text.charCodeAt(stop - 1) === SPACE) stop--;
      const raw = text.slice(at, stop);
      // A key that reads as null, a boolean or a number becomes a different property name.
      if (resolvePlain(raw) !== raw) throw UNSUPPORTED;
      key = raw;
    }
    if (colon - at > 1024) throw UNSUPPORTED;
    this.valueStart = colon + 1;
    return key;
  }

  /**
   * The value of a mapping entry (or of a sequence item with nothing after its dash) whose text
   * starts at `i` on the current line; `column` is the column of the entry's key (or dash).
   */
  private valueAfter(i: number, column: number, depth: number, path: string[] | null, inMapping: boolean): unknown {
    const text = this.text;
    while (i < this.end && text.charCodeAt(i) === SPACE) i++;
    if (i < this.end && text.charCodeAt(i) !== HASH) {
      // A scalar on the same line; the next line must not continue it.
      const value = this.scalarToEnd(i);
      this.advance();
      if (!this.atEnd && this.indent > column) throw UNSUPPORTED;
      return value;
    }
    this.advance();
    if (this.atEnd) return null;
    if (this.indent > column) {
      if (this.isSequenceItem(this.start)) return this.sequence(this.indent, depth + 1);
      return this.mapping(this.indent, this.start, depth + 1, path && path.length <= 1 ? path : null);
    }
    // `key:` followed by `- item` lines at the key's own column.
    if (inMapping && this.indent === column && this.isSequenceItem(this.start)) return this.sequence(column, depth + 1);
    return null;
  }

  /** A scalar from `i` to the end of the line (or a comment): plain, quoted, or an empty `[]`/`{}`. */
  private scalarToEnd(i: number): unknown {
    const text = this.text;
    const c = text.charCodeAt(i);
    if (c === QUOTE || c === APOSTROPHE) {
      const close = this.closingQuote(i);
      this.expectLineEnd(close + 1);
      return this.quoted(i, close);
    }
    if (c === 91 /* [ */ || c === 123 /* { */) {
      const closeChar = c === 91 ? 93 : 125;
      let j = i + 1;
      while (j < this.end && text.charCodeAt(j) === SPACE) j++;
      if (j === this.end || text.charCodeAt(j) !== closeChar) throw UNSUPPORTED;
      this.expectLineEnd(j + 1);
      if (c === 91) return [];
      return (this.emptyMapping = {});
    }
    if (INDICATOR.has(c) && !this.plainIndicatorStart(i)) throw UNSUPPORTED;
    let stop = this.end;
    for (let j = i + 1; j < stop; j++) {
      const ch = text.charCodeAt(j);
      // `a: b` inside a value would be a nested mapping on one line: an error in YAML.
      if (ch === COLON && (j + 1 === stop || text.charCodeAt(j + 1) === SPACE)) throw UNSUPPORTED;
      if (ch === HASH && text.charCodeAt(j - 1) === SPACE) stop = j;
    }
    while (stop > i && text.charCodeAt(stop - 1) === SPACE) stop--;
    return resolvePlain(text.slice(i, stop));
  }

  /** `-`, `?` and `:` start a plain scalar when a non-space follows (`-1`, `:x`); the other indicators never do. */
  private plainIndicatorStart(i: number): boolean {
    const c = this.text.charCodeAt(i);
    return (c === DASH || c === 63 || c === COLON) && i + 1 < this.end && this.text.charCodeAt(i + 1) !== SPACE;
  }

  private expectLineEnd(i: number): void {
    let j = i;
    while (j < this.end && this.text.charCodeAt(j) === SPACE) j++;
    if (j === this.end) return;
    if (this.text.charCodeAt(j) !== HASH || j === i) throw UNSUPPORTED;
  }

  /** The offset of the quote closing the quoted scalar opened at `open`, on the same line. */
  private closingQuote(open: number): number {
    const text = this.text;
    const q = text.charCodeAt(open);
    let j = open + 1;
    while (j < this.end) {
      const c = text.charCodeAt(j);
      if (q === QUOTE && c === 92 /* \ */) j += 2;
      else if (c === q) {
        if (q === APOSTROPHE && j + 1 < this.end && text.charCodeAt(j + 1) === APOSTROPHE) j += 2;
        else return j;
      } else j++;
    }
    throw UNSUPPORTED;
  }

  private quoted(open: number, close: number): string {
    const body = this.text.slice(open + 1, close);
    if (this.text.charCodeAt(open) === APOSTROPHE) return body.includes("''") ? body.replace(/''/g, "'") : body;
    if (!body.includes('\\')) return body;
    if (body.replace(JSON_ESCAPES, '').includes('\\')) throw UNSUPPORTED;
    return JSON.parse(`"${body}"`) as string;
  }
}

/** A plain scalar as the core schema reads it: null, boolean, integer, float, else the text itself. */
function resolvePlain(raw: string): unknown {
  if (raw === '') return null;
  const c = raw.charCodeAt(0);
  // Most scalars are words: only these first characters can start anything but a string.
  if (c === 126 /* ~ */ || c === 110 /* n */ || c === 78 /* N */) {
    const v = nullCoreTag.resolve(raw, false, '') as unknown;
    return v === NOT_RESOLVED ? raw : v;
  }
  if (c === 116 || c === 84 || c === 102 || c === 70 /* t T f F */) {
    const v = boolCoreTag.resolve(raw, false, '') as unknown;
    return v === NOT_RESOLVED ? raw : v;
  }
  if (c === 45 || c === 43 || c === 46 || (c >= 48 && c <= 57) /* - + . 0-9 */) {
    const i = intCoreTag.resolve(raw, false, '') as unknown;
    if (i !== NOT_RESOLVED) return i;
    const f = floatCoreTag.resolve(raw, false, '') as unknown;
    return f === NOT_RESOLVED ? raw : f;
  }
  return raw;
}
