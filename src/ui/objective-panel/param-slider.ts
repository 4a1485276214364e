/** The range of a parameter's slider, which is re-centred on the value after each change. */
export interface SliderSpan {
  min: number;
  max: number;
  step: number;
}

/**
 * Twice the value's size: from 0 for a positive value, either side of 0 for a negative one. A value
 * of 0 has no size to scale by (the span was [0, 0.001], too short to reach any useful value and with
 * no negative side), so it gets [-1, 1].
 */
export function sliderSpan(value: number): SliderSpan {
  if (value === 0) return { min: -1, max: 1, step: 0.01 };
  const span = Math.max(Math.abs(value) * 2, 1e-3);
  return { min: value > 0 ? 0 : -span, max: span, step: span / 200 };
}
