/**
 * Parsing of the objective language with jsep, and conversion of jsep's tree into our own `Ast`.
 *
 * jsep is a small, well-kept expression parser; we configure it down to arithmetic (+ - * / ^,
 * unary minus, calls, parentheses) and reject everything else it still knows (member access,
 * arrays, strings, `this`, ternaries, several expressions) while converting, with a column.
 */
import jsep from 'jsep';
import { ObjectiveError } from './types.ts';

/** Functions of one argument the language knows. */
export const UNARY_FUNCTIONS = [
  'sin',
  'cos',
  'tan',
  'exp',
  'log',
  'sqrt',
  'abs',
  'tanh',
  'cosh',
  'sinh',
] as const;
export type UnaryFunction = (typeof UNARY_FUNCTIONS)[number];
/** Functions of two arguments. */
export const BINARY_FUNCTIONS = ['min', 'max'] as const;
export type BinaryFunction = (typeof BINARY_FUNCTIONS)[number];
export const FUNCTIONS: readonly string[] = [...UNARY_FUNCTIONS, ...BINARY_FUNCTIONS];
/** Named constants. */
export const CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI, e: Math.E };

/** Our syntax tree: only what the language allows survives conversion. `col` is 1-based. */
export type Ast =
  | { kind: 'num'; value: number; col: number }
  | { kind: 'ident'; name: string; col: number }
  | { kind: 'neg'; arg: Ast; col: number }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/' | '^'; left: Ast; right: Ast; col: number }
  | { kind: 'call'; fn: UnaryFunction | BinaryFunction; args: Ast[]; col: number };

// jsep nodes carry no positions; hooks record where each token starts (0-based) so that errors found
// after parsing (an unknown name, a string) can still point at a column.
const starts = new WeakMap<object, number>();
// Parenthesised tokens: `(-x)^2` must stay a square of -x, while `-x^2` means -(x^2).
const parenthesised = new WeakSet<object>();
let startStack: number[] = [];
let configured = false;

interface HookThis {
  index: number;
  expr: string;
  code: number;
  gobbleNumericLiteral(): jsep.Expression;
}

function configure(): void {
  if (configured) return;
  configured = true;
  jsep.removeAllBinaryOps();
  jsep.removeAllUnaryOps();
  jsep.removeAllLiterals();
  jsep.removeIdentifierChar('$');
  jsep.addBinaryOp('+', 9);
  jsep.addBinaryOp('-', 9);
  jsep.addBinaryOp('*', 10);
  jsep.addBinaryOp('/', 10);
  jsep.addBinaryOp('^', 11, true);
  // Python's spelling of the power, a common habit.
  jsep.addBinaryOp('**', 11, true);
  jsep.addUnaryOp('-');
  jsep.addUnaryOp('+');
  jsep.hooks.add('gobble-token', function (this: HookThis, env: { node?: jsep.Expression }) {
    startStack.push(this.index);
    // jsep returns numeric literals without running 'after-token'; parse them here so that every
    // token start pushed above is popped exactly once.
    const ch = this.code;
    if ((ch >= 48 && ch <= 57) || ch === 46) env.node = this.gobbleNumericLiteral();
  } as unknown as jsep.HookCallback);
  jsep.hooks.add('after-token', function (this: HookThis, env: { node?: jsep.Expression }) {
    const start = startStack.pop();
    const node = env.node;
    if (node && typeof node === 'object' && start !== undefined) {
      if (this.expr.charCodeAt(start) === 40 /* ( */) parenthesised.add(node);
      if (!starts.has(node)) starts.set(node, start);
    }
  } as unknown as jsep.HookCallback);
}

/** 1-based column of a jsep node: its own start, else its leftmost child's. */
function columnOf(node: jsep.Expression | null | undefined): number {
  let n: jsep.Expression | null | undefined = node;
  while (n) {
    const s = starts.get(n);
    if (s !== undefined) return s + 1;
    switch (n.type) {
      case 'BinaryExpression':
        n = (n as jsep.BinaryExpression).left;
        break;
      case 'ConditionalExpression':
        n = (n as jsep.ConditionalExpression).test;
        break;
      case 'Compound':
        n = (n as jsep.Compound).body[0];
        break;
      case 'SequenceExpression':
        n = (n as jsep.SequenceExpression).expressions[0];
        break;
      case 'CallExpression':
        n = (n as jsep.CallExpression).callee;
        break;
      case 'MemberExpression':
        n = (n as jsep.MemberExpression).object;
        break;
      default:
        return 0;
    }
  }
  return 0;
}

function describeArgs(n: number): string {
  return n === 1 ? '1 argument' : `${n} arguments`;
}

/**
 * Parses an expression of the language into our Ast. Throws ObjectiveError (with the column) for
 * syntax errors and constructs the language does not have; names are resolved later (compile.ts).
 */
export function parseExpression(text: string): Ast {
  configure();
  if (text.trim() === '') throw new ObjectiveError('empty expression: type a function of x, y or x1…x8');
  let tree: jsep.Expression;
  startStack = [];
  try {
    tree = jsep(text);
  } catch (e) {
    const err = e as { description?: string; index?: number; message?: string };
    const index = typeof err.index === 'number' ? err.index : -1;
    const what = (err.description ?? err.message ?? 'syntax error').replace(/ at character \d+$/, '');
    throw new ObjectiveError(`syntax error: ${what}`, index + 1);
  } finally {
    startStack = [];
  }
  return convert(tree, text);
}

