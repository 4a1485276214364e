/**
 * An expression a --spec file gives that does not compile is said with the file and its field, as a
 * flag's is said with the flag: "unknown identifier 'foo' (column 5)" alone named neither.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers/cli.ts';

const dir = tempDir('gdlab-spec-expr-');
const file = (name: string, spec: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(spec));
  return path;
};
const fails = (args: string[]) =>
  runCli(args).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );

describe('--spec: expressions that do not compile', () => {
  it('basin: the objective and an observable, each by its field; a flag given instead is not the file', async () => {
    const expr = file('expr.json', { objective: { expr: 'x^2 + foo' }, lr: 0.1 });
    const allowed = "unknown identifier 'foo'; allowed: x, y, pi, e; a parameter needs a value";
    expect(await fails(['basin', '--spec', expr, '--dry-run'])).toEqual({
      code: 2,
      stderr: `gdlab basin: --spec '${expr}': objective.expr: ${allowed} (column 7)\n`,
    });
    const obs = file('obs.json', { objective: { expr: 'x^2 + y^2' }, observables: ['x', 'foo'] });
    expect(await fails(['basin', '--spec', obs, '--dry-run'])).toEqual({
      code: 2,
      stderr: `gdlab basin: --spec '${obs}': observables.1: ${allowed} (column 1)\n`,
    });
    // The flag's expression replaces the file's: its error is the flag's.
    expect(await fails(['basin', '--spec', expr, '--objective', 'x + bar', '--dry-run'])).toEqual({
      code: 2,
      stderr: `gdlab basin: --objective: unknown identifier 'bar'; allowed: x, y, pi, e; a parameter needs a value (column 5)\n`,
    });
  });

  it('bifurcation: the objective by its field', async () => {
    const spec = file('bif.json', { kind: 'bifurcation', objective: { expr: 'x^2 + foo' }, lr: 0.1 });
    expect(await fails(['bifurcation', '--spec', spec])).toEqual({
      code: 2,
      stderr: `gdlab bifurcation: --spec '${spec}': objective.expr: unknown identifier 'foo'; allowed: x, y, pi, e; a parameter needs a value (column 7)\n`,
    });
  });
});
