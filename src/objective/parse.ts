/**
 * Parsing of the objective language with jsep, and conversion of jsep's tree into our own `Ast`.
 *
 * jsep is a small, well-kept expression parser; we configure it down to arithmetic (+ - * / ^,
 * unary minus, calls, parentheses) and reject everything else it still knows (member access,
 * arrays, strings, `this`, ternaries, several expressions) while converting, with a column.
 */
import jsep from 'jsep';
import { clip, MAX_IDENTIFIER_LENGTH } from './limits.ts';
import { ObjectiveError } from './types.ts';
import { fold } from './walk.ts';

/** Longest expression accepted (the spec's limit too): checked before anything is parsed. */
export const MAX_EXPRESSION_LENGTH = 4000;
/**
 * Deepest nesting of parentheses, brackets and unary signs: jsep descends recursively into each, so
 * 2000 of them overflow its stack. No objective a person writes comes near this.
 */
export const MAX_NESTING = 100;

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
/**
 * Named constants. A Map, not an object: `name in {…}` is true for `toString` and `__proto__`, which
 * once made them "constants" whose value was a function (NaN on the CPU, -∞ in WGSL).
 */
export const CONSTANTS: ReadonlyMap<string, number> = new Map([
  ['pi', Math.PI],
  ['e', Math.E],
]);
/**
 * Names no identifier may have: `__proto__` cannot be a key of a plain object (assigning it sets the
 * prototype), so a parameter of that name would vanish on its way through a spec.
 */
const RESERVED: ReadonlySet<string> = new Set(['__proto__']);
const UNARY_SET: ReadonlySet<string> = new Set(UNARY_FUNCTIONS);
const BINARY_SET: ReadonlySet<string> = new Set(BINARY_FUNCTIONS);

/**
 * Where a node lies: `col` (1-based) is where messages about the node point; text.slice(from, end)
 * is its whole source, enclosing parentheses included (for messages that quote a subexpression).
 */
interface Span {
  col: number;
  from: number;
  end: number;
}

/** Our syntax tree: only what the language allows survives conversion. */
export type Ast = Span &
  (
    | { kind: 'num'; value: number }
    | { kind: 'ident'; name: string }
    | { kind: 'neg'; arg: Ast }
    | { kind: 'binary'; op: '+' | '-' | '*' | '/' | '^'; left: Ast; right: Ast }
    | { kind: 'call'; fn: UnaryFunction | BinaryFunction; args: Ast[] }
  );

// jsep nodes carry no positions; hooks record where each token starts (0-based) so that errors found
// after parsing (an unknown name, a string) can still point at a column.
const starts = new WeakMap<object, number>();
// Each token's whole extent [start, end): a parenthesised one passes here again from its group, so
// the last entry spans its outermost parentheses (the end includes trailing spaces).
const extents = new WeakMap<object, [number, number]>();
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
      extents.set(node, [start, this.index]);
    }
  } as unknown as jsep.HookCallback);
}

/**
 * Columns found by columnOf for nodes without a start of their own, so that a chain of n operators
 * (x/x/…/x, whose leftmost leaf every operator's column is) walks it once rather than n times: the
 * walk for every node made checking a 4000-character expression quadratic (176 ms of the lab's thread).
 */
const columns = new WeakMap<object, number>();

/** 1-based column of a jsep node: its own start, else its leftmost child's. */
function columnOf(node: jsep.Expression | null | undefined): number {
  const walked: object[] = [];
  const found = (col: number) => {
    for (const w of walked) columns.set(w, col);
    return col;
  };
  let n: jsep.Expression | null | undefined = node;
  while (n) {
    const s = starts.get(n);
    if (s !== undefined) return found(s + 1);
    const known = columns.get(n);
    if (known !== undefined) return found(known);
    walked.push(n);
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
        return found(0);
    }
  }
  return found(0);
}

function describeArgs(n: number): string {
  return n === 1 ? '1 argument' : `${n} arguments`;
}

