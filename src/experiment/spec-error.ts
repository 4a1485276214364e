/**
 * The error of a spec that failed validation, apart from the schema (src/experiment/spec.ts) so that
 * code which only names it (the CLI's flag parser) loads no validator.
 */
import { clip, MAX_LISTED } from '../objective/limits.ts';
import { nearNames } from './near-names.ts';

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
 * a line break). `known`: a valid object of the schema (the default spec), whose fields at an issue's
 * path answer one unknown field near one of them (`"iteratons"`: did you mean "iterations"?).
 */
export function formatIssues(issues: readonly RawIssue[], known: unknown = null): string[] {
  return issues.map((i) => {
    const path = i.path.length ? i.path.map((p) => clip(String(p))).join('.') : 'spec';
    if (i.code !== 'unrecognized_keys' || !i.keys) return `${path}: ${i.message}`;
    // Zod's message quotes every key however many there are, and in its words ("Unrecognized
    // key"), where the spec and its readers speak of fields.
    const keys = i.keys.slice(0, MAX_LISTED).map((k) => JSON.stringify(clip(k)));
    const more = i.keys.length > MAX_LISTED ? ` … and ${i.keys.length - MAX_LISTED} more` : '';
    const near = i.keys.length === 1 ? nearNames(i.keys[0], fieldsAt(known, i.path)) : [];
    const hint = near.length ? ` (did you mean ${near.map((k) => JSON.stringify(k)).join(' or ')}?)` : '';
    return `${path}: unknown field${i.keys.length > 1 ? 's' : ''} ${keys.join(', ')}${more}${hint}`;
  });
}

/** The fields of the object at `path` in `value` (none where there is no object). */
function fieldsAt(value: unknown, path: readonly PropertyKey[]): string[] {
  let at = value;
  for (const key of path)
    at = isObject(at) && typeof key === 'string' && Object.hasOwn(at, key) ? at[key] : null;
  return isObject(at) ? Object.keys(at) : [];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Whether decoded text holds characters no spec text has: C0 controls but tab and line breaks
 * (JSON allows none unescaped), C1 controls, and U+FFFD, which decoding puts where bytes were not
 * UTF-8. Text with them is a binary file or a damaged chunk.
 */
export function binaryText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f) || c === 0xfffd)
      return true;
  }
  return false;
}

/**
 * Why `text` is not JSON, given the error JSON.parse threw, in words that quote none of its bytes:
 * the parser's message quotes the text around the failure, which for a dropped JPEG or a damaged
 * PNG chunk put control characters and replacement marks in front of the user, and for an empty
 * file read "Unexpected end of JSON input".
 */
export function jsonProblem(text: string, error: unknown): string {
  if (text.trim() === '') return 'the text is empty';
  if (binaryText(text)) return 'it holds binary data, not text';
  const message = error instanceof Error ? error.message : String(error);
  // Where the parser failed at the very end, the text stopped short of a whole value: V8 says so
  // with that position ("Expected ',' or ']' … at position 13"); each engine in its words otherwise.
  const at = /position (\d+)/.exec(message);
  if ((at && Number(at[1]) >= text.length) || /end of (JSON )?(input|data)|EOF/i.test(message))
    return 'it ends early: was it cut short?';
  return clip(message, 120);
}
