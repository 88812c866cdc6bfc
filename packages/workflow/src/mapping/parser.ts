import { ARITIES, FUNCTION_NAMES, REFERENCE_SOURCES, SEGMENT_COUNTS } from './ast';
import type { ExpressionNode, FunctionName, ParsedTemplate, ReferenceSource, TemplatePart } from './ast';
import { MappingSyntaxError } from './mapping-error';
import { tokenize, type Token } from './tokenizer';

/** Parses a mapping string into text and expressions. Throws `MappingSyntaxError` with the offending offset. */
export function parseTemplate(source: string): ParsedTemplate {
  if (!source.includes('$')) return { source, parts: source ? [source] : [] };
  return new Parser(source, tokenize(source)).template();
}

class Parser {
  private pos = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  template(): ParsedTemplate {
    const parts: TemplatePart[] = [];
    while (this.peek().type !== 'eof') {
      const token = this.peek();
      if (token.type === 'text') {
        this.pos++;
        parts.push(token.value);
      } else if (token.type === 'name') {
        parts.push(this.expression());
      } else {
        this.fail(`unexpected ${describe(token)}`, token.start);
      }
    }
    return { source: this.source, parts };
  }

  private expression(): ExpressionNode {
    const name = this.next();
    if (name.type !== 'name') return this.fail(`expected a reference or a function, found ${describe(name)}`, name.start);
    if ((REFERENCE_SOURCES as readonly string[]).includes(name.value)) return this.reference(name, name.value as ReferenceSource);
    if ((FUNCTION_NAMES as readonly string[]).includes(name.value)) return this.call(name, name.value as FunctionName);
    return this.fail(
      `unknown name "$${name.value}": expected one of ${[...REFERENCE_SOURCES, ...FUNCTION_NAMES].map((n) => `$${n}`).join(', ')} (write "$$" for a literal "$")`,
      name.start,
    );
  }

  private reference(name: Token, source: ReferenceSource): ExpressionNode {
    const path: string[] = [];
    let end = name.end;
    while (this.peek().type === 'segment') {
      const seg = this.next();
      path.push(seg.value);
      end = seg.end;
    }
    const [min, max] = SEGMENT_COUNTS[source];
    if (this.peek().type === 'lparen') this.fail(`$${source} is a reference, not a function: write $${source}{…}`, this.peek().start);
    if (path.length < min) {
      const shape = source === 'Session' ? '{session}{field}' : source === 'Sequence' ? '{step}' : '{name}';
      this.fail(`$${source} needs ${min === 1 ? 'a' : `${min}`} {…} segment${min === 1 ? '' : 's'}: $${source}${shape}`, path.length === 0 ? name.start : end);
    }
    if (path.length > max) this.fail(`$${source} takes exactly ${max} {…} segment: $${source}{NAME}`, name.start);
    return { kind: 'ref', source, path, start: name.start, end };
  }

  private call(name: Token, fn: FunctionName): ExpressionNode {
    const open = this.next();
    if (open.type !== 'lparen') return this.fail(`$${fn} is a function: write $${fn}(…)`, open.type === 'segment' ? open.start : name.end);
    const args: ExpressionNode[] = [];
    if (this.peek().type !== 'rparen') {
      for (;;) {
        args.push(this.argument());
        const sep = this.next();
        if (sep.type === 'rparen') {
          this.pos--;
          break;
        }
        if (sep.type !== 'comma') this.fail(`expected "," or ")" after an argument of $${fn}, found ${describe(sep)}`, sep.start);
      }
    }
    const close = this.next();
    if (close.type !== 'rparen') this.fail(`expected ")" to close $${fn}(`, close.start);
    const [min, max] = ARITIES[fn];
    if (args.length < min || args.length > max) {
      const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      this.fail(`$${fn} takes ${expected} argument${/(^| )1$/.test(expected) ? '' : 's'}, got ${args.length}`, name.start);
    }
    return { kind: 'call', name: fn, args, start: name.start, end: close.end };
  }

  private argument(): ExpressionNode {
    const token = this.peek();
    switch (token.type) {
      case 'name':
        return this.expression();
      case 'string':
        this.pos++;
        return { kind: 'literal', value: token.value, start: token.start, end: token.end };
      case 'number':
        this.pos++;
        return { kind: 'literal', value: Number(token.value), start: token.start, end: token.end };
      case 'keyword':
        this.pos++;
        return { kind: 'literal', value: token.value === 'null' ? null : token.value === 'true', start: token.start, end: token.end };
      default:
        return this.fail(`expected an argument, found ${describe(token)}`, token.start);
    }
  }

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private next(): Token {
    const token = this.tokens[this.pos]!;
    if (token.type !== 'eof') this.pos++;
    return token;
  }

  private fail(reason: string, offset: number): never {
    throw new MappingSyntaxError(reason, this.source, offset);
  }
}

function describe(token: Token): string {
  switch (token.type) {
    case 'eof':
      return 'the end of the text';
    case 'rparen':
      return '")"';
    case 'lparen':
      return '"("';
    case 'comma':
      return '","';
    case 'segment':
      return `"{${token.value}}"`;
    default:
      return JSON.stringify(token.value);
  }
}

/** Writes a parsed template back as mapping text; `parseTemplate(printTemplate(t))` gives `t` back. */
export function printTemplate(parts: readonly TemplatePart[]): string {
  let out = '';
  for (const part of parts) out += typeof part === 'string' ? part.replaceAll('$', '$$$$') : printExpression(part);
  return out;
}

export function printExpression(node: ExpressionNode): string {
  switch (node.kind) {
    case 'ref':
      return `$${node.source}${node.path.map((p) => `{${p}}`).join('')}`;
    case 'call':
      return `$${node.name}(${node.args.map(printExpression).join(', ')})`;
    case 'literal':
      return typeof node.value === 'string' ? `'${node.value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'` : String(node.value);
  }
}
