/**
 * `gdlab trajectory`'s bound on the numbers its JSON holds (MAX_TRAJECTORY_NUMBERS): refused in one
 * line that gives the count in full, says it is more than allowed and names the most --iters that
 * fits, which is then taken.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.ts';

async function failure(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const e = await runCli(['trajectory', ...args], { timeout: 60_000 }).then(
    () => ({ code: 0, stdout: '', stderr: '' }),
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
  return { code: e.code, stdout: e.stdout, stderr: e.stderr };
}

describe('gdlab trajectory: numbers past the limit', () => {
  it.each([
    [
      '8 coordinates with 3 flows',
      ['--objective', 'x1^2+x8^2', '--lr', '1', '--x0', '1,1,1,1,1,1,1,1'],
      ['--iters', '1000000', '--flows', 'gf,me1,me2'],
      '--iters: 1000000 steps of 8 coordinates with 3 flows would write 35000035 numbers, more than the ' +
        '5000000 allowed; lower --iters to at most 142856 or drop --flows',
    ],
    // 5 000 005 read "5.00e+6 numbers (at most 5e+6)", within the limit by the look; and "or drop
    // flows" with none given.
    [
      'just past it',
      ['--objective', 'x^2+y^2', '--lr', '0.1', '--x0', '1,1'],
      ['--iters', '1000000'],
      '--iters: 1000000 steps of 2 coordinates would write 5000005 numbers, more than the 5000000 ' +
        'allowed; lower --iters to at most 999999',
    ],
    [
      'one coordinate',
      ['--objective', 'x^2', '--lr', '0.1', '--x0', '1'],
      ['--iters', '714285', '--flows', 'gf,me1,me2'],
      '--iters: 714285 steps of 1 coordinate with 3 flows would write 5000002 numbers, more than the ' +
        '5000000 allowed; lower --iters to at most 714284 or drop --flows',
    ],
  ])('%s: one line, status 2', async (_name, objective, rest, message) => {
    expect(await failure(...objective, ...rest)).toEqual({
      code: 2,
      stdout: '',
      stderr: `gdlab trajectory: ${message}\n`,
    });
  });

  it('takes the most --iters the refusal names: (999999 + 1) × 5 is 5000000 numbers', async () => {
    const r = await failure(
      ...['--objective', 'x^2+y^2', '--lr', '0.1', '--x0', '1,1', '--iters', '999999'],
      ...['--max-seconds', '0.001'],
    );
    // Past the count, stopped by its time estimate instead.
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/, more than --max-seconds 0\.001; nothing was computed\n$/);
  });
});
