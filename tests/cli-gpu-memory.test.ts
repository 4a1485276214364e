/**
 * The GPU engine's refusal of memory (GpuError 'out-of-memory', as BufferPool throws it) ends a
 * command as the CPU engine's does (CpuMemoryError): exit status 1 and one line naming what could not
 * be allocated, no stack and no "internal error". A real out-of-memory is not provoked (the device
 * would have to run out), so the command is replaced by one that throws what the pool throws.
 * A validation error stays an internal error (3): that one is a bug. Two refusals are real: a density
 * over the device's storage binding limit (a child process, refused before any buffer is made), and a
 * buffer over its maxBufferSize, refused by createBuffer before Dawn's validation error.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.ts';
import { GpuError } from '../src/engine/shader.ts';
import { createBuffer } from '../src/engine/buffer-pool.ts';
import { runCli } from './helpers/cli.ts';
import { withDevice } from './helpers/gpu.ts';

const thrown = vi.hoisted(() => ({ error: null as unknown }));
vi.mock('../src/cli/attractor.ts', () => ({
  help: '',
  run: async () => {
    throw thrown.error;
  },
}));

async function exit(error: unknown): Promise<{ status: number; stderr: string }> {
  thrown.error = error;
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { status: await main(['attractor', '--lr', '1']), stderr };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => {
  delete process.env.GDLAB_DEBUG;
});

describe('gdlab and the GPU engine out of memory', () => {
  it('exits 1 with one line, as the CPU engine’s refusal does', async () => {
    // Dawn's message goes on with the call it failed in: the first line says what failed.
    const dawn =
      'Out of memory.\n - While calling [Device].CreateBuffer([BufferDescriptor "GpuEnsembleEngine.counts"]).';
    const r = await exit(
      new GpuError(
        'out-of-memory',
        'allocating GpuEnsembleEngine.counts',
        `4096.0 MiB could not be allocated: ${dawn}`,
      ),
    );
    expect(r.stderr).toBe(
      'gdlab attractor: out-of-memory error while allocating GpuEnsembleEngine.counts: 4096.0 MiB could ' +
        'not be allocated: Out of memory.\n',
    );
    expect(r.status).toBe(1);
    // GDLAB_DEBUG shows a bug's stack; a refusal has none to show.
    process.env.GDLAB_DEBUG = '1';
    expect((await exit(new GpuError('out-of-memory', 'planning tiles', 'one row is too wide'))).stderr).toBe(
      'gdlab attractor: out-of-memory error while planning tiles: one row is too wide\n',
    );
  });

  it('leaves a validation error an internal error', async () => {
    const r = await exit(new GpuError('validation', 'creating a pipeline', 'bad binding'));
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(
      /^gdlab attractor: internal error: GpuError: validation error while creating a pipeline/,
    );
  });

  it('refuses a density over the storage binding limit in one line, exit 1', async () => {
    // 16384 × 16384 counts and a row of column totals: just over 1 GiB, the Node device's binding limit.
    const args = ['bifurcation', '--objective', 'double-well', '--columns', '16384', '--rows', '16384'];
    const run = runCli([...args, '--samples', '1', '--transient', '10', '--keep', '10', '--engine', 'gpu'], {
      timeout: 60_000,
    });
    const e = (await run.then(
      () => null,
      (err: unknown) => err,
    )) as { code: number; stderr: string } | null;
    expect(e?.code).toBe(1);
    expect(e?.stderr).toMatch(
      /^gdlab bifurcation: out-of-memory error while planning the density: a 16384 × 16384 density needs 1024\.1 MiB of counts, above this device's storage binding limit of \d+\.\d MiB; use a smaller size\n$/,
    );
  });

  it('refuses a buffer over maxBufferSize before Dawn does', async () => {
    await withDevice(async (device) => {
      const size = device.limits.maxBufferSize + 4;
      const made = createBuffer(device, { size, usage: GPUBufferUsage.STORAGE }, 'allocating a test buffer');
      await expect(made).rejects.toThrow(
        /^out-of-memory error while allocating a test buffer: \d+\.\d MiB is above this device's largest buffer, \d+\.\d MiB; use a smaller grid$/,
      );
      await expect(made).rejects.toMatchObject({ name: 'GpuError', kind: 'out-of-memory' });
    });
  });
});
