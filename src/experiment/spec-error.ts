/**
 * The error of a spec that failed validation, apart from the schema (src/experiment/spec.ts) so that
 * code which only names it (the CLI's flag parser) loads no validator.
 */
import { clip, MAX_LISTED } from '../objective/limits.ts';

/**
 * A spec that failed validation; `issues` lists every problem as `path: message`. The message lists
 * the first MAX_LISTED and counts the rest: a hostile spec can have thousands, and the message is
 * what a terminal or the lab shows.
 */
export class SpecError extends Error {
  override name = 'SpecError';
  constructor(readonly issues: string[]) {
    // One more would take the line that counts it.
    const shown =
      issues.length > MAX_LISTED + 1
        ? [...issues.slice(0, MAX_LISTED), `… and ${issues.length - MAX_LISTED} more`]
        : issues;
    super(`invalid experiment spec:\n  ${shown.join('\n  ')}`);
  }
}

/** What formatIssues reads of a validator's issue (zod's $ZodIssue has these fields). */
export interface RawIssue {
  readonly code?: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly keys?: readonly string[];
}

/**
 * Issues as `path: message` lines, with the names a hostile spec chose (keys in a path, unknown
 * fields) cut short and unknown fields listed up to MAX_LISTED, each quoted as JSON (a name may hold
 * a line break).
 */
export function formatIssues(issues: readonly RawIssue[]): string[] {
  return issues.map((i) => {
    const path = i.path.length ? i.path.map((p) => clip(String(p))).join('.') : 'spec';
    if (i.code !== 'unrecognized_keys' || !i.keys) return `${path}: ${i.message}`;
    // Zod's message quotes every key however many there are, and in its words ("Unrecognized
    // key"), where the spec and its readers speak of fields.
    const keys = i.keys.slice(0, MAX_LISTED).map((k) => JSON.stringify(clip(k)));
    const more = i.keys.length > MAX_LISTED ? ` … and ${i.keys.length - MAX_LISTED} more` : '';
    return `${path}: unknown field${i.keys.length > 1 ? 's' : ''} ${keys.join(', ')}${more}`;
  });
}
