/**
 * The CPU section of `gdlab bench` as printed (cpuBenchLines), from a made-up result: its rows line
 * up, labels in one column and each figure right-aligned in its own, whatever the thread count.
 */
import { describe, expect, it } from 'vitest';
import { cpuBenchLines, type CpuBench } from '../src/cli/bench-cpu.ts';

function bench(threads: number): CpuBench {
  return {
    threads,
    size: [256, 256],
    iterations: 500,
    one_thread_steps_per_s: 9.5e6,
    one_thread_lyapunov_steps_per_s: 4.2e6,
    all_threads_steps_per_s: 18.7e6,
    all_threads_lyapunov_steps_per_s: 8.1e6,
    adam_one_thread_steps_per_s: 123.4e6,
    adam_one_thread_lyapunov_steps_per_s: 1.5e9,
    adam_all_threads_steps_per_s: 7.2e6,
    adam_all_threads_lyapunov_steps_per_s: 3.3e6,
    diagram: {
      size: [256, 256],
      samples: 256,
      iterations: 500,
      keep: 200,
      one_thread_ms: 812.3,
      one_thread_lyapunov_ms: 1020.44,
      all_threads_ms: 42.08,
      all_threads_lyapunov_ms: 530.2,
    },
  };
}

describe('cpuBenchLines', () => {
  it('aligns the Adam rows with the others (one space short on "Adam, 2 threads")', () => {
    expect(cpuBenchLines(bench(2))).toEqual([
      '  CPU engine (f64, WebAssembly), 256×256 × 500:',
      '    1 thread               9.5 Msteps/s   with Lyapunov  4.2 Msteps/s',
      '    2 threads             18.7 Msteps/s   with Lyapunov  8.1 Msteps/s   (1.97× one thread)',
      '    Adam, 1 thread       123.4 Msteps/s   with Lyapunov 1.50 Gsteps/s',
      '    Adam, 2 threads        7.2 Msteps/s   with Lyapunov  3.3 Msteps/s',
      '  CPU engine, a diagram of (1 - xy)²/2, 256 columns × 256 samples × (300 + 200 kept):',
      '    1 thread             812.3 ms   with Lyapunov 1020.4 ms',
      '    2 threads             42.1 ms   with Lyapunov  530.2 ms',
    ]);
  });

  it('keeps every column in place for any thread count, and says "1 thread" of one', () => {
    for (const threads of [1, 2, 16, 128]) {
      const lines = cpuBenchLines(bench(threads));
      for (const section of [lines.slice(1, 5), lines.slice(6, 8)])
        for (const mark of ['steps/s', ' with Lyapunov ', ' ms'])
          for (const at of [(l: string) => l.indexOf(mark), (l: string) => l.lastIndexOf(mark)])
            expect(new Set(section.map(at)).size, `${threads} threads: '${mark}'`).toBe(1);
      expect(lines[4]).toMatch(
        threads === 1 ? /^ {4}Adam, 1 thread {2,}\d/ : /^ {4}Adam, \d+ threads {2,}\d/,
      );
    }
  });
});
