import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AstBuilder, compile, GherkinClassicTokenMatcher, Parser } from '@cucumber/gherkin';
import { IdGenerator, type Pickle } from '@cucumber/messages';
import type { Client, EvaluationContext, EvaluationDetails, FlagValue, JsonValue } from '@openfeature/server-sdk';
import { expect } from 'vitest';

/**
 * flagd's evaluator conformance suite: the `evaluator/` folder (flag file and Gherkin features) of
 * open-feature/flagd-testbed, tag v3.9.0, commit 82ba89ec8db498fa51368e558e4d87642d9e93c4. The
 * repository carries no licence file, so it is not copied here: point `SWITCHYARD_FLAGD_TESTBED` at a
 * checkout of that tag (`git clone --branch v3.9.0 https://github.com/open-feature/flagd-testbed`), or
 * place it as `shared/flagd-testbed` in a folder above this repository.
 */
export const TESTBED_TAG = 'v3.9.0';
export const TESTBED_COMMIT = '82ba89ec8db498fa51368e558e4d87642d9e93c4';

/** SHA-256 of every file of the pinned suite, so a different version fails loudly instead of passing by chance. */
const PINNED: Record<string, string> = {
  'flags/testkit-flags.json': '62feadf4fbf95696e56839f8e0feafc36d9573f67a37c22a96722e5721bbb2d4',
  'gherkin/disabled.feature': '5b0cd778e21fed444feedbfa5a25ac058a30809ce4b44d6df56c5a2840e1e599',
  'gherkin/errors.feature': 'a6cfaab4518dcfb3ee5b0f0886f84c3b1a1f2948f4ae289599ea731cd0139240',
  'gherkin/evaluation.feature': '407d12c02a2c0213258b6e61cf914eb80f18a8d57318398f85e6cf5d4c07cf03',
  'gherkin/evaluator-refs.feature': '1f3c6ce05e4bb3f96f202ce2a79bcf72d5575775b1010f746d63eb66d26fc33b',
  'gherkin/fractional.feature': '95adac13ab953cf78e1fff919ce66b2395f716cd988537a7119ec66bbeb7a82b',
  'gherkin/metadata.feature': 'eec9ba093968ce4ed6cc2b68ac70c7f197545fb310c335efeba76a893fa13122',
  'gherkin/no-default-variant.feature': '78a6255f0dc1846cd5a148fc0f7f4b20109c50590a94b7a76b73c67bfe8f9c5e',
  'gherkin/semver.feature': '4bba88f15e3e8266af4c19bfa86ece882c19e2b406ac21b9543128ccc616c57f',
  'gherkin/string.feature': '2ed75d12b2e4710370645f60923f540b014a80653c43bf857a1f43888dcf673d',
  'gherkin/targeting.feature': '9e381b848f62336e725bd283d5e1581c1526fe67dc59487f14161757a448aa01',
  'gherkin/zero-values.feature': 'e0e9239ada2e2d5eb534b1c8bd35adc690ba58fdad3dafd39d03eecccd071e84',
};

/** Legacy float bucketing, which flagd itself no longer implements; the suite allows leaving it out. */
export const EXCLUDED_TAGS = ['@fractional-v1'];

/** The suite's `evaluator/` folder, or a sentence saying why it is not here. */
export function locateTestbed(): { dir: string } | { missing: string } {
  const candidates: string[] = [];
  const fromEnv = process.env.SWITCHYARD_FLAGD_TESTBED;
  if (fromEnv) candidates.push(path.resolve(fromEnv));
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    candidates.push(path.join(dir, 'shared', 'flagd-testbed'));
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  for (const c of candidates) {
    const evaluator = path.join(c, 'evaluator');
    if (existsSync(path.join(evaluator, 'flags', 'testkit-flags.json'))) return { dir: evaluator };
  }
  return {
    missing:
      `flagd-testbed ${TESTBED_TAG} not found (looked in ${candidates.join(', ')}). Its repository has no licence file, so it is not vendored: ` +
      `set SWITCHYARD_FLAGD_TESTBED to a checkout of https://github.com/open-feature/flagd-testbed at ${TESTBED_TAG} to run it.`,
  };
}

/** Checks the copy is exactly the pinned version. */
export function verifyPinned(dir: string): void {
  const found = [
    'flags/testkit-flags.json',
    ...readdirSync(path.join(dir, 'gherkin'))
      .filter((f) => f.endsWith('.feature'))
      .map((f) => `gherkin/${f}`),
  ].sort();
  expect(found, `the files of flagd-testbed ${TESTBED_TAG}`).toEqual(Object.keys(PINNED).sort());
  for (const [file, sum] of Object.entries(PINNED)) {
    expect(createHash('sha256').update(readFileSync(path.join(dir, file))).digest('hex'), `${file} of flagd-testbed ${TESTBED_TAG}`).toBe(sum);
  }
}

