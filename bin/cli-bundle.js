// The gdlab CLI bundled by esbuild from src/cli/main.ts (TypeScript stripped, `?raw` shaders inlined
// as text, npm packages left to Node; one chunk per subcommand, so `gdlab trajectory` loads neither
// Dawn nor the GPU engine), cached in node_modules/.cache/gdlab until a source file changes. Loading the sources through tsx transpiled and resolved about a hundred
// modules on every start (0.45 s for `gdlab --help`); the bundle loads in a few tens of ms. The
// first start after a change builds it (~0.3 s). Returns null where it cannot be built (no esbuild,
// a read-only node_modules): bin/gdlab.js then loads the sources through tsx as before.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, 'node_modules', '.cache', 'gdlab');
/**
 * The manifest of this checkout's bundle, named by its root: checkouts sharing one node_modules (git
 * worktrees with a symlinked one) each keep theirs, where one shared manifest made every start after
 * another checkout's rebuild the bundle (~0.25 s). FNV-1a, since node:crypto costs a start ~3 ms.
 */
function rootKey(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}
const manifestPath = join(dir, `cli-${rootKey(root)}.json`);

/**
 * Whether a manifest ({ root, inputs: { path: [mtimeMs, size] }, file }) is this checkout's and every
 * input is unchanged. A node_modules shared by several checkouts (a symlink in a git worktree) holds
 * one cache: without the root, a worktree ran the other checkout's code, its sources all unchanged.
 */
function fresh(m) {
  if (m.root !== root) return false;
  try {
    statSync(m.file);
    return Object.entries(m.inputs).every(([path, [mtime, size]]) => {
      const s = statSync(path);
      return s.mtimeMs === mtime && s.size === size;
    });
  } catch {
    return false;
  }
}

/** esbuild plugins: `?raw` imports as text, and `import.meta.url` as the source file's own URL. */
const plugins = [
  {
    name: 'raw',
    setup(b) {
      b.onResolve({ filter: /\?raw$/ }, (a) => ({
        path: resolve(dirname(a.importer), a.path.slice(0, -'?raw'.length)),
        namespace: 'raw',
      }));
      b.onLoad({ filter: /.*/, namespace: 'raw' }, async (a) => ({
        contents: await readFile(a.path, 'utf8'),
        loader: 'text',
        watchFiles: [a.path],
      }));
    },
  },
  {
    // Modules that find files next to themselves (the CPU worker's entry) keep finding them in the
    // source tree, wherever the bundle lies.
    name: 'meta-url',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (a) => {
        const text = await readFile(a.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        const url = JSON.stringify(pathToFileURL(a.path).href);
        return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
      });
    },
  },
];

/** Path of the CLI bundle for this checkout, built if missing or stale; null where it cannot be built. */
export async function cliBundle() {
  try {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (fresh(m)) return m.file;
  } catch {
    // No bundle yet, or an unreadable manifest: build one.
  }
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    return null;
  }
  try {
    const result = await esbuild.build({
      entryPoints: [join(root, 'src/cli/main.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // npm packages bundled too, all but the native Dawn binding and esbuild itself: Node's loader
      // otherwise compiled zod's hundred-odd ESM files on every start (about 0.1 s of `gdlab basin`).
      external: ['webgpu', 'esbuild'],
      splitting: true,
      outdir: join(dir, 'out'),
      entryNames: 'main',
      write: false,
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: root,
      plugins,
    });
    const inputs = {};
    for (const key of Object.keys(result.metafile.inputs)) {
      // 'raw:/abs/path' for shaders, a path relative to root otherwise.
      const path = key.startsWith('raw:') ? key.slice(4) : join(root, key);
      const s = statSync(path);
      inputs[path] = [s.mtimeMs, s.size];
    }
    // A folder named by content, written aside and renamed, then the manifest renamed over it: a
    // concurrent start never reads half a bundle, and starts that race build the same one.
    // node:crypto only here: loading it cost every start ~3 ms, and a fresh bundle needs no hash.
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256');
    for (const f of result.outputFiles) hash.update(f.path).update(f.contents);
    const folder = join(dir, `cli-${hash.digest('hex').slice(0, 16)}`);
    const file = join(folder, 'main.js');
    if (!existsSync(file)) {
      const tmp = `${folder}.${process.pid}`;
      mkdirSync(tmp, { recursive: true });
      for (const f of result.outputFiles) writeFileSync(join(tmp, basename(f.path)), f.contents);
      // A module type for the .js chunks, whatever the project's package.json says.
      writeFileSync(join(tmp, 'package.json'), '{"type":"module"}\n');
      try {
        renameSync(tmp, folder);
      } catch {
        // Another start renamed the same bundle first.
        rmSync(tmp, { recursive: true, force: true });
      }
    }
    writeFileSync(`${manifestPath}.${process.pid}`, JSON.stringify({ root, inputs, file }));
    renameSync(`${manifestPath}.${process.pid}`, manifestPath);
    removeStale(folder);
    return file;
  } catch {
    return null;
  }
}

/** Removes bundles of earlier sources made more than an hour ago (a running CLI has loaded its own). */
function removeStale(keep) {
  const hour = Date.now() - 3600e3;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path === keep || !/^cli-[0-9a-f]+$/.test(name)) continue;
    try {
      if (statSync(path).mtimeMs < hour) rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed by a concurrent start.
    }
  }
}
