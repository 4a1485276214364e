/** Helpers shared by the subcommands for reading flags (node:util parseArgs does the tokenizing). */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** A usage error: printed as one line with the subcommand's name, exit status 2. */
export class CliError extends Error {
  override name = 'CliError';
}

/** A finite number, or a CliError naming the flag. */
export function parseNumber(flag: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v))
    throw new CliError(`--${flag}: '${text}' is not a finite number`);
  return v;
}

/** A positive integer, or a CliError naming the flag. */
export function parseInteger(flag: string, text: string, min = 1): number {
  const v = parseNumber(flag, text);
  if (!Number.isInteger(v) || v < min) throw new CliError(`--${flag}: '${text}' must be an integer ≥ ${min}`);
  return v;
}

/** `A:B` with A < B. */
export function parseRange(flag: string, text: string): [number, number] {
  const parts = text.split(':');
  if (parts.length !== 2) throw new CliError(`--${flag}: '${text}' must be a range A:B`);
  const a = parseNumber(flag, parts[0]);
  const b = parseNumber(flag, parts[1]);
  if (!(b > a)) throw new CliError(`--${flag}: range '${text}' must be increasing`);
  return [a, b];
}

/** `A,B,…` */
export function parseList(flag: string, text: string): number[] {
  return text.split(',').map((t) => parseNumber(flag, t));
}

/** `NAME=VALUE` pairs from repeated --param flags. */
export function parseParams(items: string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(item);
    if (!m) throw new CliError(`--param: '${item}' must be NAME=VALUE`);
    out[m[1]] = parseNumber('param', m[2]);
  }
  return out;
}

/**
 * parseArgs reads `--x0 -1,2` as a flag without its value; a value that reads as a number, a list or
 * a range of them (`-2:2`) is joined to its flag so that negative values need no `=`.
 */
export function joinNegativeValues(argv: string[], options: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = argv[i + 1];
    const name = a.startsWith('--') ? a.slice(2) : '';
    if (Object.hasOwn(options, name) && !a.includes('=') && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** Node's parseArgs, strict, with negative values joined and its several-line messages cut to one. */
export function parseFlags<O extends ParseArgsOptionsConfig>(argv: string[], options: O, command: string) {
  try {
    return parseArgs({
      args: joinNegativeValues(argv, options),
      options,
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    throw new CliError(`${(e as Error).message.split('\n')[0]} (see gdlab ${command} --help)`);
  }
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
        `--param: '${name}' is not a parameter of this objective` +
          (params.length ? ` (its parameters: ${params.join(', ')})` : ' (it has none)'),
      );
}
