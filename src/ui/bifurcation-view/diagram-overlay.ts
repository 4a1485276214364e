/**
 * What the diagram draws over its density, in screen coordinates of the shown view: the fixed
 * points (horizontal) and the h = 2/λmax thresholds (vertical) when the overlays are on, the picked
 * column, the hover crosshair and the zoom box.
 */
import { html, nothing, svg } from 'lit';
import type { DragRect } from '../shared/pointer-drag.ts';
import { planeToScreen, type Size, type View } from '../shared/view.ts';
import type { EnsembleOverlays } from './overlays.ts';

export function diagramOverlay(
  sv: View,
  size: Size,
  o: {
    overlays: EnsembleOverlays | null;
    picked: number | null;
    cross: { x: number; y: number } | null;
    box: DragRect | null;
  },
) {
  const lines = [];
  const ov = o.overlays;
  if (ov) {
    for (const p of ov.points) {
      const y = planeToScreen(sv, size, sv.u[0], p.value)[1];
      if (y >= 0 && y <= size.height)
        lines.push(svg`<line class="fixed ${p.kind}" x1="0" x2=${size.width} y1=${y} y2=${y}></line>`);
      if (ov.sweepsLr && p.threshold !== null) {
        const x = planeToScreen(sv, size, p.threshold, 0)[0];
        if (x >= 0 && x <= size.width)
          lines.push(
            svg`<line class="threshold" data-threshold=${p.threshold} x1=${x} x2=${x} y1="0" y2=${size.height}></line>`,
          );
      }
    }
  }
  const pk = o.picked !== null ? planeToScreen(sv, size, o.picked, 0)[0] : null;
  const h = o.cross;
  const b = o.box;
  return html`<svg width=${size.width} height=${size.height} aria-hidden="true">
    ${lines}
    ${pk !== null ? svg`<line class="picked" x1=${pk} x2=${pk} y1="0" y2=${size.height}></line>` : nothing}
    ${
      h
        ? svg`<line class="cross" x1="0" x2=${size.width} y1=${h.y} y2=${h.y}></line>
          <line class="cross" x1=${h.x} x2=${h.x} y1="0" y2=${size.height}></line>`
        : nothing
    }
    ${b ? svg`<rect class="box" x=${b.x} y=${b.y} width=${b.w} height=${b.h}></rect>` : nothing}
  </svg>`;
}
