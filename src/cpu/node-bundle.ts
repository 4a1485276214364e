/**
 * The worker_threads script of the CPU engine, bundled once into one CommonJS file by esbuild and
 * cached in the temporary directory until a source file changes. A worker that loaded TypeScript
 * itself (tsx, as bin/gdlab.js does) spent 0.3 to 1.3 s transpiling and resolving twenty modules
 * before its first job, in every run; the bundle starts in tens of milliseconds. Where esbuild is
 * missing the pool falls back to bin/cpu-worker.js, which loads the sources through tsx.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Manifest {
  /** Source path → [mtimeMs, size] at bundling time. */
  inputs: Record<string, [number, number]>;
  file: string;
}

function fresh(m: Manifest): boolean {
  try {
    return Object.entries(m.inputs).every(([path, [mtime, size]]) => {
      const s = statSync(path);
      return s.mtimeMs === mtime && s.size === size;
    });
  } catch {
    return false;
  }
}

/** The bundled worker's source, or null where it cannot be built (the caller falls back to tsx). */
export async function workerBundle(): Promise<string | null> {
  const entry = fileURLToPath(new URL('./node-worker.ts', import.meta.url));
  const root = fileURLToPath(new URL('../..', import.meta.url));
  // One cache per checkout: the manifest lists its own sources, and another checkout's fresh bundle
  // (a second worktree, an older clone) must not stand in for this one's.
  // node:crypto loaded here, not with the module: every CLI start imports this one (through the engine
  // selection), and only a CPU run needs a worker bundle.
  const { createHash } = await import('node:crypto');
  const checkout = createHash('sha256').update(root).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `gdlab-cpu-worker-${process.getuid?.() ?? 0}-${checkout}`);
  const manifestPath = join(dir, 'manifest.json');
  try {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    if (fresh(m) && Object.hasOwn(m.inputs, entry)) return readFileSync(m.file, 'utf8');
  } catch {
    // No bundle yet, or an unreadable one: build it.
  }
  let result: import('esbuild').BuildResult<{ write: false; metafile: true }>;
  try {
    const esbuild = await import('esbuild');
    // Where gdlab itself is one bundled file (the device machines' pack), esbuild came inlined
    // without its binary and fails here: the caller falls back, or says the workers cannot start.
    result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      minify: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: fileURLToPath(new URL('../..', import.meta.url)),
    });
  } catch {
    return null;
  }
  const code = result.outputFiles[0].text;
  const inputs: Manifest['inputs'] = {};
  for (const path of Object.keys(result.metafile.inputs)) {
    const abs = join(root, path);
    const s = statSync(abs);
    inputs[abs] = [s.mtimeMs, s.size];
  }
  try {
    mkdirSync(dir, { recursive: true });
    // Written aside and renamed, so a concurrent run never reads half a file.
    const file = join(dir, `worker-${process.pid}-${Date.now()}.cjs`);
    writeFileSync(file, code);
    writeFileSync(`${manifestPath}.${process.pid}`, JSON.stringify({ inputs, file } satisfies Manifest));
    renameSync(`${manifestPath}.${process.pid}`, manifestPath);
  } catch {
    // A read-only temporary directory: bundle again next time.
  }
  return code;
}
