/**
 * The spec's types as src/experiment/spec.ts builds its schema from them, each with its messages in
 * the spec's words. Zod's defaults ("Too big: expected array to have <=8 items", "Invalid option:
 * expected one of …", "Invalid key in record") reached the lab's user, the CLI's --spec, links and
 * PNGs alike; every reader passes parseSpec, so saying them here says them once for all.
 */
import * as z from 'zod/mini';
import { clip, counted } from '../objective/limits.ts';
import { CONSTANTS, FUNCTIONS } from '../objective/parse.ts';

/** What a value is, as a message names it: "a string", "a list", "an object", "null", "true". */
export function kindOf(input: unknown): string {
  if (input === null || typeof input === 'boolean') return String(input);
  if (Array.isArray(input)) return 'a list';
  return typeof input === 'object' ? 'an object' : `a ${typeof input}`;
}

/**
 * Text a spec gave, quoted in a message: cut short, and escaped, since a line break would split the
 * `path: message` line the lab places under a field.
 */
export const quote = (text: string) => `'${JSON.stringify(clip(text)).slice(1, -1)}'`;

/** A value a spec gave, as a message names it: text quoted, a number as is, anything else by kind. */
const given = (input: unknown) =>
  typeof input === 'string' ? quote(input) : typeof input === 'number' ? String(input) : kindOf(input);

/** `must be <expected>, not <what was given>` for a value of the wrong type (just the first for none). */
const typeError = (expected: string) => (issue: { code?: string; input?: unknown }) => {
  if (issue.code !== 'invalid_type') return undefined;
  return issue.input === undefined
    ? `must be ${expected}`
    : `must be ${expected}, not ${kindOf(issue.input)}`;
};

export const string = () => z.string({ error: typeError('text') });

/**
 * Length checks only of the type they count: zod runs them on any input with a length, so a list of
 * 5000 given for an expression was also "too long (at most 4000 characters)", and text given for x0
 * "must have at most 8 coordinates, not NaN", beside the one message that says what is wrong.
 */
// Spread into the check's params: zod's types leave `when` out of a length check's, though every
// check honours it (core/checks.d.ts).
const ofType = (is: (v: unknown) => boolean) => ({ when: (p: { value: unknown }) => is(p.value) });
export const isString = ofType((v) => typeof v === 'string');
const isList = ofType(Array.isArray);

/** Text of `min` to `max` characters. */
export const text = (min: number, max: number) =>
  string().check(
    z.minLength(min, {
      ...isString,
      message: min === 1 ? 'must not be empty' : `must be at least ${min} characters`,
    }),
    z.maxLength(max, { ...isString, message: `is too long (at most ${max} characters)` }),
  );

export const flag = () => z.boolean({ error: typeError('true or false') });

/** An object with exactly these fields (a misspelt one is named by formatIssues). */
export const object = <T extends z.core.$ZodLooseShape>(shape: T) =>
  z.strictObject(shape, { error: typeError('an object') });

/** One of `values`, listed in the message. */
export const oneOf = <const T extends readonly string[]>(values: T) =>
  z.enum(values, {
    error: (issue) =>
      issue.code === 'invalid_value'
        ? `must be one of ${values.join(', ')}, not ${given(issue.input)}`
        : undefined,
  });

export const exactly = <const T extends number>(value: T) =>
  z.literal(value, {
    error: (issue) =>
      issue.code === 'invalid_value' ? `must be ${value}, not ${given(issue.input)}` : undefined,
  });

const length = (input: unknown) => (Array.isArray(input) ? input.length : NaN);

/** A list of `min` to `max` items, counted in the message as `noun`s. */
export const list = <T extends z.core.SomeType>(item: T, min: number, max: number, noun: string) =>
  z.array(item, { error: typeError('a list') }).check(
    z.minLength(min, {
      ...isList,
      error: (i) => `must have at least ${counted(min, noun)}, not ${length(i.input)}`,
    }),
    z.maxLength(max, {
      ...isList,
      error: (i) => `must have at most ${counted(max, noun)}, not ${length(i.input)}`,
    }),
  );

/** Two values, as `[first, second]`: a grid's sides, a range's ends. */
export const pair = <T extends z.core.SomeType>(item: T, names: string) => {
  const expected = `two numbers ${names}`;
  return z.tuple([item, item], {
    error: (issue) => {
      if (issue.code === 'invalid_type') return typeError(expected)(issue);
      if (issue.code !== 'too_big' && issue.code !== 'too_small') return undefined;
      const n = length(issue.input);
      return `must be ${expected}, not ${n === 0 ? 'an empty list' : counted(n, 'number')}`;
    },
  });
};

/** A name of an objective's parameter, as the expression language reads one. */
const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The names the compiler reads as variables (src/objective/compile.ts), in either style. */
const VARIABLE_NAME = /^([xy]|x[1-9][0-9]*)$/;

/**
 * Why `name` cannot be a parameter, or null. A name the language gives another meaning is refused
 * too: the compiler reads it as the variable, constant or function and leaves the parameter unused,
 * so a link with `e: 3` showed a slider for e at 3 while f was computed with e = 2.718…, and one
 * with `x` a slider that moved nothing.
 */
function nameProblem(name: string): string | null {
  if (!PARAMETER_NAME.test(name)) return 'is not a parameter name (a letter or _, then letters, digits or _)';
  const another = 'a parameter needs another name';
  if (VARIABLE_NAME.test(name)) return `is a variable; ${another}`;
  const c = CONSTANTS.get(name);
  if (c !== undefined) return `is the constant ${name} = ${c.toPrecision(6)}…; ${another}`;
  if (FUNCTIONS.includes(name)) return `is a function; ${another}`;
  return null;
}

/**
 * Parameter values by name. A record's key schema says "Invalid key in record" under a path that
 * ends in the key, so the names are checked here, each said under the parameters. The check runs
 * even where a value failed (`when`): a bad name beside a bad value is said at once.
 */
export const params = <T extends z.core.SomeType>(value: T) =>
  z.record(z.string(), value, { error: typeError('an object of parameter values') }).check(
    z.superRefine(
      (p, ctx) => {
        for (const name of Object.keys(p)) {
          const problem = nameProblem(name);
          if (problem) ctx.addIssue({ code: 'custom', input: p, message: `${quote(name)} ${problem}` });
        }
      },
      { when: ({ value }) => typeof value === 'object' && value !== null && !Array.isArray(value) },
    ),
  );
