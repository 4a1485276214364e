/**
 * The long-run density as an SVG chart: the histogram of the kept iterates, the Gibbs prediction
 * when the objective names one, the axes, and the summary line with their L1 distance.
 */
import { html, nothing, svg } from 'lit';
import type { DensityReport } from '../../core/density.ts';
import { frameSize, PLOT_MARGIN } from '../shared/plot-frame.ts';
import type { Size } from '../shared/view.ts';
import { densityGeometry, densitySummary } from './density-chart.ts';

/** `rate`: the run's rate as rateText gives it, or null before there is a run. */
export function densityChart(rep: DensityReport | null, size: Size, observable: string, rate: string | null) {
  const total = frameSize(size);
  const g = rep ? densityGeometry(rep, size) : null;
  return html`
    <div class="frame" style="width:${total.width}px;height:${total.height}px">
      <svg
        width=${total.width}
        height=${total.height}
        role="img"
        aria-label=${rep ? `Histogram of the long-run ${observable}. ${densitySummary(rep)}` : 'Computing the density.'}
      >
        <g class="axis" transform="translate(${PLOT_MARGIN.left},${PLOT_MARGIN.top})">
          <rect x="0" y="0" width=${size.width} height=${size.height} fill="#fff" stroke="#888"></rect>
          ${g?.bars.map((b) => svg`<rect class="bar" x=${b.x} y=${b.y} width=${Math.max(0.5, b.w - 0.5)} height=${b.h}></rect>`)}
          ${g && g.gibbs.length ? svg`<polyline class="gibbs" points=${g.gibbs.map((p) => p.join(',')).join(' ')}></polyline>` : nothing}
          ${g?.xTicks.map(
            (t) => svg`<line x1=${t.at} x2=${t.at} y1=${size.height} y2=${size.height + 5}></line>
              <text x=${t.at} y=${size.height + 17} text-anchor="middle" data-tick="u">${t.label}</text>`,
          )}
          ${g?.yTicks.map(
            (t) => svg`<line x1="-5" x2="0" y1=${t.at} y2=${t.at}></line>
              <text x="-8" y=${t.at + 4} text-anchor="end" data-tick="v">${t.label}</text>`,
          )}
          <text class="label" x=${size.width / 2} y=${size.height + 38} text-anchor="middle">
            long-run ${observable}
          </text>
          <text class="label" transform="translate(-50,${size.height / 2}) rotate(-90)" text-anchor="middle">
            density
          </text>
        </g>
      </svg>
    </div>
    ${
      rep
        ? html`<div class="legend">
              <span
                ><span class="key" style="border-top:8px solid #5b8fd0"></span>long-run iterates, h =
                ${rate ?? ''}</span
              >
              ${rep.gibbs ? html`<span><span class="key" style="border-top:2px solid #d62728"></span>Gibbs Z⁻¹exp(−f₀/T)</span>` : html`<span>no Gibbs prediction for this objective (it names no f₀ and T)</span>`}
            </div>
            <div class="summary" id="density-summary" data-l1=${rep.l1 ?? ''}>${densitySummary(rep)}</div>`
        : nothing
    }
  `;
}
