export { operators, operatorNames, getOperator } from './registry';
export { MAX_REGEX_INPUT } from './strings';
export type { Operator, OperatorOptions, AttributeTest, TestResult } from './types';
