/**
 * WebGPU error scopes that cannot catch another caller's errors. A device has one stack of scopes, so
 * a scope left open across an `await` also catches the errors of whatever else runs meanwhile: two
 * modules compiled at once (the basin kernel and the reduction) each reported the other's compile
 * error, under the wrong label. `scoped` pushes its scopes, makes the synchronous calls and pops them
 * before anything is awaited.
 */

/** What a scoped call raised: a validation error, an out-of-memory error, or neither. */
export interface ScopedErrors {
  validation: GPUError | null;
  oom: GPUError | null;
}

/**
 * Runs `make` (synchronous WebGPU calls) inside an out-of-memory and a validation scope, both popped
 * before this returns; `errors` settles with what they caught.
 */
export function scoped<T>(device: GPUDevice, make: () => T): { value: T; errors: Promise<ScopedErrors> } {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let value: T;
  let validation: Promise<GPUError | null>;
  let oom: Promise<GPUError | null>;
  try {
    value = make();
  } finally {
    // Popped in the same turn as the pushes, validation (the inner scope) first.
    validation = device.popErrorScope();
    oom = device.popErrorScope();
  }
  return { value, errors: Promise.all([validation, oom]).then(([v, o]) => ({ validation: v, oom: o })) };
}
