/**
 * What the map draws over its picture, as SVG in screen coordinates of the shown view: the guides
 * (curves of minimizers), the inspected orbit as points joined by a faint line (a period-4 orbit
 * reads as four dots, not a band), its start ringed, and the zoom box.
 */
import { html, svg, nothing } from 'lit';
import type { DragRect } from '../shared/pointer-drag.ts';
import { planeToScreen, type Size, type View } from '../shared/view.ts';
import { guidePolylines, type Guide } from './guides.ts';

/** Most orbit points drawn (the inspector shows the whole trajectory). */
const MAX_POINTS = 2000;

const path = (pts: [number, number][]) => pts.map((p) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`).join(' ');

export function mapOverlay(
  view: View,
  size: Size,
  o: {
    guides: Guide[];
    orbit: [number, number][] | null;
    marker: [number, number] | null;
    box: DragRect | null;
  },
) {
  const pts = (o.orbit ?? [])
    .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b))
    .slice(0, MAX_POINTS)
    .map(([a, b]) => planeToScreen(view, size, a, b))
    .filter(([x, y]) => Math.abs(x) < 1e5 && Math.abs(y) < 1e5);
  const m = o.marker ? planeToScreen(view, size, o.marker[0], o.marker[1]) : null;
  const b = o.box;
  const guides = o.guides.flatMap((g) =>
    guidePolylines(g, view, size).map(
      (line) => svg`<polyline class="guide" points=${path(line)}></polyline>`,
    ),
  );
  // The last points are where the orbit settled: drawn larger, on top.
  const tail = Math.max(0, pts.length - 64);
  return html`<svg width=${size.width} height=${size.height} class="overlay" aria-hidden="true">
    ${guides}
    ${
      pts.length > 1
        ? svg`<polyline class="orbit" points=${path(pts)}></polyline>
          ${pts.slice(0, tail).map((p) => svg`<circle class="orbit-pt" cx=${p[0]} cy=${p[1]} r="1.6"></circle>`)}
          ${pts.slice(tail).map((p) => svg`<circle class="orbit-end" cx=${p[0]} cy=${p[1]} r="3"></circle>`)}`
        : nothing
    }
    ${m ? svg`<circle class="start" cx=${m[0]} cy=${m[1]} r="6"></circle>` : nothing}
    ${b ? svg`<rect class="box" x=${b.x} y=${b.y} width=${b.w} height=${b.h}></rect>` : nothing}
  </svg>`;
}
