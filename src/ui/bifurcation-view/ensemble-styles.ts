/** The look of the ensemble views: strips, the density canvas, overlay lines, bars and the legend. */
import { css } from 'lit';

export const ensembleStyles = css`
  .plot,
  .strip {
    position: absolute;
    overflow: hidden;
    background: #000;
    outline: 1px solid #888;
  }
  .plot {
    cursor: crosshair;
    touch-action: none;
  }
  .density-plot {
    position: absolute;
    outline: 1px solid #888;
    background: #fff;
  }
  .strip-label {
    font-size: 10px;
    fill: #555;
  }
  .strip-number {
    font-size: 9.5px;
    fill: #000;
    font-weight: 700;
    paint-order: stroke;
    stroke: #fff;
    stroke-width: 2.5px;
  }
  .plot:focus-visible {
    outline: 3px solid #4a90d9;
  }
  .cross {
    stroke: rgba(255, 255, 255, 0.55);
    stroke-width: 1;
  }
  .threshold {
    stroke: #ff5a4a;
    stroke-width: 1.5;
    stroke-dasharray: 6 4;
  }
  .fixed {
    stroke: #7fdcff;
    stroke-width: 1.2;
    stroke-dasharray: 2 3;
  }
  .fixed.maximum {
    stroke: #c9c9c9;
  }
  .picked {
    stroke: #e4572e;
    stroke-width: 1.5;
  }
  .bar {
    fill: #5b8fd0;
  }
  .gibbs {
    fill: none;
    stroke: #d62728;
    stroke-width: 2;
  }
  .legend {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 14px;
    align-items: center;
    color: #444;
    margin-top: 2px;
  }
  .key {
    display: inline-block;
    width: 18px;
    height: 0;
    vertical-align: middle;
    margin-right: 4px;
  }
  .error {
    color: #b00020;
    white-space: pre-wrap;
  }
  .summary {
    font-variant-numeric: tabular-nums;
    margin-top: 4px;
    font-size: 13px;
  }
`;
