/**
 * What the CLI echoes of user input (src/cli/args.ts escapeControl): characters that would act on a
 * terminal or hide in a message are written out as escapes; everything else, newlines included, as is.
 */
import { describe, expect, it } from 'vitest';
import { escapeControl } from '../src/cli/args.ts';

describe('escapeControl', () => {
  it('writes control characters, bidirectional overrides and invisible characters as escapes', () => {
    expect(escapeControl('a\u001b[31mb')).toBe('a\\x1b[31mb');
    expect(escapeControl('\u0007\u009b')).toBe('\\x07\\x9b');
    expect(escapeControl('x\u202ey')).toBe('x\\u202ey');
    // Zero-width space, non-joiner, joiner, the word joiner and a byte-order mark: a name that
    // looks like 'x' but is not.
    expect(escapeControl('x\u200b\u200c\u200d\u2060\ufeff')).toBe('x\\u200b\\u200c\\u200d\\u2060\\ufeff');
  });

  it('leaves newlines, letters of any script and mathematical signs alone', () => {
    expect(escapeControl('line 1\nline 2 é ² − λ ∇')).toBe('line 1\nline 2 é ² − λ ∇');
  });
});
