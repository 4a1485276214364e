/**
 * `gdlab bench` end to end on a small grid: its three workloads and what each measured, as JSON.
 * Nothing here asserts a speed (a timed test on a shared machine could only flake); it asserts that
 * every kind ran the workload it names, and that the engine agreed with itself (bench-agreement.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { cpuBenchLines } from '../src/cli/bench-cpu.ts';
import { runCli, tempDir } from './helpers/cli.ts';

describe('gdlab bench', () => {
  test('throughput, latency and divergent workloads, each kind against the bare kernel', async () => {
    const out = join(tempDir('gdlab-bench-'), 'results.json');
    const args = ['bench', '--size', '48', '--iters', '60', '--latency-iters', '20', '--repeat', '1'];
    const { stdout } = await runCli([...args, '--cpu-size', '0', '--cpu-engine-size', '16', '--out', out], {
      timeout: 120_000,
    });
    expect(stdout).toMatch(/divergent: 48×48 × 60 iterations/);
    const r = JSON.parse(readFileSync(out, 'utf8'));
    const { throughput, latency, divergent } = r.workloads;
    expect([throughput.iterations, latency.iterations, divergent.iterations]).toEqual([60, 20, 60]);
    expect(throughput.steps).toBe(48 * 48 * 60);
    // The bounded plane: every start stays bounded; the divergent one: many diverge, not all.
    expect(throughput.bounded).toBe(48 * 48);
    expect(latency.bounded).toBe(48 * 48);
    expect(divergent.bounded).toBeGreaterThan(0.4 * 48 * 48);
    expect(divergent.bounded).toBeLessThan(0.8 * 48 * 48);
    // At least --repeat rounds, more for a workload whose rounds are short (within 10 s, at most 3×):
    // a 48² latency round takes a fraction of a second.
    // Adam's kinds run in rounds of their own on the bounded workloads (none on the divergent one).
    for (const w of [throughput, latency, divergent]) {
      expect(w.rounds).toBeGreaterThanOrEqual(1);
      expect(w.rounds).toBeLessThanOrEqual(3);
      const adam = w === divergent ? '' : `, Adam's of ${w.adam_rounds}`;
      expect(stdout).toContain(
        `${w.iterations} iterations (bounded ${w.bounded} of 2304; fastest of ${w.rounds} rounds${adam})`,
      );
    }
    expect(latency.rounds).toBe(3);
    expect(latency.adam_rounds).toBe(3);
    expect(throughput.adam_rounds).toBeGreaterThanOrEqual(1);
    expect(throughput.adam_rounds).toBeLessThanOrEqual(3);
    expect(divergent.adam_rounds).toBeUndefined();
    const kinds = ['engine', 'engine_records', 'engine_counts', 'engine_lyapunov', 'adam', 'adam_lyapunov'];
    for (const [name, w, expected] of [
      ['throughput', throughput, kinds],
      ['latency', latency, kinds],
      ['divergent', divergent, kinds.slice(0, 4)],
    ] as const) {
      expect(Object.keys(w.ratios), name).toEqual(expected.map((k) => `${k}_over_bare`));
      for (const k of [...expected, 'bare']) {
        expect(w[k].ms, `${name} ${k}`).toBeGreaterThan(0);
        // Every pixel's N steps per second, over the time (which the JSON rounds to 0.01 ms).
        expect(Math.abs((1000 * w.steps) / w[k].steps_per_s - w[k].ms), `${name} ${k}`).toBeLessThan(0.0051);
      }
      for (const v of Object.values(w.ratios)) expect(v).toBeGreaterThan(0);
      // The untimed checks ran, with and without the exponent, and held.
      expect(Object.keys(w.agreement), name).toEqual(['engine', 'engine_lyapunov']);
      for (const a of Object.values(w.agreement))
        expect(a, name).toEqual({
          size: [48, 48],
          stats_equal_readback: true,
          summary_counts_equal: true,
          outcome_picture_equal: true,
          chunked: { iterations_per_dispatch: 7, pixels_per_dispatch: 65536, differing_pixels: 0 },
          differing_outcomes: 0,
        });
    }
    expect(stdout.match(/agreement \(48×48\): .* bit for bit yes/g)).toHaveLength(6);
    expect(divergent.adam).toBeUndefined();
    // Rule 3's divisor test, replayed by the escape pass (whole) and by the kernel (chunked), in 700
    // steps and in 20 (where the whole run's escape pass runs because the statistics count candidates).
    for (const [key, chunk, line] of [
      ['doublings_agreement', 97, /doublings .* agreement \(48×6\): .* bit for bit yes/],
      ['doublings_short_agreement', 7, /doublings in 20 steps .* agreement \(48×6\): .* bit for bit yes/],
    ] as const) {
      expect(r[key], key).toEqual({
        size: [48, 6],
        stats_equal_readback: true,
        summary_counts_equal: true,
        outcome_picture_equal: true,
        chunked: { iterations_per_dispatch: chunk, pixels_per_dispatch: 65536, differing_pixels: 0 },
        differing_outcomes: 0,
      });
      expect(stdout).toMatch(line);
    }
    // The CPU engine's section at 16²: its basin rates and the diagram it times, each a positive figure
    // that the printed lines repeat.
    const cpu = r.cpu_engine;
    expect(cpu.size).toEqual([16, 16]);
    for (const k of ['one_thread', 'all_threads', 'adam_one_thread', 'adam_all_threads'])
      for (const v of [cpu[`${k}_steps_per_s`], cpu[`${k}_lyapunov_steps_per_s`]])
        expect(v, k).toBeGreaterThan(0);
    const d = cpu.diagram;
    expect([d.size, d.samples, d.iterations, d.keep]).toEqual([[16, 16], 16, 500, 200]);
    for (const k of ['one_thread_ms', 'one_thread_lyapunov_ms', 'all_threads_ms', 'all_threads_lyapunov_ms'])
      expect(d[k], k).toBeGreaterThan(0);
    expect(stdout).toContain(`a diagram of (1 - xy)²/2, 16 columns × 16 samples × (300 + 200 kept):`);
    // The printed section is the JSON's figures, laid out by cpuBenchLines (tests/bench-cpu-lines.test.ts).
    expect(stdout).toContain(`\n${cpuBenchLines(cpu).join('\n')}\n`);
  });

  test('refuses a workload out of bounds before any runs, naming its flag', async () => {
    // --cpu-size 100000 was refused after the GPU workloads had run (26 s here).
    const out = join(tempDir('gdlab-bench-'), 'results.json');
    const err = await runCli([
      'bench',
      '--size',
      '8',
      '--iters',
      '20',
      '--cpu-size',
      '100000',
      '--out',
      out,
    ]).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect(err).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        'gdlab bench: invalid experiment spec:\n  --cpu-size (size.0): must be at most 16384\n  --cpu-size (size.1): must be at most 16384\n',
    });
  });

  test('bounds --repeat', async () => {
    // A billion rounds of an 8² grid ran for good.
    const err = await runCli(['bench', '--repeat', '1000000000', '--out', '/dev/null']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(err).toMatchObject({
      code: 2,
      stderr: 'gdlab bench: --repeat: at most 100 rounds (got 1000000000)\n',
    });
  });
});