export interface Scenario {
  name: string;
  pickle: Pickle;
}

/** Every scenario (examples expanded) of the suite's features, without the excluded tags. */
export function scenarios(dir: string): { included: Scenario[]; excluded: Scenario[] } {
  const included: Scenario[] = [];
  const excluded: Scenario[] = [];
  const ids = IdGenerator.incrementing();
  for (const file of readdirSync(path.join(dir, 'gherkin')).filter((f) => f.endsWith('.feature')).sort()) {
    const text = readFileSync(path.join(dir, 'gherkin', file), 'utf8');
    const document = new Parser(new AstBuilder(ids), new GherkinClassicTokenMatcher()).parse(text);
    compile(document, file, ids).forEach((pickle, i) => {
      const scenario = { name: `${file} #${i + 1} ${pickle.name}: ${pickle.steps.map((s) => s.text).join(' / ')}`, pickle };
      (pickle.tags.some((t) => EXCLUDED_TAGS.includes(t.name)) ? excluded : included).push(scenario);
    });
  }
  return { included, excluded };
}

type FlagType = 'Boolean' | 'String' | 'Integer' | 'Float' | 'Object';

function parseValue(type: string, text: string): FlagValue {
  switch (type) {
    case 'Boolean':
      return text === 'true';
    case 'Integer':
      return Number.parseInt(text, 10);
    case 'Float':
      return Number.parseFloat(text);
    case 'Object':
      return JSON.parse(text.replace(/\\"/g, '"')) as JsonValue;
    default:
      return text;
  }
}

/** Runs one scenario's steps against an OpenFeature client (the in-process provider or OFREP). */
export async function runScenario(client: Client, pickle: Pickle): Promise<void> {
  let type: FlagType = 'String';
  let key = '';
  let fallback: FlagValue = '';
  let context: EvaluationContext = {};
  let details: EvaluationDetails<FlagValue> | undefined;
  const done = () => {
    if (!details) throw new Error('no evaluation yet');
    return details;
  };
  for (const step of pickle.steps) {
    const t = step.text;
    let m: RegExpMatchArray | null;
    if (t === 'an evaluator') continue;
    if ((m = t.match(/^a (Boolean|String|Integer|Float|Object)-flag with key "([^"]*)" and a fallback value "(.*)"$/))) {
      type = m[1] as FlagType;
      key = m[2]!;
      fallback = parseValue(type, m[3]!);
      context = {};
      details = undefined;
    } else if ((m = t.match(/^a context containing a targeting key with value "([^"]*)"$/))) {
      context.targetingKey = m[1]!;
    } else if ((m = t.match(/^a context containing a key "([^"]*)", with type "([^"]*)" and with value "([^"]*)"$/))) {
      context[m[1]!] = parseValue(m[2]!, m[3]!);
    } else if ((m = t.match(/^a context containing a nested property with outer key "([^"]*)" and inner key "([^"]*)", with value "([^"]*)"$/))) {
      const outer = (context[m[1]!] as Record<string, string> | undefined) ?? {};
      outer[m[2]!] = m[3]!;
      context[m[1]!] = outer;
    } else if (t === 'the flag was evaluated with details') {
      if (type === 'Boolean') details = await client.getBooleanDetails(key, fallback as boolean, context);
      else if (type === 'String') details = await client.getStringDetails(key, fallback as string, context);
      else if (type === 'Integer' || type === 'Float') details = await client.getNumberDetails(key, fallback as number, context);
      else details = await client.getObjectDetails(key, fallback, context);
    } else if ((m = t.match(/^the resolved details value should be "(.*)"$/))) {
      expect(done().value, `value of ${key}`).toEqual(parseValue(type, m[1]!));
    } else if ((m = t.match(/^the reason should be "([^"]*)"$/))) {
      expect(done().reason, `reason of ${key}`).toBe(m[1]);
    } else if ((m = t.match(/^the error-code should be "([^"]*)"$/))) {
      expect(done().errorCode, `error code of ${key}`).toBe(m[1]);
    } else if ((m = t.match(/^the variant should be "([^"]*)"$/))) {
      expect(done().variant, `variant of ${key}`).toBe(m[1]);
    } else if (t === 'the resolved metadata should contain') {
      const rows = step.argument?.dataTable?.rows.map((r) => r.cells.map((c) => c.value)) ?? [];
      const [header, ...body] = rows;
      const col = (name: string) => header!.indexOf(name);
      for (const row of body) expect(done().flagMetadata[row[col('key')]!], `metadata ${row[col('key')]}`).toEqual(parseValue(row[col('metadata_type')]!, row[col('value')]!));
    } else if (t === 'the resolved metadata is empty') {
      expect(done().flagMetadata).toEqual({});
    } else {
      throw new Error(`unknown step: ${t}`);
    }
  }
}
