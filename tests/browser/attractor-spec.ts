/**
 * The lab's attractor view in the browser tests: the coupled wells' strange attractor at h = 1.4
 * (tests/attractor-fixtures.ts has the physics) on 64 × 64 bins, 128 starts × 300 kept steps.
 */
export const COUPLED = {
  kind: 'attractor',
  objective: {
    expr: '((x^2 - 1)^2 + (y^2 - 1)^2)/4 + c*(x - y)^2/2',
    preset: 'coupled-wells',
    params: { c: 0.1 },
  },
  lr: 1.4,
  x0: [0.75, 0.75],
  size: [64, 64],
  transient: 200,
  iterations: 500,
  ensemble: {
    samples: 128,
    box: { min: [0.3, 0.3], max: [1.2, 1.2] },
    keep: 300,
    observable: 'x',
    bins: 100,
    range: null,
  },
  attractor: { u: 'x', v: 'y', uRange: null, vRange: null },
};
