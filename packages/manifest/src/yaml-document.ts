import { constructFromEvents, CORE_SCHEMA, EVENT_ID, getScalarValue, parseEvents, SCALAR_STYLE } from 'js-yaml';
import { isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import { pathKey, readBlockYaml } from './block-yaml';
import type { BlockYaml } from './block-yaml';
import type { Diagnostic } from './diagnostic';
import { formatDocumentPath } from './diagnostic';

export type DocPath = (string | number)[];

/** Aliases beyond this count make a document suspect (alias bombs); it is refused. */
const MAX_ALIAS_COUNT = 1000;

/**
 * A parsed YAML/JSON text, its plain value, and where its nodes sit in the text.
 *
 * Valid documents are read by the block-YAML reader (the style manifests are written in), else
 * with js-yaml's event parser, both fast and with the offsets of the keys that name flags. Everything else, and any position a diagnostic needs, comes from the `yaml`
 * package's document (node ranges), built only when needed: it reports syntax errors and
 * duplicate keys precisely but is several times slower on large files.
 */
export class SourceDocument {
  readonly value: unknown;
  /** Syntax and duplicate-key problems; when `fatal`, `value` is not worth checking further. */
  readonly problems: Diagnostic[] = [];
  readonly fatal: boolean;
  /** Paths of keys written twice; what they hold is ambiguous. */
  private readonly duplicates: DocPath[] = [];
  private lineStarts: number[] | undefined;
  private ast: Document.Parsed | undefined;
  /** Offsets of the keys of the root mapping and of the mappings directly under it (fast path only). */
  private keyOffsets: Map<string, Map<string, number>> | undefined;
  /** Those mappings' keys in document order (fast path only). */
  private keyOrder: Map<string, string[]> | undefined;

  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    const fast = this.readFast();
    if (fast) {
      this.value = fast.value;
      this.fatal = false;
      return;
    }
    const doc = this.document();
    let fatal = false;
    let lastOffset = -1;
    for (const e of doc.errors) {
      fatal = true;
      // One report per position: the parser often explains a single slip twice.
      if (e.pos[0] === lastOffset) continue;
      lastOffset = e.pos[0];
      this.problems.push(this.diagnosticAt(e.pos[0], [], e.message, 'syntax'));
    }
    for (const w of doc.warnings) this.problems.push(this.diagnosticAt(w.pos[0], [], w.message, 'syntax', 'warning'));
    let value: unknown;
    if (!fatal) {
      try {
        value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
        this.checkDuplicateKeys(doc.contents, []);
      } catch (err) {
        fatal = true;
        this.problems.push(this.diagnosticAt(0, [], err instanceof Error ? err.message : String(err), 'syntax'));
      }
    }
    this.value = value;
    this.fatal = fatal;
  }

  /** 1-based line and column of an offset in the text. */
  position(offset: number): { line: number; column: number } {
    const starts = (this.lineStarts ??= lineStartsOf(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: Math.max(0, offset - starts[lo]!) + 1 };
  }

  /**
   * Position of the node at `path`: the key of a mapping entry, the start of a sequence item.
   * A path that leaves the document resolves to the nearest node that exists.
   */
  locate(path: readonly (string | number)[]): { line: number; column: number } {
    const known = path.length > 0 ? this.keyOffsets?.get(pathKey(path.slice(0, -1)))?.get(String(path[path.length - 1])) : undefined;
    if (known !== undefined) return this.position(known);
    const doc = this.document();
    let node: unknown = doc.contents;
    let offset = startOf(node) ?? 0;
    for (const segment of path) {
      node = resolveAlias(node, doc);
      let next: { node: unknown; offset: number | undefined } | undefined;
      if (isMap(node)) {
        const pair = findPair(node.items, segment);
        if (pair) next = { node: pair.value, offset: startOf(pair.key) ?? startOf(pair.value) };
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (item !== undefined) next = { node: item, offset: startOf(item) };
      }
      if (!next) break;
      node = next.node;
      if (next.offset !== undefined) offset = next.offset;
    }
    return this.position(offset);
  }

  /**
   * Entries of the mapping at `path` in document order (JavaScript objects put integer-like keys
   * such as `"0"` first, which would reorder flags).
   */
  entriesAt(path: DocPath, value: Record<string, unknown>): [string, unknown][] {
    const keys = this.keyOrder?.get(pathKey(path)) ?? this.astKeys(path);
    if (!keys) return Object.entries(value);
    const out: [string, unknown][] = [];
    const seen = new Set<string>();
    for (const key of keys) {
      if (seen.has(key) || !Object.prototype.hasOwnProperty.call(value, key)) continue;
      seen.add(key);
      out.push([key, value[key]]);
    }
    // Keys the text spells differently from the object (`~`, `0x10`) keep the object's order.
    if (out.length !== Object.keys(value).length) for (const key of Object.keys(value)) if (!seen.has(key)) out.push([key, value[key]]);
    return out;
  }

  /** True when a key at or below `path` was written twice. */
  hasDuplicateWithin(path: DocPath): boolean {
    return this.duplicates.some((d) => d.length >= path.length && path.every((segment, i) => String(d[i]) === String(segment)));
  }

  /** A diagnostic at the node of `path`, with `path` printed as the document path. */
  diagnostic(path: DocPath, message: string, code: Diagnostic['code'], severity: Diagnostic['severity'] = 'error'): Diagnostic {
    const { line, column } = this.locate(path);
    return { file: this.file, line, column, path: formatDocumentPath(path), message, severity, code };
  }

  private diagnosticAt(offset: number, path: DocPath, message: string, code: Diagnostic['code'], severity: Diagnostic['severity'] = 'error'): Diagnostic {
    const { line, column } = this.position(offset);
    return { file: this.file, line, column, path: formatDocumentPath(path), message, severity, code };
  }

  private document(): Document.Parsed {
    // uniqueKeys is off: duplicates are found by `checkDuplicateKeys`, which names the first occurrence
    // (and the package's own check is quadratic in the size of a mapping).
    this.ast ??= parseDocument(this.text, { prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
    return this.ast;
  }

  private astKeys(path: DocPath): string[] | undefined {
    const doc = this.document();
    let node: unknown = doc.contents;
    for (const segment of path) node = isMap(resolveAlias(node, doc)) ? findPair((resolveAlias(node, doc) as { items: Pair[] }).items, segment)?.value : undefined;
    node = resolveAlias(node, doc);
    return isMap(node) ? node.items.map((pair) => keyText(pair.key)) : undefined;
  }

  /**
   * Reads a well-formed document fast, keeping the offsets of keys at the top two levels: the
   * block-YAML reader first, else js-yaml's event parser. Returns `undefined` for anything unusual
   * (syntax errors, duplicate keys, aliases, several documents) so the precise path reports it.
   */
  private readFast(): { value: unknown } | undefined {
    const read = readBlockYaml(this.text) ?? readWithEvents(this.text);
    if (!read) return undefined;
    this.keyOffsets = read.keyOffsets;
    this.keyOrder = read.keyOrder;
    return { value: read.value };
  }

  private checkDuplicateKeys(node: unknown, path: DocPath): void {
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const key = keyText(pair.key);
        const at = startOf(pair.key) ?? 0;
        if (isMap(pair.key) || isSeq(pair.key)) {
          this.duplicates.push([...path, key]);
          this.problems.push(this.diagnosticAt(at, path, 'a key must be a plain value, not a mapping or a list', 'syntax'));
          continue;
        }
        const first = seen.get(key);
        if (first !== undefined) {
          this.duplicates.push([...path, key]);
          const { line, column } = this.position(first);
          this.problems.push(this.diagnosticAt(at, [...path, key], `duplicate key "${key}" (first defined at line ${line}, column ${column})`, 'duplicate-key'));
        } else seen.set(key, at);
        this.checkDuplicateKeys(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => this.checkDuplicateKeys(item, [...path, i]));
    }
  }
}

/**
 * Reads a well-formed document with js-yaml's event parser (YAML 1.2 core schema, like the `yaml`
 * package's default), keeping the offsets of keys at the top two levels; `undefined` for anything
 * unusual (syntax errors, aliases, several documents).
 */
export function readWithEvents(text: string): BlockYaml | undefined {
  let events: ReturnType<typeof parseEvents>;
  let documents: unknown[];
  try {
    events = parseEvents(text, { maxDepth: 200 });
    documents = constructFromEvents(events, { source: text, schema: CORE_SCHEMA, maxAliases: 0 });
  } catch {
    return undefined;
  }
  if (documents.length > 1) return undefined;
  const offsets = new Map<string, Map<string, number>>();
  const order = new Map<string, string[]>();
  interface Frame {
    isMap: boolean;
    /** Path of this collection while it is shallow enough to index, else null. */
    path: DocPath | null;
    keyTurn: boolean;
    key: string | undefined;
    /** Offset of the collection itself: where a key without text of its own is reported. */
    start: number;
  }
  const stack: Frame[] = [{ isMap: false, path: [], keyTurn: false, key: undefined, start: 0 }];
  for (const event of events) {
    if (event.type === EVENT_ID.POP) {
      stack.pop();
      continue;
    }
    if (event.type === EVENT_ID.DOCUMENT) {
      stack.push({ isMap: false, path: [], keyTurn: false, key: undefined, start: 0 });
      continue;
    }
    const parent = stack[stack.length - 1]!;
    let childPath: DocPath | null = null;
    if (parent.isMap && parent.keyTurn) {
      parent.keyTurn = false;
      parent.key = undefined;
      if (event.type === EVENT_ID.SCALAR && parent.path) {
        const key = getScalarValue(text, event);
        const quoted = event.style === SCALAR_STYLE.SINGLE_QUOTED || event.style === SCALAR_STYLE.DOUBLE_QUOTED;
        parent.key = key;
        offsets.get(pathKey(parent.path))!.set(key, keyOffset(event, quoted, parent.start));
        order.get(pathKey(parent.path))!.push(key);
      }
    } else if (parent.isMap) {
      parent.keyTurn = true;
      if (parent.path && parent.key !== undefined && parent.path.length === 0) childPath = [parent.key];
    } else if (parent.path && parent.path.length === 0 && stack.length === 2) childPath = [];
    if (event.type === EVENT_ID.MAPPING || event.type === EVENT_ID.SEQUENCE) {
      const isMapping = event.type === EVENT_ID.MAPPING;
      if (isMapping && childPath) {
        order.set(pathKey(childPath), []);
        offsets.set(pathKey(childPath), new Map());
      }
      stack.push({ isMap: isMapping, path: isMapping ? childPath : null, keyTurn: true, key: undefined, start: Math.max(0, event.start) });
    }
  }
  return { value: documents[0] ?? null, keyOffsets: offsets, keyOrder: order };
}

/**
 * Where a mapping key starts. An empty scalar (`? !!str`, `? &a`) has no value text, so its tag or
 * anchor, or else the mapping, gives the position; a quoted key starts at its quote.
 */
function keyOffset(event: { valueStart: number; tagStart: number; anchorStart: number }, quoted: boolean, fallback: number): number {
  if (event.valueStart >= 0) return quoted ? event.valueStart - 1 : event.valueStart;
  const marks = [event.tagStart, event.anchorStart].filter((offset) => offset >= 0);
  return marks.length ? Math.min(...marks) : fallback;
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function resolveAlias(node: unknown, doc: Document.Parsed): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function startOf(node: unknown): number | undefined {
  return node && typeof node === 'object' && 'range' in node ? (node as Node).range?.[0] : undefined;
}

/** The key as `toJS` turns it into an object property. */
function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  if (key === null || key === undefined) return '';
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a collection key is a YAML node whose `toString` renders it
  return String(key);
}

/** Key → entry of each mapping, built on first lookup: flags are located one by one, in maps of thousands. */
const pairIndex = new WeakMap<Pair[], Map<string, Pair>>();

function findPair(items: Pair[], segment: string | number): Pair | undefined {
  let index = pairIndex.get(items);
  if (!index) {
    index = new Map();
    // The last entry wins, as in `toJS`, so positions point at the value actually used.
    for (const pair of items) index.set(keyText(pair.key), pair);
    pairIndex.set(items, index);
  }
  return index.get(String(segment));
}
