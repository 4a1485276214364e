/**
 * The hostile-input corpus of issue 12: every reproduction the issue lists and cases that passed
 * before, run through the CLI (tests/corpus/cli-cases.ts) and through the other entry points (links
 * and the lab's check). No case may hang (each has a time limit), print a stack trace, write raw
 * control characters, exit 0 without its answer checked, or take more than 1 GB of memory.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkSpec } from '../src/experiment/check.ts';
import { parseSpec, SpecError } from '../src/experiment/spec.ts';
import { specFromHash, specToHash } from '../src/experiment/url.ts';
import { ObjectiveError } from '../src/objective/types.ts';
import { checkSpec as labCheckSpec } from '../src/ui/shared/objective.ts';
import { CLI_CASES } from './corpus/cli-cases.ts';
import { HANG_SPEC, writeFixtures } from './corpus/fixtures.ts';
import { runInProcess, runSpawned, type CaseResult, type Job } from './corpus/harness.ts';
import { tempDir } from './helpers/cli.ts';

const MEMORY_LIMIT_MB = 1024;
const root = tempDir('gdlab-corpus-');
const fixtures = join(root, 'fixtures');
const caseDir = (id: string) => join(root, 'cases', id);
const results = new Map<string, CaseResult>();

beforeAll(async () => {
  mkdirSync(fixtures);
  writeFixtures(fixtures);
  const jobs: Job[] = [];
  for (const c of CLI_CASES) {
    mkdirSync(caseDir(c.id), { recursive: true });
    const args = c.args.map((a) => a.replaceAll('{fix}', fixtures).replaceAll('{out}', caseDir(c.id)));
    const limitMs = c.limitMs ?? 60_000;
    if (c.spawn) {
      const r = await runSpawned(c.id, args, { cwd: caseDir(c.id), limitMs, stdoutFile: c.spawn.stdoutFile });
      results.set(c.id, r);
    } else jobs.push({ id: c.id, args, cwd: caseDir(c.id), limitMs });
  }
  for (const [id, r] of await runInProcess(jobs)) results.set(id, r);
  const slowest = [...results.values()].sort((a, b) => b.ms - a.ms).slice(0, 3);
  const peak = Math.max(...[...results.values()].map((r) => r.maxRssMB).filter(Number.isFinite));
  console.log(
    `corpus: ${results.size} CLI cases; slowest ${slowest.map((r) => `${r.id} ${(r.ms / 1000).toFixed(1)} s`).join(', ')}; ` +
      `peak RSS ${peak.toFixed(0)} MB (2 shared cores: times are noisy)`,
  );
}, 600_000);

describe('CLI corpus', () => {
  it('lists every item of the issue', () => {
    expect(new Set(CLI_CASES.map((c) => c.issue))).toEqual(
      new Set(['1', '2', '3', '4', '5', '6', '7', 'kept']),
    );
    expect(new Set(CLI_CASES.map((c) => c.id)).size).toBe(CLI_CASES.length);
  });

  for (const c of CLI_CASES)
    it(`${c.id} (issue 12.${c.issue})`, () => {
      const r = results.get(c.id);
      expect(r, 'no result').toBeDefined();
      const what = `${c.id}: status ${r!.status}\nstderr: ${r!.stderr.slice(0, 2000)}`;
      expect(r!.status, what).toBe(c.status);
      // One line per message, never a stack trace, never an internal error.
      expect(r!.stderr, what).not.toMatch(/\n\s+at |internal error:|node:internal|^\s*\^\s*$/m);
      // Nothing from the user reaches the terminal as a control character.
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      expect(r!.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
      if (c.stderr) expect(r!.stderr, what).toMatch(c.stderr);
      if (c.status !== 0) expect(r!.stdout).toBe('');
      else expect(c.check, 'an exit 0 case must check its answer').toBeDefined();
      expect(r!.maxRssMB).toBeLessThan(MEMORY_LIMIT_MB);
      c.check?.(r!, { out: caseDir(c.id), results });
    });
});

function hash(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return '#s=' + Buffer.from(bytes).toString('base64url');
}

/** Links and lab edits meet the same checks as the CLI: the spec parser, then checkSpec. */
describe('links and the lab', () => {
  const both = (spec: ReturnType<typeof parseSpec>) => {
    let cli: unknown;
    let lab: unknown;
    try {
      checkSpec(spec);
    } catch (e) {
      cli = e;
    }
    try {
      labCheckSpec(spec);
    } catch (e) {
      lab = e;
    }
    expect((lab as Error | undefined)?.message).toBe((cli as Error | undefined)?.message);
    return cli as Error | undefined;
  };

  it('the GPU-hang objective opens, and its WGSL has no loop whose bound a user number sets', () => {
    const spec = specFromHash(specToHash(parseSpec(HANG_SPEC)))!;
    expect(both(spec)).toBeUndefined();
    const c = checkSpec(spec);
    expect(c.wgsl).not.toMatch(/\bloop\s*\{|\bwhile\b/);
    for (const m of c.wgsl.matchAll(/for \(([^)]*)\)/g)) expect(m[1]).toMatch(/< 32u;/);
    // (A^-2048)^1048576 = A^-2147483648 is past POWI_MAX: A^-2048 squared 20 times, in let statements.
    expect(c.wgsl).toMatch(/let (t\d+)p20 = \1p19 \* \1p19;/);
    expect(c.f([1, 2], c.paramValues)).toBe(3.5);
  });

  it('observables are compiled: a link with z or a parameter is refused', () => {
    const z = specFromHash(hash(JSON.stringify({ kind: 'bifurcation', ensemble: { observable: 'z' } })))!;
    expect(both(z)).toBeInstanceOf(SpecError);
    expect(both(z)!.message).toMatch(/ensemble\.observable: unknown identifier 'z'/);
    const basinZ = specFromHash(hash(JSON.stringify({ observables: ['z'] })))!;
    expect(both(basinZ)).toBeInstanceOf(ObjectiveError);
    const param = specFromHash(
      hash(
        JSON.stringify({
          kind: 'density',
          objective: { expr: 'x^2 + A*y', params: { A: 1 } },
          ensemble: { observable: 'A' },
        }),
      ),
    )!;
    expect(both(param)!.message).toMatch(/'A' is a parameter/);
  });

  it('Object.prototype names in a link are refused by name', () => {
    expect(() =>
      specFromHash(hash('{"objective":{"expr":"x^2*A+y","params":{"__proto__":1,"A":1}}}')),
    ).toThrow("objective.params: '__proto__' cannot be a parameter name");
    for (const quantity of ['toString', 'lr.__proto__', 'constructor']) {
      const spec = specFromHash(hash(JSON.stringify({ plane: { u: { quantity, min: 0.5, max: 1 } } })))!;
      expect(both(spec)!.message).toContain(`unknown quantity '${quantity}'`);
    }
    const expr = specFromHash(hash(JSON.stringify({ objective: { expr: 'x^2 + y^2*hasOwnProperty' } })))!;
    expect(both(expr)!.message).toMatch(/unknown identifier 'hasOwnProperty'/);
  });

  it('size limits come before parsing: long, deep and huge links are plain errors', () => {
    expect(() => specFromHash('#s=' + 'A'.repeat(40_000))).toThrow(/link: too long/);
    expect(() =>
      specFromHash(hash(JSON.stringify({ objective: { expr: 'x+'.repeat(2500) + 'y' } }))),
    ).toThrow(/objective\.expr: is too long \(at most 4000 characters\)/);
    const deep = specFromHash(
      hash(JSON.stringify({ objective: { expr: '('.repeat(500) + 'x' + ')'.repeat(500) } })),
    )!;
    expect(both(deep)!.message).toMatch(/nested too deeply/);
    expect(() => specFromHash('#s=%%%')).toThrow(SpecError);
  });

  it('exponents beyond i32 keep their value through a link', () => {
    const spec = specFromHash(hash(JSON.stringify({ objective: { expr: '(x^1048576)^4096 + y^2' } })))!;
    const c = checkSpec(spec);
    expect(c.f([2, 0], c.paramValues)).toBe(Infinity);
    expect(c.f([1, 0], c.paramValues)).toBe(1);
    expect(c.f([0.5, 0], c.paramValues)).toBe(0);
  });
});
