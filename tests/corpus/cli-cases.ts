/**
 * The CLI corpus of issue 12: every reproduction the issue lists, with the outcome it must have now,
 * and cases that passed before (so they keep passing). Arguments are written as a command line
 * (single quotes group words); `{fix}` is the fixtures folder (fixtures.ts), `{out}` the case's own
 * empty folder, also its working directory. A case that exits 0 must say in `check` what its answer
 * is; every case is also checked for a stack trace, raw control characters, its time limit and peak
 * memory (corpus.test.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { readSpecFromPng } from '../../src/experiment/png.ts';
import { parseSpec } from '../../src/experiment/spec.ts';
import type { CaseResult } from './harness.ts';

export interface CaseContext {
  /** The case's own folder (its working directory). */
  out: string;
  /** Results of every case, for cross-checks (GPU against CPU). */
  results: Map<string, CaseResult>;
}

export interface CliCase {
  id: string;
  /** The item of issue 12 it reproduces ('1'…'7'), or 'kept' for a case that passed before. */
  issue: string;
  args: string[];
  status: number;
  /** What stderr must say (errors name the flag or file and the reason). */
  stderr?: RegExp;
  /** Assertions on the answer (required for status 0). */
  check?: (r: CaseResult, ctx: CaseContext) => void;
  /** Its own process: stdout redirected to this file, or the exit status through bin/gdlab.js. */
  spawn?: { stdoutFile?: string };
  /** Time limit (default 60 s; a hang is what this catches). */
  limitMs?: number;
}

/** Words of a command line: spaces separate, single quotes group (no escapes needed here). */
export function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

const json = (r: CaseResult) => JSON.parse(r.stdout);
const fileJson = (ctx: CaseContext, name: string) => JSON.parse(readFileSync(join(ctx.out, name), 'utf8'));
const total = (c: Record<string, number> & { periodic: Record<string, number> }) =>
  c.diverged + c.escaping + c.converged + c.chaotic + c.unsettled + Object.values(c.periodic).reduce((a, b) => a + b, 0);
/** The case's folder holds no file (no partial output left behind). */
const nothingWritten = (_r: CaseResult, ctx: CaseContext) =>
  expect(readdirSync(ctx.out).filter((f) => f !== '.maxrss')).toEqual([]);
const sameCounts = (other: string) => (r: CaseResult, ctx: CaseContext) => {
  expect(total(json(r).counts)).toBe(64);
  expect(json(r).counts).toEqual(json(ctx.results.get(other)!).counts);
};

const HANG = "basin --objective 'x^2/2 + y^2/2 + (A^-2048)^1048576' --param A=1 --lr 1.1 --size 8x8 --iters 20";
const EXP = "basin --objective '(x^1048576)^4096' --plane x,lr --x 0.5:2 --lr 0.1:0.2 --size 8x8 --iters 5";
const DW = 'bifurcation --objective double-well --columns 8 --rows 8 --samples 4 --transient 50 --keep 50';
const MS = 'density --objective multiscale --samples 8 --transient 50 --keep 50 --bins 10';
const Q2 = 'basin --objective quadratic-2d --size 8x8 --iters 20';
const TRAJ = '--lr 0.1 --x0 1 --iters 3';
const sum = (n: number) => Array.from({ length: n }, () => 'x').join('+');

