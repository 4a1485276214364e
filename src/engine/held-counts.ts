/**
 * The counts of a GPU ensemble engine's latest run, kept on the device for its colour stage
 * (src/engine/ensemble-colour-pass.ts): one counts buffer at most is held beyond its run, handed back
 * to the pool when the next run starts and freed with the pool. A result is known by its density
 * array, so a picture is coloured on the GPU only for the run whose counts are still there; any other
 * result gets null, and its caller colours the counts that came back on the CPU.
 */
import type { BifurcationResult } from '../core/ensemble.ts';
import type { BufferPool } from './buffer-pool.ts';
import type { BifurcationColours, BifurcationRenderOptions, RgbaImage } from './bifurcation-render.ts';
import { EnsembleColourPass, renderHeldAttractor, renderHeldCounts } from './ensemble-colour-pass.ts';

type Held = { density: Uint32Array; counts: GPUBuffer };

export class HeldCounts {
  private held: Held | null = null;
  /** The colour stage, compiled on the first picture. */
  private colourPass: Promise<EnsembleColourPass> | null = null;

  constructor(
    private readonly device: GPUDevice,
    private readonly pool: BufferPool,
  ) {}

  /** Keeps `counts` (from the pool, not released) as the counts of the result whose density is `density`. */
  hold(density: Uint32Array, counts: GPUBuffer): void {
    this.release();
    this.held = { density, counts };
  }

  /** Hands the counts back to the pool: their result can no longer be coloured here. */
  release(): void {
    if (this.held) this.pool.release(this.held.counts);
    this.held = null;
  }

  /** renderBifurcation's picture of `result`; null unless its counts are held, or for an attractor. */
  async renderEnsemble(
    result: BifurcationResult,
    colours: BifurcationColours,
    options: BifurcationRenderOptions = {},
  ): Promise<RgbaImage | null> {
    const held = this.held;
    if (!held || held.density !== result.density || result.plan.pair) return null;
    const pass = await this.pass();
    const current = () => this.held === held;
    return renderHeldCounts(this.device, pass, this.pool, held.counts, result, colours, options, current);
  }

  /** renderAttractor's picture of `result`; null unless its counts are held and it is an attractor's. */
  async renderAttractor(
    result: BifurcationResult,
    colours: Pick<BifurcationColours, 'colormap' | 'empty'>,
  ): Promise<RgbaImage | null> {
    const held = this.held;
    const pair = result.plan.pair;
    if (!held || held.density !== result.density || !pair) return null;
    const pass = await this.pass();
    const bins = [pair.width, pair.height] as const;
    const current = () => this.held === held;
    return renderHeldAttractor(this.device, pass, this.pool, held.counts, bins, colours, current);
  }

  private pass(): Promise<EnsembleColourPass> {
    if (!this.colourPass) {
      this.colourPass = EnsembleColourPass.create(this.device);
      this.colourPass.catch(() => (this.colourPass = null));
    }
    return this.colourPass;
  }

  /** Forgets the counts (the pool that frees them is disposed by its owner) and the colour stage. */
  dispose(): void {
    this.held = null;
    void this.colourPass?.then((p) => p.dispose()).catch(() => {});
    this.colourPass = null;
  }
}
