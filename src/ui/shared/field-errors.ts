/**
 * Messages beside the field they are about. The lab hands each panel its error as one message (a
 * SpecError's `invalid experiment spec:` header and one `path: message` line per problem, or any
 * other error's text) and the field whose edit it refused, if the edit was one field's; each panel
 * declares which spec paths belong to which of its fields. A refused edit of one field shows every
 * line under that field: the spec before it was valid, so each line follows from it, whatever path
 * it names, and a line under a field the user did not touch would send them looking there. Other
 * errors (an edit of several fields, a zoom) show each line under the field its path names; lines
 * no field claims are shown at the panel's foot. All in plain words.
 */
import { plainIssue } from './labels.ts';

export interface FieldErrors<F extends string> {
  byField: Partial<Record<F, string[]>>;
  rest: string[];
}

/**
 * Splits `message` into the lines of each field and the rest, in plain words: all under `edited`
 * when it is one of the fields, else each by its path's prefix.
 */
export function fieldErrors<F extends string>(
  message: string | null,
  paths: Readonly<Record<F, readonly string[]>>,
  edited: string | null = null,
): FieldErrors<F> {
  const byField: Partial<Record<F, string[]>> = {};
  const rest: string[] = [];
  if (!message) return { byField, rest };
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && l !== 'invalid experiment spec:');
  const fields = Object.keys(paths) as F[];
  const at = fields.find((f) => f === edited);
  for (const line of lines) {
    const path = /^([A-Za-z0-9_.]+):/.exec(line)?.[1];
    const field =
      at ??
      (path ? fields.find((f) => paths[f].some((p) => path === p || path.startsWith(p + '.'))) : undefined);
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
