/**
 * The compute pipelines of one shader module, each created on first use under a key (its entry point
 * and override constants) and kept: on SwiftShader a pipeline takes about half a second to compile, so
 * a run compiles only what it uses, once per pass, and `get` hands encode() a finished one synchronously.
 */
import { createComputePipeline } from './shader.ts';

/**
 * The key of a pipeline: its entry point and every override constant, so that no constant can be
 * left out of a key by hand (two pipelines that differ in one would share a cache slot). In the
 * constants' own order: a pass builds them in one order, and a key is made per dispatch encoded.
 */
export function pipelineKey(entryPoint: string, constants: Record<string, number>): string {
  let key = entryPoint;
  for (const k in constants) key += `,${k}=${constants[k]}`;
  return key;
}

export class PipelineCache {
  private readonly pending = new Map<string, Promise<GPUComputePipeline>>();
  private readonly ready = new Map<string, GPUComputePipeline>();

  constructor(
    private readonly device: GPUDevice,
    private readonly layout: GPUPipelineLayout,
    private readonly module: GPUShaderModule,
    /** Names the pipelines (`label.entryPoint`) and the errors. */
    private readonly label: string,
  ) {}

  /**
   * The pipeline under `key`, created unless made already (on this thread where `inline`: see
   * GpuEngineOptions.inlineCompile); a failed creation is forgotten, to be tried again.
   */
  prepare(
    key: string,
    entryPoint: string,
    constants: Record<string, number>,
    inline = false,
  ): Promise<GPUComputePipeline> {
    let p = this.pending.get(key);
    if (!p) {
      p = createComputePipeline(
        this.device,
        {
          label: `${this.label}.${entryPoint}`,
          layout: this.layout,
          compute: { module: this.module, entryPoint, constants },
        },
        inline,
      ).then((pipeline) => {
        this.ready.set(key, pipeline);
        return pipeline;
      });
      p.catch(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    return p;
  }

  /** A pipeline prepare() has finished. */
  get(key: string): GPUComputePipeline {
    const pipeline = this.ready.get(key);
    if (!pipeline) throw new Error(`${this.label}: '${key}' used before prepare()`);
    return pipeline;
  }
}
