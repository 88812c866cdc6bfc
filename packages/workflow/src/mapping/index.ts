export type { ExpressionNode, ReferenceNode, CallNode, LiteralNode, TemplatePart, ParsedTemplate, ReferenceSource, FunctionName } from './ast';
export { MappingSyntaxError } from './mapping-error';
export { tokenize, type Token, type TokenType } from './tokenizer';
export { parseTemplate, printTemplate, printExpression } from './parser';
export { compileTemplate, compileExpression, toText, type Mapper, type MappingScope } from './evaluate';
export { compileValue, type CompiledValue, type FoundReference, type MappingProblem } from './compile-value';
