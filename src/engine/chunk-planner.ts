/**
 * Iterations per dispatch, from measured dispatch times.
 *
 * A dispatch costs t ≈ a + b·chunk: a is the fixed cost of launching every invocation and moving its
 * state in and out of storage, b the cost of one iteration of all of them. On a GPU a is small; on a
 * CPU rasterizer such as SwiftShader it is about half a microsecond per invocation, so a 512² grid
 * pays ~100 ms before its first iteration. Scaling the chunk in proportion to the measured time (as if
 * a were 0) then never leaves chunk = 1 and runs eight times slower than it could.
 *
 * The planner fits a and b from the last two dispatches of different lengths and aims each dispatch at
 * `targetMs`. Where the fixed cost is large against the target, it lets the iterations take three
 * times as long as the overhead (so at most a quarter of the time is overhead), but never plans beyond `maxMs` (by
 * default ten times the target: 1 s for the engine's 100 ms), half the 2 s after which Windows resets
 * a GPU that does not answer, and less than browsers allow.
 */
export class ChunkPlanner {
  /** Recent dispatches (least squares over several damps the jitter of a shared machine). */
  private readonly samples: { chunk: number; ms: number }[] = [];
  /** The latest fit, kept while steady dispatches of one length give no slope of their own. */
  private model: { a: number; b: number } | null = null;

  constructor(
    /** Iterations of the next dispatch. */
    public chunk: number,
    private readonly targetMs: number,
    private readonly maxMs = 10 * targetMs,
  ) {
    this.chunk = Math.max(1, Math.floor(chunk));
  }

  /**
   * Records a dispatch of `ran` iterations that took `elapsedMs`, and plans the next chunk. A
   * dispatch that also did one-off work (initialisation, a shader's first compilation) is passed with
   * `oneOff` and does not enter the model.
   */
  record(ran: number, elapsedMs: number, oneOff = false): number {
    if (oneOff || !(ran >= 1) || !(elapsedMs >= 0)) return this.chunk;
    const ms = Math.max(elapsedMs, 0.01);
    this.samples.push({ chunk: ran, ms });
    if (this.samples.length > 8) this.samples.shift();
    const fit = this.fit() ?? this.model;
    this.model = fit;
    if (!fit) {
      // Lengths too alike for a slope: halve a dispatch that ran too long, else probe one twice as
      // long (at most twice the time just seen, and it tells overhead from iterations apart).
      this.chunk =
        ms > this.maxMs && ran > 1 ? Math.max(1, Math.floor(ran / 2)) : Math.max(this.chunk, ran) * 2;
      return this.chunk;
    }
    const { a, b } = fit;
    // No dispatch is shorter than its overhead: where a alone passes maxMs (a million invocations on
    // a CPU rasterizer), allow half as much again for iterations.
    const limit = Math.max(this.maxMs, 1.5 * a);
    const aimed = Math.max((this.targetMs - a) / b, (3 * a) / b);
    const cap = (limit - a) / b;
    // Growth and shrinkage per step are bounded, so one odd measurement cannot swing the plan.
    const next = Math.max(this.chunk / 2, Math.min(aimed, cap, this.chunk * 8));
    this.chunk = Math.max(1, Math.floor(next));
    return this.chunk;
  }

  /**
   * Least-squares a and b over the recent dispatches, or null while their lengths differ by less than a
   * factor of two (then the slope is mostly noise) or the slope comes out non-positive.
   */
  private fit(): { a: number; b: number } | null {
    const n = this.samples.length;
    let lo = Infinity;
    let hi = 0;
    let sc = 0;
    let st = 0;
    for (const p of this.samples) {
      lo = Math.min(lo, p.chunk);
      hi = Math.max(hi, p.chunk);
      sc += p.chunk;
      st += p.ms;
    }
    if (hi < 2 * lo) return null;
    const mc = sc / n;
    const mt = st / n;
    let sxy = 0;
    let sxx = 0;
    for (const p of this.samples) {
      sxy += (p.chunk - mc) * (p.ms - mt);
      sxx += (p.chunk - mc) ** 2;
    }
    const b = sxy / sxx;
    if (!(b > 0)) return null;
    return { a: Math.max(0, mt - b * mc), b };
  }
}
