/**
 * The error of a spec that failed validation, apart from the schema (src/experiment/spec.ts) so that
 * code which only names it (the CLI's flag parser) loads no validator.
 */

/** A spec that failed validation; `issues` lists every problem as `path: message`. */
export class SpecError extends Error {
  override name = 'SpecError';
  constructor(readonly issues: string[]) {
    super(`invalid experiment spec:\n  ${issues.join('\n  ')}`);
  }
}
