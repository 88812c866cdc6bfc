/**
 * The result of testing one attribute value: `true` or `false`, or `undefined` when the value
 * cannot be compared (wrong type, unparseable). `undefined` never matches, even under `negate`.
 */
export type TestResult = boolean | undefined;

/** A prepared test of one attribute value; built once when a flag is compiled. */
export type AttributeTest = (actual: unknown) => TestResult;

export interface OperatorOptions {
  caseInsensitive: boolean;
}

/**
 * An operator turns the condition's expected value into a test. It returns `undefined` when the
 * expected value itself is unusable, and the condition then never matches.
 */
export type Operator = (expected: unknown, options: OperatorOptions) => AttributeTest | undefined;
