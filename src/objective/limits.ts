/**
 * Bounds on the names and parameters an objective is given, and how a name is quoted (and a count
 * worded) in a message.
 * Apart from the parser so that the CLI's flag reader and the spec's validator apply them without
 * loading it: a spec file or a command line can hold a million parameters, or a name of 100 000
 * characters, and each message about them must stay one line.
 */

/** Longest identifier (a variable, constant or parameter name). */
export const MAX_IDENTIFIER_LENGTH = 64;
/** Most parameters an objective may be given (a 4000-character expression cannot use many more). */
export const MAX_PARAMS = 256;
/**
 * Most general powers (x^y, x^0.5: a variable or fractional exponent) in f's gradient and Hessian-vector
 * product, the GPU kernel's step. Each is a call to a WGSL helper that shader compilers inline, in
 * time that grows with the square of their count: 300 took SwiftShader 13 s to compile, 1200 (a sum
 * of 400 x^(y+k), 3.9 kB) hung the run for minutes, and 900 crashed the process.
 */
export const MAX_GENERAL_POWERS = 256;
/** Most names a message lists before it counts the rest. */
export const MAX_LISTED = 10;

/** A name or text as quoted in a message: long ones are cut (the whole text is the user's anyway). */
export function clip(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** "1 coordinate", "3 coordinates", "1 entry", "2 entries": a count with its noun agreeing. */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** `a, b, c` of the first MAX_LISTED names (each clipped), then `… and N more`. */
export function listNames(names: readonly string[], max = MAX_LISTED): string {
  const shown = names.slice(0, max).map((n) => clip(n));
  return names.length > max ? `${shown.join(', ')}, … and ${names.length - max} more` : shown.join(', ');
}
