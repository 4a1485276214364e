/** The messages parseSpec refuses `input` with (a test fails where it accepts it, or throws otherwise). */
import { expect } from 'vitest';
import { parseSpec, SpecError } from '../../src/experiment/spec.ts';

export function issues(input: unknown): string[] {
  try {
    parseSpec(input);
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return (e as SpecError).issues;
  }
  throw new Error('parseSpec accepted it');
}
