import { unknownKeyMessage } from '@switchyard/core';
import type { FlagType, FlagValue } from '@switchyard/core';
import { checkAcceptanceSources, compileFlag, PathLinks } from './compile-flag';
import { hasErrors, isPlainObject, setOwn, sourceOf } from './document-result';
import type { ReadContext } from './document-result';
import { formatDocumentPath } from './diagnostic';
import { describeValue } from './schema-issues';
import type { DocPath } from './yaml-document';

const FEATURIS_TYPES = ['static', 'variant', 'schedule', 'acceptance'] as const;
type FeaturisType = (typeof FEATURIS_TYPES)[number];

/** Core wording → Featuris wording, so messages name the keys the author wrote. */
const FEATURIS_WORDS: [RegExp, string][] = [
  [/^weights sum to/, 'percentages sum to'],
  [/^needs at least one variant$/, 'needs at least one value'],
  [/^needs at least one window$/, 'needs at least one value'],
  [/^needs at least one item$/, 'needs at least one value'],
];

const TYPE_MISMATCH = /has invalid type \w+, must be \w+$/;

/** Messages in Featuris words; type mismatches say which value set the flag's type. */
function rewriter(typeSource: () => string | undefined): (message: string) => string {
  return (message) => {
    for (const [pattern, replacement] of FEATURIS_WORDS) if (pattern.test(message)) return message.replace(pattern, replacement);
    const source = typeSource();
    if (source !== undefined && TYPE_MISMATCH.test(message)) return `${message} (the flag's type, set by ${source})`;
    return message;
  };
}

/** The flag type a value implies. */
function typeOf(value: unknown): FlagType | undefined {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'object' && value !== null) return 'object';
  return undefined;
}

/**
 * Reads a Featuris manifest: feature ids → environment names → a value (static) or
 * `{type: static|variant|schedule|acceptance, …}`. One flag per feature id; the type is the type of
 * the first value in document order (schedule and acceptance imply boolean), and every other value
 * must agree. The fallback, served in environments not listed, is `false` for boolean flags, else
 * the first static or variant value.
 */
export function readFeaturis(root: unknown, ctx: ReadContext): void {
  const { doc, out } = ctx;
  if (root === null || root === undefined) return;
  if (!isPlainObject(root)) {
    out.diagnostics.push(doc.diagnostic([], `a Featuris manifest maps feature ids to environments, got ${describeValue(root)}`, 'invalid-format'));
    return;
  }
  for (const [featureId, environments] of doc.entriesAt([], root)) {
    if (featureId === '$schema') continue;
    const at: DocPath = [featureId];
    if (!isPlainObject(environments)) {
      out.diagnostics.push(doc.diagnostic(at, `expected a map of environment names to values, got ${describeValue(environments)}`, 'invalid-definition'));
      continue;
    }
    if (Object.keys(environments).length === 0) {
      out.diagnostics.push(doc.diagnostic(at, 'needs at least one environment', 'invalid-definition'));
      continue;
    }
    const before = out.diagnostics.length;
    const links = new PathLinks(at);
    links.link(['key'], at);
    const rules: Record<string, unknown> = {};
    let type: FlagType | undefined;
    let typeSource: string | undefined;
    let firstValue: FlagValue | undefined;
    let env = '';
    const booleanOnly: string[] = [];
    const observe = (value: unknown, implied?: FlagType) => {
      if (type === undefined) {
        type = implied ?? typeOf(value);
        typeSource = formatDocumentPath([...at, env]);
      }
      if (implied === 'boolean') booleanOnly.push(env);
      if (firstValue === undefined && implied === undefined && typeOf(value) !== undefined) firstValue = value as FlagValue;
    };
    for (const [name, raw] of Object.entries(environments)) {
      env = name;
      const rulePath = ['environments', name];
      links.link(rulePath, [...at, name]);
      const rule = featurisRule(raw, [...at, name], rulePath, links, ctx, observe);
      if (rule) setOwn(rules, name, rule);
    }
    if (type === undefined) {
      // No environment gave a value to read the flag's type from (a static entry without `value`, a
      // variant without values…). Check the entries anyway so each one is reported where it is.
      const probe = { key: featureId, type: 'boolean', fallbackValue: false, environments: rules, flagSet: ctx.flagSet };
      compileFlag(probe, links, doc, out.diagnostics, rewriter(() => undefined), (f) => f.code === 'type-mismatch');
      if (!hasErrors(out.diagnostics, before)) out.diagnostics.push(doc.diagnostic(at, 'no environment gives a value, so the flag has no type', 'invalid-definition'));
      continue;
    }
    if (type !== 'boolean') {
      // Schedules and acceptance serve true or false, which a non-boolean flag cannot.
      for (const name of booleanOnly) {
        const kind = (rules[name] as { type: string }).type;
        out.diagnostics.push(doc.diagnostic([...at, name, 'type'], `${kind} flags serve true or false, but this is a ${type} flag (its type is set by ${typeSource})`, 'type-mismatch'));
        delete rules[name];
      }
    }
    const candidate: Record<string, unknown> = {
      key: featureId,
      type,
      fallbackValue: type === 'boolean' ? false : firstValue,
      environments: rules,
      flagSet: ctx.flagSet,
      source: sourceOf(ctx, at),
    };
    const definition = compileFlag(candidate, links, doc, out.diagnostics, rewriter(() => typeSource));
    if (definition && ctx.acceptanceSources) checkAcceptanceSources(definition, ctx.acceptanceSources, links, doc, out.diagnostics);
    if (definition && !hasErrors(out.diagnostics, before) && !doc.hasDuplicateWithin(at)) out.flags.push({ definition, docPath: at });
  }
}

