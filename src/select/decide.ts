/**
 * Which engine runs a spec: `--engine auto` (the default in the CLI and the lab), `gpu` or `cpu`,
 * with the sentence every output shows. Auto takes a hardware adapter when there is one; where the
 * only adapter is a software one (a fallback adapter, or a known software rasteriser), the GPU engine
 * runs on these same CPU cores through an emulator, so auto compares the two engines' estimated times
 * for the spec at hand (cost.ts) and takes the faster.
 */
import type { CostEstimate } from './cost.ts';

export type EngineChoice = 'auto' | 'gpu' | 'cpu';

export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', 'gpu', 'cpu'];

/** What the selection knows of an adapter. */
export interface AdapterFacts {
  /** vendor, architecture, device, description. */
  name: string;
  /** The software rasteriser it is (e.g. 'SwiftShader'), or null for hardware. */
  software: string | null;
}

export interface Decision {
  kind: 'gpu' | 'cpu';
  /** Why, in one sentence: shown in the CLI's JSON and text and the lab's status line. */
  reason: string;
}

// Two significant figures below 10 ms, so that the times agree with the ratio printed beside them
// ("65× faster (≈1 ms … against ≈73 ms)" read as a mistake).
const seconds = (ms: number) =>
  ms < 10
    ? `${Number(ms.toPrecision(2))} ms`
    : ms < 1000
      ? `${Math.round(ms)} ms`
      : ms < 10_000
        ? `${(ms / 1000).toFixed(1)} s`
        : `${Math.round(ms / 1000)} s`;

/**
 * The engine for `choice`. `adapter` is null where there is no WebGPU adapter; `cost` estimates
 * both engines for the spec (asked only for a software adapter under auto); `forced` names where a
 * forced choice came from ('--engine cpu', 'engine=cpu in the address'); `subject` what the estimate
 * was made for, as the reason words it (the lab decides once, for the experiment it opened with).
 */
export function decide(
  choice: EngineChoice,
  adapter: AdapterFacts | null,
  cost: () => CostEstimate,
  forced: string,
  subject = 'this spec',
): Decision {
  if (choice === 'cpu') return { kind: 'cpu', reason: `${forced}` };
  if (!adapter)
    return {
      kind: 'cpu',
      reason:
        choice === 'gpu'
          ? `${forced}, but there is no WebGPU adapter: the float64 CPU engine runs instead`
          : 'auto: no WebGPU adapter, so the float64 CPU engine',
    };
  if (choice === 'gpu') return { kind: 'gpu', reason: `${forced} (${adapter.name})` };
  if (!adapter.software) return { kind: 'gpu', reason: `auto: hardware adapter (${adapter.name})` };
  const c = cost();
  const ratio = c.adapterMs / c.cpuMs;
  const both = `≈${seconds(c.cpuMs)} on ${c.threads} CPU thread${c.threads > 1 ? 's' : ''} against ≈${seconds(c.adapterMs)} on ${adapter.software}`;
  return ratio > 1
    ? {
        kind: 'cpu',
        reason: `auto: the only adapter is software (${adapter.software}), and the float64 CPU engine is estimated ${ratio.toFixed(ratio < 10 ? 1 : 0)}× faster for ${subject} (${both})`,
      }
    : {
        kind: 'gpu',
        reason: `auto: the only adapter is software (${adapter.software}), and it is estimated faster for ${subject} than the CPU engine (${both})`,
      };
}