function convert(node: jsep.Expression, text: string): Ast {
  const col = columnOf(node);
  switch (node.type) {
    case 'Literal': {
      const lit = node as jsep.Literal;
      if (typeof lit.value !== 'number')
        throw new ObjectiveError('syntax error: strings are not allowed', col);
      if (!Number.isFinite(lit.value)) throw new ObjectiveError(`number '${lit.raw}' is out of range`, col);
      return { kind: 'num', value: lit.value, col };
    }
    case 'Identifier': {
      const name = (node as jsep.Identifier).name;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        // jsep reads any non-ASCII character as part of a name, so typographic habits land here.
        const hints: string[] = [];
        if (/[²³¹⁰-⁹]/.test(name)) hints.push('powers as x^2');
        if (/[×·⋅∙]/.test(name)) hints.push('products as x*y');
        if (/[−–]/.test(name)) hints.push('minus as -');
        const hint = hints.length ? ` (write ${hints.join(', ')})` : '';
        throw new ObjectiveError(`identifier '${name}' must use only letters, digits and _${hint}`, col);
      }
      if (FUNCTIONS.includes(name))
        throw new ObjectiveError(`'${name}' is a function: call it as ${name}(…)`, col);
      return { kind: 'ident', name, col };
    }
    case 'ThisExpression':
      // jsep knows `this`; for us it is just a name nobody defined.
      return { kind: 'ident', name: 'this', col };
    case 'UnaryExpression': {
      const u = node as jsep.UnaryExpression;
      const arg = convert(u.argument, text);
      return u.operator === '-' ? { kind: 'neg', arg, col } : arg;
    }
    case 'BinaryExpression': {
      const b = node as jsep.BinaryExpression;
      const op = b.operator === '**' ? '^' : b.operator;
      if (op !== '+' && op !== '-' && op !== '*' && op !== '/' && op !== '^')
        throw new ObjectiveError(`unsupported operator '${b.operator}'`, col);
      if (op === '^') {
        // jsep binds unary minus tighter than any binary operator; in mathematics (and Python)
        // -x^2 is -(x^2). Move unary signs out of an unparenthesised base.
        let base = b.left;
        let negate = false;
        while (
          base.type === 'UnaryExpression' &&
          !parenthesised.has(base) &&
          ((base as jsep.UnaryExpression).operator === '-' || (base as jsep.UnaryExpression).operator === '+')
        ) {
          if ((base as jsep.UnaryExpression).operator === '-') negate = !negate;
          base = (base as jsep.UnaryExpression).argument;
        }
        const pow: Ast = {
          kind: 'binary',
          op: '^',
          left: convert(base, text),
          right: convert(b.right, text),
          col,
        };
        return negate ? { kind: 'neg', arg: pow, col } : pow;
      }
      return { kind: 'binary', op, left: convert(b.left, text), right: convert(b.right, text), col };
    }
    case 'CallExpression': {
      const c = node as jsep.CallExpression;
      if (c.callee.type === 'MemberExpression')
        throw new ObjectiveError("syntax error: '.' and '[ ]' (member access) are not allowed", col);
      if (c.callee.type !== 'Identifier')
        throw new ObjectiveError('only named functions can be called, e.g. sin(x)', col);
      const name = (c.callee as jsep.Identifier).name;
      const args = c.arguments;
      let arity: number;
      if ((UNARY_FUNCTIONS as readonly string[]).includes(name)) arity = 1;
      else if ((BINARY_FUNCTIONS as readonly string[]).includes(name)) arity = 2;
      else if (/^(x|y|x[0-9]+|pi|e)$/.test(name))
        throw new ObjectiveError(`'${name}' is not a function; to multiply, write ${name}*(…)`, col);
      else
        throw new ObjectiveError(`unsupported function '${name}'; supported: ${FUNCTIONS.join(', ')}`, col);
      if (args.length !== arity)
        throw new ObjectiveError(`${name} takes ${describeArgs(arity)}, got ${args.length}`, col);
      return {
        kind: 'call',
        fn: name as UnaryFunction | BinaryFunction,
        args: args.map((a) => convert(a, text)),
        col,
      };
    }
    case 'Compound': {
      const body = (node as jsep.Compound).body;
      if (body.length === 0) throw new ObjectiveError('empty expression: type a function of x, y or x1…x8');
      throw new ObjectiveError(
        'syntax error: expected one expression (a missing operator between two terms?)',
        columnOf(body[1]) || col,
      );
    }
    case 'SequenceExpression':
      throw new ObjectiveError('syntax error: commas only separate the arguments of min and max', col);
    case 'MemberExpression':
      throw new ObjectiveError("syntax error: '.' and '[ ]' (member access) are not allowed", col);
    case 'ArrayExpression':
      throw new ObjectiveError("syntax error: arrays '[ ]' are not allowed", col);
    case 'ConditionalExpression':
      throw new ObjectiveError(
        'syntax error: conditionals (a ? b : c) are not allowed; use min, max or abs',
        col,
      );
    default:
      throw new ObjectiveError(`syntax error: ${node.type} is not allowed`, col);
  }
}
