/** Helpers shared by the subcommands for reading flags (node:util parseArgs does the tokenizing). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { nearNames } from '../experiment/near-names.ts';
import { SpecError } from '../experiment/spec-error.ts';
import { clip, listNames, MAX_IDENTIFIER_LENGTH, MAX_PARAMS } from '../objective/limits.ts';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** The variable names an objective may use (src/objective/types.ts): each has its flags (--x, --lr.x). */
export const VARIABLE_NAMES = ['x', 'y', ...Array.from({ length: 8 }, (_, i) => `x${i + 1}`)];

/** A usage error: printed as one line with the subcommand's name, exit status 2. */
export class CliError extends Error {
  override name = 'CliError';
}

/**
 * Decimal numbers only: Number() also reads '0x10' as 16, '0b1', '' and ' 1 ', which nobody means
 * on a command line about learning rates.
 */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A finite decimal number, or a CliError naming the flag and what was written. */
export function parseNumber(flag: string, text: string): number {
  if (!DECIMAL.test(text))
    throw new CliError(`--${flag}: '${clip(text)}' is not a decimal number (e.g. 0.5, -2, 1e-3)`);
  const v = Number(text);
  if (!Number.isFinite(v)) throw new CliError(`--${flag}: '${clip(text)}' is out of range`);
  return v;
}

/** A positive integer, or a CliError naming the flag. */
export function parseInteger(flag: string, text: string, min = 1): number {
  const v = parseNumber(flag, text);
  if (!Number.isInteger(v) || v < min)
    throw new CliError(`--${flag}: '${clip(text)}' must be an integer ≥ ${min}`);
  return v;
}

/** `A:B` with A < B. */
export function parseRange(flag: string, text: string): [number, number] {
  const parts = text.split(':');
  if (parts.length !== 2) throw new CliError(`--${flag}: '${clip(text)}' must be a range A:B`);
  const a = parseNumber(flag, parts[0]);
  const b = parseNumber(flag, parts[1]);
  if (!(b > a)) throw new CliError(`--${flag}: range '${clip(text)}' must be increasing`);
  return [a, b];
}

/** `A,B,…` */
export function parseList(flag: string, text: string): number[] {
  return text.split(',').map((t) => parseNumber(flag, t));
}

/**
 * `NAME=TEXT` pairs from repeated --param flags, in order, each name once. `__proto__` is refused by
 * name: as a key of a plain object it would set the prototype and vanish. The spec's bounds on the
 * number of parameters and the length of a name apply here first, so a message never echoes a name
 * of 100 000 characters.
 */
export function parseParamItems(items: string[] | undefined): [string, string][] {
  const seen = new Map<string, string>();
  if ((items?.length ?? 0) > MAX_PARAMS)
    throw new CliError(`--param: too many parameters: ${items!.length} (at most ${MAX_PARAMS})`);
  for (const item of items ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(item);
    if (!m) throw new CliError(`--param: '${clip(item)}' must be NAME=VALUE`);
    if (m[1].length > MAX_IDENTIFIER_LENGTH)
      throw new CliError(
        `--param: the name '${clip(m[1])}' is too long (${m[1].length} characters; at most ${MAX_IDENTIFIER_LENGTH})`,
      );
    if (m[1] === '__proto__') throw new CliError(`--param: '__proto__' cannot be a parameter name`);
    const before = seen.get(m[1]);
    if (before !== undefined)
      throw new CliError(`--param: ${m[1]} is given twice ('${clip(before)}' and '${clip(m[2])}')`);
    seen.set(m[1], m[2]);
  }
  return [...seen];
}

/** `NAME=VALUE` pairs from repeated --param flags. */
export function parseParams(items: string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, text] of parseParamItems(items)) out[name] = parseNumber(`param ${name}`, text);
  return out;
}

/**
 * parseArgs reads `--x0 -1,2` (or `--objective -x^2`) as a flag without its value; a value that starts
 * with '-' but is not one of the command's flags is joined to its flag, so negative numbers, ranges
 * (`-2:2`) and expressions need no `=`.
 */
