/** Helpers shared by the subcommands for reading flags (node:util parseArgs does the tokenizing). */

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
