/**
 * The per-device cost model of GD dispatches: what an invocation and a step cost, fitted across runs
 * from measured submits, and the guess it starts from (dispatch-plan.ts plans with it).
 */

/** Cost of an invocation (a) and of one GD step (b), in nanoseconds. */
export interface Cost {
  a: number;
  b: number;
}

/** One measured submit: invocations, GD steps (pixel × iterations) and its time on the device. */
interface Sample {
  pixels: number;
  steps: number;
  ms: number;
}

/**
 * The weight (stepNodes) of the step that the adapters' guesses (guessCost) and an unweighted
 * record assume: about mf-scalar's (20 nodes). It is also the part of a step that does not grow with
 * the objective (the GD update, the tests, the loop), counted in nodes: the cost of a step is taken
 * as proportional to REFERENCE_STEP_WEIGHT + weight.
 */
export const REFERENCE_STEP_WEIGHT = 20;

/**
 * The cost model of one device, per pipeline (objective × Lyapunov on or off): fitted by least squares
 * on relative error over the recent submits of that pipeline, across runs. Until a pipeline has been
 * measured it borrows the latest fit of any pipeline on the device, else a guess by kind of adapter,
 * with the cost of a step scaled by the objectives' weights (stepNodes): a small network's step cost
 * 33 times mf-scalar's on SwiftShader, so a plan from mf-scalar's fit would have run its first
 * dispatches 33 times over their target, long enough for a browser's GPU watchdog (scaled, about 3).
 */
export class CostModel {
  private readonly samples = new Map<string, Sample[]>();
  private readonly fits = new Map<string, Cost>();
  /** The latest fit, and the weight of the step it was measured on. */
  private last: { cost: Cost; weight: number } | null = null;

  constructor(
    /**
     * What a step of REFERENCE_STEP_WEIGHT is assumed to cost on a device not yet measured: near what
     * such a device measures (guessCost), since a guess far off plans a first run in other entry
     * points than the next, and each compiles.
     */
    private readonly guess: Cost,
  ) {}

  /** The cost of pipeline `key`, whose step weighs `weight` (stepNodes) where it was never measured. */
  cost(key: string, weight = REFERENCE_STEP_WEIGHT): Cost {
    const fit = this.fits.get(key);
    if (fit) return fit;
    const from = this.last ?? { cost: this.guess, weight: REFERENCE_STEP_WEIGHT };
    // A step costs its bookkeeping and tests whatever the objective: affine in the weight. Linear, it
    // took an 8-D objective (241 nodes) for 12 times mf-scalar rather than its measured 3 to 10, and
    // planned its first run in part pipelines, its second in one.
    const scale = (REFERENCE_STEP_WEIGHT + weight) / (REFERENCE_STEP_WEIGHT + from.weight);
    return { a: from.cost.a, b: from.cost.b * scale };
  }

  /** Records a submit of `pixels` invocations and `steps` GD steps that took `ms` on the device. */
  record(key: string, pixels: number, steps: number, ms: number, weight = REFERENCE_STEP_WEIGHT): void {
    if (!(ms > 0) || !(pixels > 0)) return;
    let list = this.samples.get(key);
    if (!list) this.samples.set(key, (list = []));
    list.push({ pixels, steps, ms });
    if (list.length > 16) list.shift();
    const fit = fitCost(list, this.cost(key, weight));
    this.fits.set(key, fit);
    this.last = { cost: fit, weight };
  }
}

/**
 * Least squares of t = a·P + b·S weighted by 1/t² (relative error). Submits with the same ratio S/P
 * cannot tell a from b: then the ratio of a to b is kept from `prior` and only the scale is fitted.
 */
export function fitCost(samples: readonly Sample[], prior: Cost): Cost {
  let spp = 0;
  let sps = 0;
  let sss = 0;
  let spt = 0;
  let sst = 0;
  for (const { pixels: p, steps: s, ms } of samples) {
    const t = ms * 1e6;
    const w = 1 / (t * t);
    spp += w * p * p;
    sps += w * p * s;
    sss += w * s * s;
    spt += w * p * t;
    sst += w * s * t;
  }
  const det = spp * sss - sps * sps;
  if (det > 1e-6 * spp * sss) {
    const a = (spt * sss - sst * sps) / det;
    const b = (sst * spp - spt * sps) / det;
    if (a >= 0 && b > 0) return { a, b };
  }
  // One ratio of steps to pixels: scale the prior to the measured times.
  let num = 0;
  let den = 0;
  for (const { pixels: p, steps: s, ms } of samples) {
    const predicted = prior.a * p + prior.b * s;
    num += (ms * 1e6) / predicted;
    den++;
  }
  const k = num / den;
  return { a: prior.a * k, b: prior.b * k };
}