export function joinNegativeValues(argv: string[], options: Record<string, unknown>): string[] {
  const takesValue = (name: string) =>
    Object.hasOwn(options, name) && (options[name] as { type?: string }).type === 'string';
  const isFlag = (a: string) =>
    a === '--' ||
    a === '-h' ||
    a === '--help' ||
    (a.startsWith('--') && Object.hasOwn(options, a.slice(2).split('=')[0]));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = argv[i + 1];
    const name = a.startsWith('--') ? a.slice(2) : '';
    if (takesValue(name) && next !== undefined && next.startsWith('-') && !isFlag(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** nearNames for a misspelt flag (`--iter`), as flags (`--iters`). */
export function nearFlags(given: string, known: readonly string[]): string[] {
  return nearNames(given.replace(/^--?/, ''), known).map((k) => `--${k}`);
}

/**
 * A parseArgs error as one line naming the command's help, and the nearest known flags where the
 * option was unknown (`known`: the command's flag names). Where positionals are allowed, Node adds
 * advice on '--' to an unknown option's message, with an unclosed quote ("… as in '-- "--bogus""):
 * a misspelt flag is what a user means far more often, so the advice is cut.
 */
export function parseArgsError(e: unknown, command: string, known: readonly string[] = []): CliError {
  const first = (e as Error).message.split('\n')[0].replace(/\. To specify a positional argument.*$/, '');
  const unknown = /^Unknown option '(--[^']*)'/.exec(first);
  const near = unknown ? nearFlags(unknown[1], known) : [];
  const hint = near.length ? `did you mean ${near.join(' or ')}? ` : '';
  return new CliError(`${first} (${hint}see gdlab ${command} --help)`);
}

/**
 * Node's parseArgs, strict, with negative values joined and its several-line messages cut to one. A
 * flag that takes one value and is given twice is an error (parseArgs would keep the last silently).
 * Positionals are refused unless `positionals` allows that many.
 */
export function parseFlags<O extends ParseArgsOptionsConfig>(
  argv: string[],
  options: O,
  command: string,
  positionals = 0,
) {
  let parsed;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv, options),
      options,
      strict: true,
      allowPositionals: positionals > 0,
      tokens: true,
    });
  } catch (e) {
    throw parseArgsError(e, command, Object.keys(options));
  }
  const seen = new Map<string, string>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option' || options[t.name]?.multiple) continue;
    const value = t.value === undefined ? t.rawName : `${t.rawName} ${t.value}`;
    const before = seen.get(t.name);
    if (before !== undefined)
      throw new CliError(`--${t.name} is given twice ('${before}' and '${value}'); give it once`);
    seen.set(t.name, value);
  }
  if (parsed.positionals.length > positionals)
    throw new CliError(
      `unexpected argument '${parsed.positionals[positionals]}' (see gdlab ${command} --help)`,
    );
  return Object.assign(parsed.values, { _: parsed.positionals });
}

/** The engine `--engine` names (auto when not given); anything else is a CliError. */
export function parseEngineChoice(choice: string | undefined): 'auto' | 'gpu' | 'cpu' {
  if (choice === undefined) return 'auto';
  if (choice !== 'auto' && choice !== 'gpu' && choice !== 'cpu')
    throw new CliError(`--engine: '${choice}' must be auto, gpu or cpu`);
  return choice;
}

/** The help lines of --engine, shared by every subcommand that runs an engine. */
export const ENGINE_HELP = `  --engine auto|gpu|cpu   auto (default): a hardware GPU adapter runs the WGSL engine (f32); where the
                          only adapter is a software one (SwiftShader, llvmpipe, …) the faster of it and
                          the float64 CPU engine (all cores) for this spec; with no adapter the CPU
                          engine. gpu and cpu force one. The output says which ran and why.`;

/** A CliError for the first `--param` name that the objective does not have (a misspelt one would be ignored). */
export function checkParamNames(given: Iterable<string>, params: readonly string[]): void {
  for (const name of given)
    if (!params.includes(name))
      throw new CliError(
        `--param: '${clip(name)}' is not a parameter of this objective` +
          (params.length ? ` (its parameters: ${listNames(params)})` : ' (it has none)'),
      );
}

/**
 * Runs `build` (which makes a spec from flags) and words its SpecError issues in the flags the user
 * gave: "iterations: must be at most 1000000" becomes "--iters (iterations): must be at most 1000000".
 * A path is renamed only when its flag is on the command line: a field from a spec file keeps its
 * path, so no message names a flag that was never given.
 */
export function inFlagTerms<T>(argv: string[], paths: Readonly<Record<string, string>>, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    const given = new Set(argv.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0]));
    const worded = e.issues.map((issue) => {
      const m = /^([\w.]+): /.exec(issue);
      if (!m) return { issue, body: null, flag: false };
      const body = issue.slice(m[0].length);
      const key = Object.keys(paths).find((p) => m[1] === p || m[1].startsWith(`${p}.`));
      const flag = key === undefined ? undefined : paths[key];
      return flag !== undefined && given.has(flag)
        ? { issue: `--${flag} (${m[1]}): ${body}`, body, flag: true }
        : { issue, body, flag: false };
    });
    // One value the command copies into two fields (density's --range is also its plane's v axis)
    // fails twice: the issue that names the flag says it once.
    const named = new Set(worded.filter((w) => w.flag).map((w) => w.body));
    throw new SpecError(worded.filter((w) => w.flag || !named.has(w.body)).map((w) => w.issue));
  }
}

/**
 * Text as a terminal should show it: control characters (ESC, BEL, the C1 range), bidirectional
 * overrides and invisible characters (zero-width spaces and joiners, the word joiner, a byte-order
 * mark) from user input are written as \xNN / \uNNNN instead of acting on the terminal or hiding.
 * Newlines stay (a SpecError lists one issue per line).
 */
export function escapeControl(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g,
    (c) => {
      const code = c.charCodeAt(0);
      return code < 0x100
        ? `\\x${code.toString(16).padStart(2, '0')}`
        : `\\u${code.toString(16).padStart(4, '0')}`;
    },
  );
}