/**
 * Throws when the text is too long or nested too deeply for jsep's recursive descent. Counts what
 * jsep recurses into: open parentheses and brackets, and the unary signs (and `?`) still waiting for
 * their operand, at every point of the text.
 */
function checkSize(text: string): void {
  if (text.length > MAX_EXPRESSION_LENGTH)
    throw new ObjectiveError(
      `expression too long: ${text.length} characters (at most ${MAX_EXPRESSION_LENGTH})`,
    );
  let open = 0;
  let pending = 0;
  let savedSum = 0;
  const saved: number[] = [];
  let afterOperand = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) continue;
    if (c === 40 /* ( */ || c === 91 /* [ */) {
      saved.push(pending);
      savedSum += pending;
      pending = 0;
      open++;
      afterOperand = false;
    } else if (c === 41 /* ) */ || c === 93 /* ] */) {
      if (open > 0) {
        open--;
        savedSum -= saved.pop() ?? 0;
      }
      pending = 0;
      afterOperand = true;
    } else if ((c === 43 /* + */ || c === 45) /* - */ && !afterOperand) {
      pending++;
    } else if (c === 63 /* ? */) {
      pending++;
      afterOperand = false;
    } else if (/[A-Za-z0-9_.$]/.test(text[i]) || c >= 128) {
      pending = 0;
      afterOperand = true;
    } else afterOperand = false;
    if (open + savedSum + pending > MAX_NESTING)
      throw new ObjectiveError(
        `expression nested too deeply (more than ${MAX_NESTING} levels of parentheses and signs)`,
        i + 1,
      );
  }
}

/** A character as Unicode names it: U+00A0. */
const codePoint = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Parses an expression of the language into our Ast. Throws ObjectiveError (with the column) for
 * syntax errors and constructs the language does not have; names are resolved later (compile.ts).
 */
export function parseExpression(text: string): Ast {
  configure();
  if (typeof text !== 'string') throw new ObjectiveError('the expression must be text');
  if (text.trim() === '') throw new ObjectiveError('empty expression: type a function of x, y or x1…x8');
  checkSize(text);
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
  return fold<jsep.Expression, Ast>(tree, childrenOf, combine);
}

/**
 * jsep binds unary minus tighter than any binary operator; in mathematics (and Python) -x^2 is
 * -(x^2). The base of a power with its unparenthesised unary signs moved out, and whether they negate.
 */
function powerBase(b: jsep.BinaryExpression): { base: jsep.Expression; negate: boolean } {
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
  return { base, negate };
}

const binaryOp = (b: jsep.BinaryExpression) => (b.operator === '**' ? '^' : b.operator);

