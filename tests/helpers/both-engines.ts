/**
 * One ensemble spec run on both engines, for the GPU tests that hold the WGSL kernel to the float64
 * reference: the same objective and plan (prepareEnsemble) on a fresh device and on the CPU.
 */
import { prepareEnsemble, type BifurcationResult } from '../../src/core/ensemble.ts';
import { GpuEnsembleEngine, type GpuEnsembleOptions } from '../../src/engine/bifurcation.ts';
import type { ExperimentSpec } from '../../src/experiment/spec.ts';
import { runEnsembleCpu } from '../../src/reference/ensemble.ts';
import { withDevice } from './gpu.ts';

/** `spec` run by the GPU engine (with `options`) and by the float64 reference. */
export async function runBothEngines(
  spec: ExperimentSpec,
  options: GpuEnsembleOptions = {},
): Promise<{ gpu: BifurcationResult; cpu: BifurcationResult }> {
  const { objective, plan } = prepareEnsemble(spec);
  const gpu = await withDevice((device) =>
    new GpuEnsembleEngine(device, options).runEnsemble(spec, objective, plan),
  );
  const cpu = await runEnsembleCpu(spec, objective, plan);
  return { gpu, cpu };
}
