/**
 * A basin map over the two per-coordinate rates (h_x, h_y) of x²/2 + y²/2 from (1, 1), as the
 * quadratic-2d preset opens: the spec of the browser tests that check how a rate per coordinate is
 * written (panels, axis titles, readouts, exports). Tests set the grid they need.
 */
export function ratesSpec(size: [number, number]) {
  return {
    objective: { expr: '(x^2 + y^2)/2', preset: 'quadratic-2d', params: {} },
    x0: [1, 1],
    lrPerCoord: [0.5, 0.25],
    plane: {
      u: { quantity: 'lr.x', min: 0.05, max: 2.2 },
      v: { quantity: 'lr.y', min: 0.05, max: 2.2 },
    },
    size,
    iterations: 100,
    transient: 50,
  };
}
