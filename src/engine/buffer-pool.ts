/**
 * Buffers allocated once and reused across runs: a released buffer is handed out again to the next
 * request of the same usage that it is large enough for (and not wastefully larger), so a lab that
 * recomputes maps of one size allocates nothing after its first run. New buffers are created inside
 * out-of-memory and validation scopes, so a grid too large for the device is reported as such.
 */
import { GpuError, mib } from './shader.ts';
import { scoped } from './error-scopes.ts';

export class BufferPool {
  private free: GPUBuffer[] = [];
  private live = new Set<GPUBuffer>();

  constructor(private readonly device: GPUDevice) {}

  /**
   * A buffer of at least `size` bytes (rounded to 16) with exactly `usage`: a released one when one
   * fits within twice the size, else a new one. `what` names the request in an out-of-memory error.
   */
  async acquire(label: string, size: number, usage: number, what: string): Promise<GPUBuffer> {
    const want = Math.max(16, Math.ceil(size / 16) * 16);
    let best = -1;
    this.free.forEach((b, i) => {
      if (
        b.usage === usage &&
        b.size >= want &&
        b.size <= 2 * want &&
        (best < 0 || b.size < this.free[best].size)
      )
        best = i;
    });
    if (best >= 0) {
      const [b] = this.free.splice(best, 1);
      this.live.add(b);
      return b;
    }
    const b = await createBuffer(this.device, { label, size: want, usage }, what, () => this.trim());
    this.live.add(b);
    return b;
  }

  /** Returns a buffer for reuse (buffers not from this pool are destroyed). */
  release(b: GPUBuffer): void {
    if (!this.live.delete(b)) {
      b.destroy();
      return;
    }
    this.free.push(b);
  }

  /** Destroys every released buffer (memory is needed elsewhere). */
  trim(): void {
    for (const b of this.free) b.destroy();
    this.free = [];
  }

  dispose(): void {
    this.trim();
    for (const b of this.live) b.destroy();
    this.live.clear();
  }
}

/**
 * Creates one buffer inside out-of-memory and validation scopes. On out-of-memory `retry` (freeing
 * cached buffers) runs and the allocation is tried once more before a GpuError says what failed.
 */
export async function createBuffer(
  device: GPUDevice,
  descriptor: GPUBufferDescriptor,
  what: string,
  retry?: () => void,
): Promise<GPUBuffer> {
  // Refused here in one line: Dawn reports a buffer over the limit as a validation error, with lines.
  if (descriptor.size > device.limits.maxBufferSize)
    throw new GpuError(
      'out-of-memory',
      what,
      `${mib(descriptor.size)} is above this device's largest buffer, ${mib(device.limits.maxBufferSize)}; use a smaller grid`,
    );
  for (let attempt = 0; ; attempt++) {
    const { value: b, errors } = scoped(device, () => device.createBuffer(descriptor));
    const { validation, oom } = await errors;
    if (!validation && !oom) return b;
    b.destroy();
    if (oom && retry && attempt === 0) {
      retry();
      continue;
    }
    if (oom)
      throw new GpuError(
        'out-of-memory',
        what,
        `${mib(descriptor.size)} could not be allocated: ${oom.message}`,
      );
    throw new GpuError('validation', what, validation!.message);
  }
}
