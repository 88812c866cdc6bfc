import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileTemplate, MappingSyntaxError, parseTemplate, printTemplate, tokenize, type ExpressionNode, type MappingScope, type TemplatePart } from '../src/index';
import { runs } from '../../../tooling/testing/property.ts';

const scope: MappingScope = {
  input: { name: 'Ada', count: 3, tags: ['a', 'b'], address: { city: 'Lagos' }, empty: '' },
  sessions: { user: { id: 'u1', email: 'ada@example.com' } },
  steps: { fetch: { status: 200, body: { items: [{ id: 7 }] } } },
  env: { REGION: 'eu' },
  secrets: { TOKEN: 's3cr3t' },
  now: () => Date.UTC(2024, 0, 2, 3, 4, 5),
};
const run = (s: string) => compileTemplate(s)(scope);

function syntaxError(source: string): MappingSyntaxError {
  try {
    parseTemplate(source);
  } catch (err) {
    if (err instanceof MappingSyntaxError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(source)} to be refused`);
}

describe('mapping evaluation', () => {
  it('keeps the type of a whole-value expression', () => {
    expect(run('$Input{count}')).toBe(3);
    expect(run('$Input{tags}')).toEqual(['a', 'b']);
    expect(run('$Sequence{fetch}{body}{items}{0}{id}')).toBe(7);
  });

  it('interpolates text', () => {
    expect(run('Hello $Input{name} from $Input{address}{city} ($Env{REGION})')).toBe('Hello Ada from Lagos (eu)');
    expect(run('n=$Input{count};t=$Input{tags}')).toBe('n=3;t=["a","b"]');
    expect(run('Bearer $Secret{TOKEN}')).toBe('Bearer s3cr3t');
    expect(run('$Session{user}{email}')).toBe('ada@example.com');
  });

  it('reads missing paths as undefined, and as nothing inside text', () => {
    expect(run('$Input{missing}')).toBeUndefined();
    expect(run('$Input{name}{deeper}')).toBeUndefined();
    expect(run('$Sequence{fetch}{body}{items}{x}')).toBeUndefined();
    expect(run('[$Input{missing}]')).toBe('[]');
  });

  it('does not read inherited properties', () => {
    expect(run('$Input{constructor}')).toBeUndefined();
    expect(run('$Input{__proto__}')).toBeUndefined();
  });

  it('runs functions', () => {
    expect(run("$Default($Input{missing}, 'fallback')")).toBe('fallback');
    expect(run("$Default($Input{empty}, 'fallback')")).toBe('fallback');
    expect(run('$Default($Input{count}, 9)')).toBe(3);
    expect(run("$Concat('id-', $Input{count}, '-', true, null)")).toBe('id-3-true');
    expect(run('$Now()')).toBe('2024-01-02T03:04:05.000Z');
    expect(run('$Lowercase($Input{name})')).toBe('ada');
    expect(run('$Uppercase( $Concat( $Input{name} , "x" ) )')).toBe('ADAX');
    expect(run("$Concat('it\\'s', \" \\\\ \")")).toBe("it's \\ ");
  });

  it('treats $$ as a literal dollar and a lone $ as text', () => {
    expect(run('costs $$5 and $$Input')).toBe('costs $5 and $Input');
    expect(run('costs $5')).toBe('costs $5');
    expect(run('end $')).toBe('end $');
  });
});

describe('mapping syntax errors', () => {
  const cases: [string, string, number][] = [
    ['$Foo{x}', 'unknown name "$Foo": expected one of $Input, $Session, $Sequence, $Env, $Secret, $Default, $Concat, $Now, $Lowercase, $Uppercase (write "$$" for a literal "$")', 0],
    ['a $Input{name', 'unclosed "{": expected "}"', 8],
    ['$Input{}', 'empty "{}": a name is expected between the braces', 6],
    ['$Input', '$Input needs a {…} segment: $Input{name}', 0],
    ['$Session{user}', '$Session needs 2 {…} segments: $Session{session}{field}', 14],
    ['$Env{A}{B}', '$Env takes exactly 1 {…} segment: $Env{NAME}', 0],
    ["$Input('x')", '$Input is a reference, not a function: write $Input{…}', 6],
    ['$Now', '$Now is a function: write $Now(…)', 4],
    ['$Now(1)', '$Now takes 0 arguments, got 1', 0],
    ['$Default(1)', '$Default takes 2 arguments, got 1', 0],
    ['$Concat()', '$Concat takes at least 1 argument, got 0', 0],
    ['$Lowercase(1, 2)', '$Lowercase takes 1 argument, got 2', 0],
    ['$Concat(1 2)', 'expected "," or ")" after an argument of $Concat, found "2"', 10],
    ['$Concat(1,)', 'expected an argument, found ")"', 10],
    ['$Concat(1', 'unclosed "(": expected ")"', 9],
    ["$Concat('abc)", "unclosed string: expected '", 8],
    ['$Concat(abc)', `unexpected word "abc": quote text ('abc'), or write a reference such as $Input{abc}`, 8],
    ['$Concat(#)', 'unexpected character "#" in a function\'s arguments', 8],
    ['$Concat($$)', '"$$" is only allowed in text; write literal text in quotes', 8],
    ["$Concat('a\\n')", 'unknown escape "\\n": only \\\' and \\\\ are allowed', 10],
  ];
  it.each(cases)('%s', (source, reason, offset) => {
    const err = syntaxError(source);
    expect(err.reason).toBe(reason);
    expect(err.offset).toBe(offset);
    expect(err.message).toBe(`${reason} (at character ${offset + 1} of ${JSON.stringify(source)})`);
  });
});

describe('mapping properties', () => {
  const segment = fc.stringMatching(/^[A-Za-z0-9_\-. ]{1,8}$/);
  const literal: fc.Arbitrary<ExpressionNode> = fc.oneof(
    fc.string({ maxLength: 8 }).map((value) => ({ kind: 'literal' as const, value, start: 0, end: 0 })),
    fc.integer({ min: -1000, max: 1000 }).map((value) => ({ kind: 'literal' as const, value, start: 0, end: 0 })),
    fc.constantFrom(true, false, null).map((value) => ({ kind: 'literal' as const, value, start: 0, end: 0 })),
  );
  const ref: fc.Arbitrary<ExpressionNode> = fc.oneof(
    fc.array(segment, { minLength: 1, maxLength: 3 }).map((path) => ({ kind: 'ref' as const, source: 'Input' as const, path, start: 0, end: 0 })),
    fc.tuple(segment, segment).map((path) => ({ kind: 'ref' as const, source: 'Session' as const, path, start: 0, end: 0 })),
    fc.array(segment, { minLength: 1, maxLength: 3 }).map((path) => ({ kind: 'ref' as const, source: 'Sequence' as const, path, start: 0, end: 0 })),
    segment.map((n) => ({ kind: 'ref' as const, source: 'Env' as const, path: [n], start: 0, end: 0 })),
  );
  const expr: fc.Arbitrary<ExpressionNode> = fc.letrec<{ e: ExpressionNode }>((tie) => ({
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      ref,
      fc.array(fc.oneof(tie('e'), literal), { minLength: 1, maxLength: 3 }).map((args) => ({ kind: 'call' as const, name: 'Concat' as const, args, start: 0, end: 0 })),
      fc.tuple(fc.oneof(tie('e'), literal), fc.oneof(tie('e'), literal)).map((args) => ({ kind: 'call' as const, name: 'Default' as const, args, start: 0, end: 0 })),
      tie('e').map((a) => ({ kind: 'call' as const, name: 'Uppercase' as const, args: [a], start: 0, end: 0 })),
      fc.constant<ExpressionNode>({ kind: 'call', name: 'Now', args: [], start: 0, end: 0 }),
    ),
  })).e;
  // Text may not start with "{" or "(" right after an expression (it would continue the expression).
  const text = fc.string({ minLength: 1, maxLength: 10 }).filter((s) => !/^[{(]/.test(s));
  const template = fc.array(fc.oneof(text, expr), { maxLength: 5 }).map((parts) => {
    const merged: TemplatePart[] = [];
    for (const p of parts) {
      const last = merged[merged.length - 1];
      if (typeof p === 'string' && typeof last === 'string') merged[merged.length - 1] = last + p;
      else merged.push(p);
    }
    return merged;
  });

  const strip = (parts: TemplatePart[]): unknown =>
    parts.map((p) => (typeof p === 'string' ? p : stripNode(p)));
  const stripNode = (n: ExpressionNode): unknown =>
    n.kind === 'call' ? { kind: n.kind, name: n.name, args: n.args.map(stripNode) } : n.kind === 'ref' ? { kind: n.kind, source: n.source, path: n.path } : { kind: n.kind, value: n.value };

  it('print → parse gives the same template back', () => {
    fc.assert(
      fc.property(template, (parts) => {
        const printed = printTemplate(parts);
        expect(strip(parseTemplate(printed).parts)).toEqual(strip(parts));
      }),
      { numRuns: runs(500) },
    );
  });

  it('text without "$" is returned as it is', () => {
    fc.assert(fc.property(fc.string().filter((s) => !s.includes('$')), (s) => {
      expect(compileTemplate(s)(scope)).toBe(s);
    }));
  });

  it('any escaped text evaluates to itself', () => {
    fc.assert(fc.property(fc.string(), (s) => {
      expect(compileTemplate(s.replaceAll('$', '$$$$'))(scope)).toBe(s);
    }));
  });

  it('arbitrary input either parses or fails with a MappingSyntaxError inside the string', () => {
    const alphabet = fc.string({ unit: fc.constantFrom('$', '{', '}', '(', ')', ',', "'", 'I', 'Input', 'Concat', 'Now', ' ', 'a', '1') });
    fc.assert(
      fc.property(fc.oneof(fc.string(), alphabet), (s) => {
        try {
          parseTemplate(s);
        } catch (err) {
          expect(err).toBeInstanceOf(MappingSyntaxError);
          const e = err as MappingSyntaxError;
          expect(e.offset).toBeGreaterThanOrEqual(0);
          expect(e.offset).toBeLessThanOrEqual(s.length);
        }
      }),
      { numRuns: runs(2000) },
    );
  });

  it('token offsets cover the source in order', () => {
    fc.assert(
      fc.property(template, (parts) => {
        const source = printTemplate(parts);
        const tokens = tokenize(source);
        let last = 0;
        for (const t of tokens) {
          expect(t.start).toBeGreaterThanOrEqual(last);
          expect(t.end).toBeGreaterThanOrEqual(t.start);
          last = t.end;
        }
        expect(tokens[tokens.length - 1]!.type).toBe('eof');
      }),
    );
  });
});
