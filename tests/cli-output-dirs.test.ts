/**
 * Folders the CLI creates for its output (--pieces, gallery --out, merge --frames, bench --out): one
 * that cannot be made is an I/O error naming it, said before any run. Node's recursive mkdir loops
 * for good where a folder cannot be made under an existing one (/proc), and said EEXIST, as an
 * internal error after the run, for a file in the folder's place.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers/cli.ts';

const dir = tempDir('gdlab-dirs-');
const fails = (args: string[]) =>
  runCli(args, { timeout: 20_000 }).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number | null; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );
const PIECE = ['basin', '--objective', 'quadratic-2d', '--size', '4x4', '--iters', '20', '--engine', 'cpu'];

describe('output folders that cannot be made', () => {
  it('--pieces naming a file, or a folder under it', async () => {
    const file = join(dir, 'file');
    writeFileSync(file, '');
    for (const target of [file, join(file, 'x')])
      expect(await fails([...PIECE, '--tile', '0/2', '--pieces', target])).toEqual({
        code: 1,
        stderr: `gdlab basin: --pieces: cannot create the folder '${target}': not a directory (ENOTDIR)\n`,
      });
  });

  it.runIf(existsSync('/proc/self'))('a folder under /proc: refused at once, not a hang', async () => {
    expect(await fails([...PIECE, '--tile', '0/2', '--pieces', '/proc/gdlab-pieces'])).toEqual({
      code: 1,
      stderr:
        "gdlab basin: --pieces: cannot create the folder '/proc/gdlab-pieces': no such file or directory (ENOENT)\n",
    });
    expect(await fails(['gallery', 'regimes', '--out', '/proc/gdlab-gallery', '--no-checks'])).toEqual({
      code: 1,
      stderr:
        "gdlab gallery: cannot create the folder '/proc/gdlab-gallery': no such file or directory (ENOENT)\n",
    });
  });

  it('parents are made, and a folder another job made first is taken', async () => {
    const nested = join(dir, 'a', 'b', 'c');
    for (const tile of ['0/2', '1/2'])
      expect((await runCli([...PIECE, '--tile', tile, '--pieces', nested])).stdout).toMatch(/wrote /);
    expect(existsSync(join(nested, 'tile-0001-of-2.piece.json'))).toBe(true);
  });
});
