/**
 * Messages beside the field they are about. The lab hands each panel its error as one message (a
 * SpecError's `invalid experiment spec:` header and one `path: message` line per problem, or any
 * other error's text); each panel declares which spec paths belong to which of its fields, and shows
 * every line under that field in plain words. Lines no field claims are shown at the panel's foot.
 */
import { plainIssue } from './labels.ts';

export interface FieldErrors<F extends string> {
  byField: Partial<Record<F, string[]>>;
  rest: string[];
}

/** Splits `message` into the lines of each field (by path prefix) and the rest, in plain words. */
export function fieldErrors<F extends string>(
  message: string | null,
  paths: Readonly<Record<F, readonly string[]>>,
): FieldErrors<F> {
  const byField: Partial<Record<F, string[]>> = {};
  const rest: string[] = [];
  if (!message) return { byField, rest };
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && l !== 'invalid experiment spec:');
  const fields = Object.keys(paths) as F[];
  for (const line of lines) {
    const path = /^([A-Za-z0-9_.]+):/.exec(line)?.[1];
    const field = path
      ? fields.find((f) => paths[f].some((p) => path === p || path.startsWith(p + '.')))
      : undefined;
    if (field) (byField[field] ??= []).push(plainIssue(line));
    else rest.push(plainIssue(line));
  }
  return { byField, rest };
}

/** A whole message (any number of lines, a SpecError's header dropped) in plain words. */
export function plainMessage(message: string): string {
  const { rest } = fieldErrors(message, {});
  return rest.join('\n');
}