function featurisRule(
  raw: unknown,
  docPath: DocPath,
  corePath: DocPath,
  links: PathLinks,
  ctx: ReadContext,
  observe: (value: unknown, implied?: FlagType) => void,
): Record<string, unknown> | undefined {
  const { doc, out } = ctx;
  if (raw === null || raw === undefined) {
    out.diagnostics.push(doc.diagnostic(docPath, `expected a value or {type: ${FEATURIS_TYPES.join('|')}, …}, got null`, 'invalid-definition'));
    return undefined;
  }
  if (!isPlainObject(raw)) {
    // Implicit static value: `production: false`.
    links.link([...corePath, 'value'], docPath);
    observe(raw);
    return { type: 'static', value: raw };
  }
  const type = raw.type;
  if (!FEATURIS_TYPES.includes(type as FeaturisType)) {
    const message = type === undefined ? `required, one of: ${FEATURIS_TYPES.join(', ')}` : `unknown type ${describeValue(type, false)}, expected one of: ${FEATURIS_TYPES.join(', ')}`;
    out.diagnostics.push(doc.diagnostic([...docPath, 'type'], message, 'invalid-definition'));
    return undefined;
  }
  const { type: _type, values, ...rest } = raw;
  const renamed = (target: string, rule: Record<string, unknown>) => {
    // `values` becomes `target`; a key already named like the target would be overwritten, so it is reported.
    if (Object.prototype.hasOwnProperty.call(rest, target)) {
      out.diagnostics.push(doc.diagnostic([...docPath, target], `${unknownKeyMessage(target, [])}: Featuris lists them under values`, 'unknown-key'));
      delete rest[target];
    }
    links.link([...corePath, target], [...docPath, 'values']);
    return { ...rest, ...rule };
  };
  switch (type as FeaturisType) {
    case 'static':
      if (values !== undefined) rest.values = values; // not a static key: let the schema report it
      if ('value' in rest) observe(rest.value);
      return { ...rest, type: 'static' };
    case 'variant': {
      const variants = Array.isArray(values)
        ? values.map((item: unknown, i) => {
            if (!isPlainObject(item)) return item;
            const { percentage, ...other } = item;
            links.link([...corePath, 'variants', i, 'weight'], [...docPath, 'values', i, 'percentage']);
            if ('value' in other) observe(other.value);
            return { ...other, weight: percentage };
          })
        : values;
      return renamed('variants', { type: 'variant', variants });
    }
    case 'schedule':
      observe(true, 'boolean');
      return renamed('windows', { type: 'schedule', windows: values });
    case 'acceptance':
      observe(true, 'boolean');
      return renamed('items', { type: 'acceptance', items: values });
  }
}
