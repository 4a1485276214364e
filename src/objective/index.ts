/** The objective language: parse, differentiate exactly, evaluate in float64, emit WGSL. */
export { compileObjective, MAX_DIM } from './compile.ts';
export { parseExpression, FUNCTIONS, CONSTANTS, type Ast } from './parse.ts';
export { ObjectiveError, type CompiledObjective, type ObjectiveInput } from './types.ts';