/** The children a node converts from, after the checks on the node itself (pre-order, like recursion). */
function childrenOf(node: jsep.Expression): jsep.Expression[] {
  const col = columnOf(node);
  switch (node.type) {
    case 'Literal':
    case 'Identifier':
    case 'ThisExpression':
      return [];
    case 'UnaryExpression':
      return [(node as jsep.UnaryExpression).argument];
    case 'BinaryExpression': {
      const b = node as jsep.BinaryExpression;
      const op = binaryOp(b);
      if (op !== '+' && op !== '-' && op !== '*' && op !== '/' && op !== '^')
        throw new ObjectiveError(`unsupported operator '${b.operator}'`, col);
      return op === '^' ? [powerBase(b).base, b.right] : [b.left, b.right];
    }
    case 'CallExpression': {
      const c = node as jsep.CallExpression;
      if (c.callee.type === 'MemberExpression')
        throw new ObjectiveError("syntax error: '.' and '[ ]' (member access) are not allowed", col);
      if (c.callee.type !== 'Identifier')
        throw new ObjectiveError('only named functions can be called, e.g. sin(x)', col);
      const name = (c.callee as jsep.Identifier).name;
      let arity: number;
      if (UNARY_SET.has(name)) arity = 1;
      else if (BINARY_SET.has(name)) arity = 2;
      else if (/^(x|y|x[0-9]+|pi|e)$/.test(name))
        throw new ObjectiveError(
          `'${clip(name)}' is not a function; to multiply, write ${clip(name)}*(…)`,
          col,
        );
      else
        throw new ObjectiveError(
          `unsupported function '${clip(name)}'; supported: ${FUNCTIONS.join(', ')}`,
          col,
        );
      if (c.arguments.length !== arity)
        throw new ObjectiveError(`${name} takes ${describeArgs(arity)}, got ${c.arguments.length}`, col);
      return c.arguments;
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
      throw new ObjectiveError(`syntax error: ${clip(String(node.type))} is not allowed`, col);
  }
}

function combine(node: jsep.Expression, kids: Ast[]): Ast {
  const col = columnOf(node);
  // A token's own extent; an operator's runs from its first operand to its last.
  const [from, end] =
    extents.get(node) ?? (kids.length ? [kids[0].from, kids[kids.length - 1].end] : [col - 1, col - 1]);
  switch (node.type) {
    case 'Literal': {
      const lit = node as jsep.Literal;
      if (typeof lit.value !== 'number')
        throw new ObjectiveError('syntax error: strings are not allowed', col);
      if (!Number.isFinite(lit.value))
        throw new ObjectiveError(`number '${clip(String(lit.raw))}' is out of range`, col);
      return { kind: 'num', value: lit.value, col, from, end };
    }
    case 'Identifier': {
      const name = (node as jsep.Identifier).name;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        // jsep reads any non-ASCII character as part of a name, so typographic habits land here.
        const hints: string[] = [];
        if (/[²³¹⁰-⁹]/.test(name)) hints.push('powers as x^2');
        if (/[×·⋅∙]/.test(name)) hints.push('products as x*y');
        if (/[−–]/.test(name)) hints.push('minus as -');
        // Copied formulas bring no-break spaces (U+00A0), said before as a name with a space in it.
        const spaces = [...new Set(name.match(/[\p{Zs}\u200b\u2060\ufeff]/gu) ?? [])];
        if (spaces.length) hints.push(`spaces as plain spaces, not ${spaces.map(codePoint).join(', ')}`);
        const hint = hints.length ? ` (write ${hints.join(', ')})` : '';
        throw new ObjectiveError(
          `identifier '${clip(name)}' must use only letters, digits and _${hint}`,
          col,
        );
      }
      if (name.length > MAX_IDENTIFIER_LENGTH)
        throw new ObjectiveError(
          `identifier '${clip(name)}' is too long (${name.length} characters; at most ${MAX_IDENTIFIER_LENGTH})`,
          col,
        );
      if (RESERVED.has(name))
        throw new ObjectiveError(`'${name}' is a reserved name; call the parameter something else`, col);
      if (UNARY_SET.has(name) || BINARY_SET.has(name))
        throw new ObjectiveError(`'${name}' is a function: call it as ${name}(…)`, col);
      return { kind: 'ident', name, col, from, end };
    }
    case 'ThisExpression':
      // jsep knows `this`; for us it is just a name nobody defined.
      return { kind: 'ident', name: 'this', col, from, end };
    case 'UnaryExpression':
      return (node as jsep.UnaryExpression).operator === '-'
        ? { kind: 'neg', arg: kids[0], col, from, end }
        : kids[0];
    case 'BinaryExpression': {
      const b = node as jsep.BinaryExpression;
      const op = binaryOp(b) as '+' | '-' | '*' | '/' | '^';
      if (op !== '^') return { kind: 'binary', op, left: kids[0], right: kids[1], col, from, end };
      const pow: Ast = { kind: 'binary', op: '^', left: kids[0], right: kids[1], col, from, end };
      return powerBase(b).negate ? { kind: 'neg', arg: pow, col, from, end } : pow;
    }
    case 'CallExpression': {
      const name = ((node as jsep.CallExpression).callee as jsep.Identifier).name;
      return { kind: 'call', fn: name as UnaryFunction | BinaryFunction, args: kids, col, from, end };
    }
    default:
      throw new ObjectiveError(`syntax error: ${clip(String(node.type))} is not allowed`, col);
  }
}