type Row = [id: string, issue: string, line: string, status: number, stderr?: RegExp, check?: CliCase['check']];
const rows: Row[] = [
  // 1. A 40-character expression hung the GPU for good (abs(-2^31) in the exponent loop).
  ['hang-cpu', '1', `${HANG} --engine cpu`, 0, undefined, (r) => expect(total(json(r).counts)).toBe(64)],
  ['hang-gpu', '1', `${HANG} --engine gpu`, 0, undefined, sameCounts('hang-cpu')],
  ['hang-spec-json', '1', 'basin --spec {fix}/hang.json', 0, undefined, sameCounts('hang-cpu')],
  ['hang-spec-png', '1', 'basin --spec {fix}/hang.png', 0, undefined, sameCounts('hang-cpu')],

  // 2. Exponents beyond i32: 2^32 became 0 (f = 1), 2^31 gave f = 0, the GPU a ShaderCompileError.
  // f(2) = 2^(2^32) = +∞ (written as null) and the first step escapes.
  ...(['4096', '2048'] as const).map(
    (n): Row => [`exponent-x${n}`, '2', `trajectory --objective '(x^1048576)^${n}' --lr 0.1 --x0 2 --iters 3`, 0, undefined,
      (r) => {
        expect(json(r).f[0]).toBeNull();
        expect(json(r).outcome).toMatchObject({ name: 'diverged', iter: 1 });
      }],
  ),
  ['exponent-at-1', '2', `trajectory --objective '(x^1048576)^4096' ${TRAJ}`, 0, undefined, (r) => expect(json(r).f[0]).toBe(1)],
  // x < 1: f and ∇f are 0 and GD stays (3 columns); x > 1: f = ∞ and the first step escapes (5).
  ['exponent-cpu-basin', '2', `${EXP} --engine cpu`, 0, undefined, (r) => expect(json(r).counts).toMatchObject({ diverged: 40, converged: 24 })],
  ['exponent-gpu-basin', '2', `${EXP} --engine gpu`, 0, undefined, sameCounts('exponent-cpu-basin')],

  // 3. Observables were never compiled: a NaN histogram with exit 0, or a RangeError stack trace.
  ['observable-z-gpu', '3', `${DW} --observable z`, 2, /--observable \(ensemble\.observable\): unknown identifier 'z'; allowed: x, pi, e/],
  ['observable-z-cpu', '3', `${DW} --observable z --engine cpu`, 2, /--observable \(ensemble\.observable\): unknown identifier 'z'/],
  ['observable-parameter', '3', `${MS} --observable A --engine cpu`, 2, /'A' is a parameter, constant along every trajectory/],
  ['observable-y-in-1d', '3', `${DW} --observable y --engine cpu`, 2, /'y' is not a variable of this objective \(its variables: x\)/],
  ['observable-in-spec', '3', 'basin --spec {fix}/observable-z.json', 2, /observable-z\.json': observables\.0: unknown identifier 'z'/],
  // At 0.4 ≤ h ≤ 0.6 the double well contracts to x = ±1 by |1 - 2h| ≤ 0.2 a step: x² = 1.
  ['observable-expression', 'kept', `${DW} --lr 0.4:0.6 --observable x^2 --engine cpu`, 0, undefined,
    (r) => json(r).columns.forEach((c: { min: number }) => expect(c.min).toBeCloseTo(1, 6))],

  // 4. Stack traces on output errors and long input.
  ...[Q2, DW, MS].map((cmd): Row => [`png-missing-folder-${cmd.split(' ')[0]}`, '4', `${cmd} --engine cpu --png {out}/missing/x.png`, 1,
    /--png: cannot write '.*\/missing\/x\.png': no such file or directory \(ENOENT\)/, nothingWritten]),
  ['json-dev-full', '4', `${Q2} --engine cpu --json /dev/full`, 1, /cannot write '\/dev\/full': no space left on device \(ENOSPC\)/],
  ['png-dev-full', '4', `${Q2} --png /dev/full`, 1, /cannot write '\/dev\/full': no space left on device \(ENOSPC\)/],
  ['gallery-dev-full', '4', 'gallery --out /dev/full/x', 1, /cannot create the folder '\/dev\/full\/x': not a directory \(ENOTDIR\)/],
  ['stdout-dev-full', '4', 'trajectory --objective quadratic', 1, /^gdlab: cannot write to standard output: no space left on device \(ENOSPC\)\n$/],
  ['sum-of-4000-terms', '4', `trajectory --objective ${sum(4000)} ${TRAJ}`, 2, /expression too long: 7999 characters \(at most 4000\)/],
  ['parentheses-2000', '4', `trajectory --objective ${'('.repeat(2000)}x${')'.repeat(2000)} ${TRAJ}`, 2, /expression too long: 4001 characters/],
  ['parentheses-150', '4', `trajectory --objective ${'('.repeat(150)}x${')'.repeat(150)} ${TRAJ}`, 2,
    /nested too deeply \(more than 100 levels of parentheses and signs\) \(column 101\)/],
  ['signs-3000', '4', `trajectory --objective ${'-'.repeat(3000)}x ${TRAJ}`, 2, /nested too deeply/],
  ['sum-of-1999-terms', '4', `trajectory --objective ${sum(1999)} ${TRAJ}`, 0, undefined, (r) => expect(json(r).f[0]).toBe(1999)],

  // 5. Names of Object.prototype: dropped (NaN everywhere) or taken for constants.
  ['param-proto-basin', '5', "basin --objective 'x^2*__proto__ + y^2' --param __proto__=1 --size 8x8", 2, /--param: '__proto__' cannot be a parameter name/],
  ['ident-proto', '5', `trajectory --objective x^2*__proto__ ${TRAJ}`, 2, /'__proto__' is a reserved name/],
  ...['toString', 'constructor', 'valueOf', 'hasOwnProperty'].map((name): Row => [`ident-${name}`, '5', `trajectory --objective x^2*${name} ${TRAJ}`, 2,
    new RegExp(`unknown identifier '${name}'; allowed: x, y, pi, e; a parameter needs a value \\(column 5\\)`)]),
  ['ident-valueOf-gpu', '5', "basin --objective 'x^2 + y^2*valueOf' --size 8x8", 2, /unknown identifier 'valueOf'/],
  ['param-toString', '5', `trajectory --objective toString*x^2 --param toString=2 ${TRAJ}`, 0, undefined, (r) => expect(json(r).f[0]).toBe(2)],
  ['command-toString', '5', 'toString', 2, /^gdlab: unknown command 'toString'/],
  ['preset-constructor', '5', `trajectory --objective constructor ${TRAJ}`, 2, /unknown identifier 'constructor'/],
  ['gallery-entry-valueOf', '5', 'gallery valueOf --out g', 2, /no gallery entry 'valueOf'; entries: regimes/],
  ['spec-plane-toString', '5', 'basin --spec {fix}/plane-tostring.json', 2, /plane\.u: unknown quantity 'toString'; allowed: x, y, lr/],
  ['spec-plane-lr-proto', '5', 'basin --spec {fix}/plane-lr-proto.json', 2, /plane\.u: unknown quantity 'lr\.__proto__'/],
  ['spec-param-proto', '5', 'basin --spec {fix}/param-proto.json', 2, /objective\.params: '__proto__' cannot be a parameter name/],

  // 6. Memory and time without bounds.
  ['spec-dev-zero', '6', 'basin --spec /dev/zero', 2, /--spec '\/dev\/zero': larger than 16 MB, too large for a spec JSON file/],
  // The spec is read from the chunk list; the pixels the header claims are never decoded.
  ...['huge-header', '8000'].map((name): Row => [`png-${name}`, '6', `basin --spec {fix}/${name}.png --engine cpu`, 0, undefined,
    (r) => expect(json(r)).toMatchObject({ size: [8, 8], spec: { iterations: 20 } })]),
  ['png-50MB-text', '6', 'basin --spec {fix}/big-text.png', 2, /the 'gdlab-spec' chunk has 50000071 bytes \(at most 65536\)/],
  ['png-bad-crc', '6', 'basin --spec {fix}/bad-crc.png', 2, /chunk tEXt has a wrong CRC/],
  ['png-truncated', '6', 'basin --spec {fix}/truncated.png', 2, /png: (chunk \w+ is truncated|no IEND chunk)/],
  ...['cpu', 'gpu'].map((engine): Row => [`largest-run-${engine}`, '6',
    `basin --objective mf-scalar --size 4096x4096 --iters 20000 --engine ${engine} --max-seconds 2 --png {out}/big.png`, 1,
    /stopped after .*; nothing was written/, nothingWritten]),
  ['trajectory-8d-flows', '6', 'trajectory --objective x1^2+x8^2 --lr 0.1 --x0 1,1,1,1,1,1,1,1 --iters 1000000 --flows gf,me1,me2', 2,
    /--iters: 1000000 steps of 8 coordinates with 3 flows would write 35000035 numbers, more than the 5000000 allowed; lower --iters to at most 142856 or drop --flows\n$/],
  ['trajectory-max-seconds', '6', 'trajectory --objective quadratic --iters 1000000 --max-seconds 0.001', 1,
    /this trajectory would take about .*, more than --max-seconds 0\.001; nothing was computed/],

  // 7. Unclear messages.
  ['unknown-preset', '7', 'basin --objective no-such-preset', 2,
    /--objective: 'no-such-preset' is not a preset \(presets: quadratic, .*\); read as an expression: unknown identifier 'no'/],
  ['misspelt-preset', '7', 'basin --objective double_well', 2,
    /--objective: 'double_well' is not a preset \(did you mean double-well\?\); read as an expression: unknown identifier 'double_well'/],
  ['misspelt-flag', '7', 'trajectory --objective quadratic --iter 5', 2,
    /Unknown option '--iter' \(did you mean --iters\? see gdlab trajectory --help\)/],
  ['gallery-positional', '7', 'gallery regimes --out regimes --no-checks --max-side 8 --engine cpu', 0, undefined,
    (_r, ctx) => expect(readSpecFromPng(readFileSync(join(ctx.out, 'regimes', 'regimes.png'))).kind).toBe('basin')],
  ['escape-byte', '7', `trajectory --objective x\u001b[31m^2 ${TRAJ}`, 2, /Unexpected "\\x1b" \(column 2\)/],
  ['flag-twice', '7', 'trajectory --objective quadratic --lr 0.1 --lr 0.2', 2, /--lr is given twice \('--lr 0\.1' and '--lr 0\.2'\); give it once/],
  ['param-twice', '7', 'trajectory --objective multiscale --param A=1 --param A=2', 2, /--param: A is given twice \('1' and '2'\)/],
  ['hex-number', '7', 'trajectory --objective quadratic --lr 0x10', 2, /--lr: '0x10' is not a decimal number/],
  ['expression-with-minus', '7', "trajectory --objective -x^2/2+x^4 --lr 0.1 --x0 0.5 --iters 3", 0, undefined, (r) => expect(json(r).f[0]).toBe(-0.0625)],
  ['misspelt-field', '7', 'basin --spec {fix}/misspelt.json', 2, /misspelt\.json': unknown field "iteratons" \(did you mean "iterations"\?\)/],
  ['byte-order-mark', '7', 'basin --spec {fix}/bom.json --engine cpu', 0, undefined,
    (r) => expect(parseSpec(json(r).spec)).toMatchObject({ size: [8, 8], iterations: 20, transient: 10 })],
  ...['trajectory --objective quadratic', `${Q2} --engine cpu`, `${DW} --engine cpu`, `${MS} --engine cpu`].map((cmd): Row => [
    `json-dash-${cmd.split(' ')[0]}`, '7', `${cmd} --json -`, 0, undefined, (r, ctx) => {
      expect(json(r).spec.objective.expr).toMatch(/x/);
      expect(existsSync(join(ctx.out, '-'))).toBe(false);
    }]),

  // Cases that passed before, kept passing.
  ['help', 'kept', 'basin --help', 0, undefined, (r) => expect(r.stdout).toContain('--max-seconds S')],
  ['unknown-command', 'kept', 'frobnicate', 2, /^gdlab: unknown command 'frobnicate'/],
  // x_k = (1 - h)^k x0 = (-0.5)^k: converged, λ = log 0.5.
  ['trajectory-preset', 'kept', 'trajectory --objective quadratic --lr 1.5 --x0 1 --iters 60 --json q.json', 0, undefined, (_r, ctx) => {
    const out = fileJson(ctx, 'q.json');
    expect(out.iterates[3][0]).toBe(-0.125);
    expect(out.outcome).toMatchObject({ name: 'converged', period: 1 });
    expect(out.outcome.lyapunov).toBeCloseTo(Math.log(0.5), 6);
  }],
  // h = 1.5 < 2 on (x² + y²)/2: every start converges to 0.
  ['basin-gpu-png', 'kept', 'basin --objective quadratic-2d --plane x,y --lr 1.5 --x -1:1 --y -1:1 --size 8x8 --iters 200 --png q.png --json q.json', 0,
    undefined, (_r, ctx) => {
      expect(fileJson(ctx, 'q.json').counts.converged).toBe(64);
      expect(readSpecFromPng(readFileSync(join(ctx.out, 'q.png'))).lr).toBe(1.5);
    }],
  ['bin-exit-status', 'kept', 'trajectory --objective quadratic --lr abc', 2, /^gdlab trajectory: --lr: 'abc' is not a decimal number \(e\.g\. 0\.5, -2, 1e-3\)\n$/],
  // h = 0.5 on (x² - 1)²/4 converges to the minimum at x = 1.
  ['bin-success', 'kept', 'trajectory --objective double-well --lr 0.5 --x0 0.5 --iters 200', 0, undefined,
    (r) => expect(json(r).iterates.at(-1)[0]).toBeCloseTo(1, 6)],
];

/** Cases that need their own process, and what for. */
const SPAWN: Record<string, CliCase['spawn']> = {
  'stdout-dev-full': { stdoutFile: '/dev/full' },
  'bin-exit-status': {},
  'bin-success': {},
};

export const CLI_CASES: CliCase[] = rows.map(([id, issue, line, status, stderr, check]) => ({
  id,
  issue,
  args: words(line),
  status,
  stderr,
  check,
  spawn: SPAWN[id],
}));
