/**
 * What the basin map and the ensemble views draw alike around their pictures: the margins, the
 * styles of the frame, axes, readout and zoom box, the ticks and labels of a view, and
 * where a computed picture's own window lies within the view on screen (so a stale picture stays in
 * place while the new one computes).
 */
import { css, nothing, svg } from 'lit';
import { labelRuns, SUB_DROP, SUB_SIZE, type CanvasLabel } from './canvas-text.ts';
import { formatTicks, niceTicks } from './ticks.ts';
import { planeToScreen, type Size, type View } from './view.ts';

/** Room around the drawing area for tick labels (left, bottom) and axis labels, in CSS pixels. */
export const PLOT_MARGIN = { left: 64, bottom: 46, top: 8, right: 12 };

export const plotStyles = css`
  :host {
    display: block;
    position: relative;
    user-select: none;
    font:
      12px/1.3 system-ui,
      sans-serif;
    color: var(--gd-fg, #222);
  }
  .frame {
    position: relative;
  }
  canvas {
    position: absolute;
    image-rendering: pixelated;
    pointer-events: none;
  }
  svg {
    position: absolute;
    left: 0;
    top: 0;
    overflow: visible;
    pointer-events: none;
  }
  .axis text {
    fill: currentColor;
    font-size: 11px;
  }
  .axis line {
    stroke: currentColor;
  }
  .label {
    font-size: 13px;
    font-style: italic;
  }
  .readout {
    min-height: 1.4em;
    font-variant-numeric: tabular-nums;
    white-space: pre;
    margin-top: 2px;
  }
  .readout.hint {
    white-space: normal;
    color: #666;
  }
  .box {
    fill: rgba(255, 255, 255, 0.15);
    stroke: #fff;
    stroke-dasharray: 4 3;
  }
`;

/** Where the window `inner` lies within the shown view, as the CSS box of the canvas that shows it. */
export function placedBox(shown: View, size: Size, inner: View): string {
  const [x0, y0] = planeToScreen(shown, size, inner.u[0], inner.v[1]);
  const [x1, y1] = planeToScreen(shown, size, inner.u[1], inner.v[0]);
  return `left:${x0}px;top:${y0}px;width:${x1 - x0}px;height:${y1 - y0}px`;
}

/**
 * An axis title's text: a subscript run (h<sub>x</sub>, canvas-text.ts) as a tspan, as small and
 * as low as a canvas draws it; baseline-shift is in the tspan's own em, SUB_SIZE of the title's.
 */
export function svgLabel(label: CanvasLabel) {
  const drop = `${-Number((SUB_DROP / SUB_SIZE).toFixed(3))}em`;
  return labelRuns(label).map((r) =>
    r.sub ? svg`<tspan font-size=${`${SUB_SIZE * 100}%`} baseline-shift=${drop}>${r.text}</tspan>` : r.text,
  );
}

/**
 * Ticks of the shown view along the bottom (u) and the left (v) of a drawing area whose top-left
 * corner is at (PLOT_MARGIN.left, top), the two axis labels, and `extra` in the same group.
 */
export function plotAxes(
  view: View,
  size: Size,
  top: number,
  labels: { u: CanvasLabel; v: CanvasLabel },
  extra: unknown = nothing,
) {
  const ut = niceTicks(view.u[0], view.u[1], Math.max(3, Math.round(size.width / 90)));
  const vt = niceTicks(view.v[0], view.v[1], Math.max(3, Math.round(size.height / 60)));
  const ul = formatTicks(ut);
  const vl = formatTicks(vt);
  return svg`
      <g class="axis" transform="translate(${PLOT_MARGIN.left},${top})">
        ${ut.map((t, k) => {
          const x = planeToScreen(view, size, t, view.v[0])[0];
          return svg`<line x1=${x} x2=${x} y1=${size.height} y2=${size.height + 5}></line>
            <text x=${x} y=${size.height + 17} text-anchor="middle" data-tick="u">${ul[k]}</text>`;
        })}
        ${vt.map((t, k) => {
          const y = planeToScreen(view, size, view.u[0], t)[1];
          return svg`<line x1=${-5} x2=${0} y1=${y} y2=${y}></line>
            <text x=${-8} y=${y + 4} text-anchor="end" data-tick="v">${vl[k]}</text>`;
        })}
        <text class="label" x=${size.width / 2} y=${size.height + 38} text-anchor="middle">${svgLabel(labels.u)}</text>
        <text class="label" transform="translate(${-50},${size.height / 2}) rotate(-90)" text-anchor="middle">${svgLabel(labels.v)}</text>
        ${extra}
      </g>`;
}

/** The whole frame around a drawing area whose top edge is `top` pixels down. */
export function frameSize(size: Size, top: number = PLOT_MARGIN.top): Size {
  return {
    width: size.width + PLOT_MARGIN.left + PLOT_MARGIN.right,
    height: size.height + top + PLOT_MARGIN.bottom,
  };
}
