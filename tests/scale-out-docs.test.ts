/**
 * The batch files of docs/scale-out are run as their scheduler would, with `gdlab` standing for
 * `gdlab … --dry-run`: Slurm scripts by bash with SLURM_ARRAY_TASK_ID set for the first and last task
 * of their array, Kubernetes Jobs parsed as YAML and their container command run with the
 * JOB_COMPLETION_INDEX of their first and last pod. gdlab must accept every command line, the
 * array's size must be the pieces' count, and the merge must read the folder the pieces write.
 */
import { execFile } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { describe, expect, test } from 'vitest';
import { GDLAB_BIN, runCli, tempDir } from './helpers/cli.ts';

const DOCS = resolve(import.meta.dirname, '../docs/scale-out');
const run = promisify(execFile);

/** A folder whose `gdlab` runs this checkout's gdlab with --dry-run, and `sbatch` logs its arguments. */
function shims(): { path: string; log: string } {
  const dir = tempDir('gdlab-shims-');
  const log = join(dir, 'sbatch.log');
  writeFileSync(join(dir, 'gdlab'), `#!/bin/sh\nexec "${process.execPath}" "${GDLAB_BIN}" "$@" --dry-run\n`);
  writeFileSync(join(dir, 'sbatch'), `#!/bin/sh\necho "$@" >> "${log}"\necho "4242;cluster"\n`);
  for (const f of ['gdlab', 'sbatch']) chmodSync(join(dir, f), 0o755);
  return { path: `${dir}:${process.env.PATH}`, log };
}

/** What a piece's dry run says about itself: its index, the count, and the folder it writes to. */
function dryPiece(stdout: string): { kind: string; k: number; n: number; dir: string } {
  const m = /dry run: (?:member (\d+) of (\d+) .*?)?tile (\d+) of (\d+) .*; writes (\S+)\/[^/]+\.png/.exec(
    stdout,
  );
  expect(m, stdout).not.toBeNull();
  const [, mk, mn, tk, tn, dir] = m!;
  // A stack without tiles has one tile per member; the index then runs over members.
  return mk !== undefined && tn === '1'
    ? { kind: 'member', k: Number(mk), n: Number(mn), dir }
    : { kind: 'tile', k: Number(tk), n: Number(tn), dir };
}

function sbatchDirectives(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^#SBATCH\s+--([\w-]+)(?:=(\S+))?/gm)) out.set(m[1], m[2] ?? '');
  return out;
}

describe('Slurm scripts', () => {
  const { path, log } = shims();
  const results = tempDir('gdlab-slurm-');
  const bash = (script: string, env: Record<string, string> = {}) =>
    run('bash', [join(DOCS, script)], { env: { ...process.env, PATH: path, RESULTS: results, ...env } });

  test.each(['poster', 'stack'])(
    '%s: each array task runs its own piece; the merge reads them',
    async (what) => {
      const text = readFileSync(join(DOCS, `${what}.sbatch`), 'utf8');
      const directives = sbatchDirectives(text);
      expect(directives.get('gres')).toBe('gpu:1');
      const array = /^(\d+)-(\d+)(?:%(\d+))?$/.exec(directives.get('array') ?? '');
      expect(array, 'an --array=A-B[%P] directive').not.toBeNull();
      const [first, last] = [Number(array![1]), Number(array![2])];
      const [a, b, merged] = await Promise.all([
        bash(`${what}.sbatch`, { SLURM_ARRAY_TASK_ID: String(first) }),
        bash(`${what}.sbatch`, { SLURM_ARRAY_TASK_ID: String(last) }),
        bash(`${what}-merge.sbatch`),
      ]);
      const [pa, pb] = [dryPiece(a.stdout), dryPiece(b.stdout)];
      expect([pa.k, pb.k]).toEqual([first, last]);
      // The array is exactly the pieces: 0…n-1.
      expect([first, last + 1]).toEqual([0, pa.n]);
      expect(pa.dir).toBe(join(results, 'pieces'));
      expect(merged.stdout).toContain(`gdlab merge: dry run: pieces from ${pa.dir} into`);
      expect(sbatchDirectives(readFileSync(join(DOCS, `${what}-merge.sbatch`), 'utf8')).has('gres')).toBe(
        false,
      );
    },
  );

  test('submit.sh submits the array, then the merge after every task succeeded', async () => {
    await run('bash', [join(DOCS, 'submit.sh'), 'poster'], { env: { ...process.env, PATH: path } });
    expect(readFileSync(log, 'utf8')).toBe(
      '--parsable poster.sbatch\n--dependency=afterok:4242 poster-merge.sbatch\n',
    );
    // Every script that submit.sh names exists.
    const files = readdirSync(DOCS);
    for (const what of ['poster', 'stack'])
      expect(files).toEqual(expect.arrayContaining([`${what}.sbatch`, `${what}-merge.sbatch`]));
  });
});

interface K8sContainer {
  command?: string[];
  args?: string[];
  env?: { name: string; value: string }[];
  resources?: { limits?: Record<string, string | number> };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface K8sObject {
  kind: string;
  metadata: { name: string };
  spec: {
    completionMode?: string;
    completions?: number;
    parallelism?: number;
    template: {
      spec: {
        restartPolicy: string;
        containers: K8sContainer[];
        volumes: { name: string; persistentVolumeClaim?: { claimName: string } }[];
      };
    };
    accessModes?: string[];
  };
}

function k8s(file: string): K8sObject[] {
  const docs = parseAllDocuments(readFileSync(join(DOCS, file), 'utf8'));
  for (const d of docs) expect(d.errors, file).toEqual([]);
  return docs.map((d) => d.toJS() as K8sObject);
}

/** The container's command line, and the claim mounted where. */
function container(job: K8sObject) {
  const pod = job.spec.template.spec;
  expect(pod.restartPolicy).toBe('Never');
  expect(pod.containers).toHaveLength(1);
  const c = pod.containers[0];
  const argv = [...(c.command ?? []), ...(c.args ?? [])].map(String);
  expect(argv[0]).toBe('gdlab');
  const mounts = (c.volumeMounts ?? []).map((m) => ({
    path: m.mountPath,
    claim: pod.volumes.find((v) => v.name === m.name)?.persistentVolumeClaim?.claimName,
  }));
  return { argv: argv.slice(1), c, mounts };
}

describe('Kubernetes manifests', () => {
  test('an Indexed Job of one GPU per pod, a piece per index, then a merge Job on the same volume', async () => {
    const [pvc, job] = k8s('k8s-poster.yaml');
    const [merge] = k8s('k8s-merge.yaml');
    expect(pvc.kind).toBe('PersistentVolumeClaim');
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']);
    expect([job.kind, job.spec.completionMode]).toEqual(['Job', 'Indexed']);
    const n = job.spec.completions!;
    expect(job.spec.parallelism).toBeLessThanOrEqual(n);
    const piece = container(job);
    expect(piece.c.resources?.limits?.['nvidia.com/gpu']).toBe(1);
    const env = Object.fromEntries((piece.c.env ?? []).map((e) => [e.name, e.value]));
    const at = (index: number) =>
      runCli([...piece.argv, '--dry-run'], {
        env: { ...process.env, ...env, JOB_COMPLETION_INDEX: String(index) },
      });
    const m = container(merge);
    const [a, b, merged] = await Promise.all([at(0), at(n - 1), runCli([...m.argv, '--dry-run'])]);
    const [pa, pb] = [dryPiece(a.stdout), dryPiece(b.stdout)];
    expect([pa.k, pb.k, pa.n]).toEqual([0, n - 1, n]);
    // Pieces land on the claimed volume, and the merge reads that folder from the same claim.
    const mount = piece.mounts.find((x) => pa.dir.startsWith(x.path + '/'));
    expect(mount?.claim).toBe(pvc.metadata.name);
    expect(m.argv[0]).toBe('merge');
    expect(m.argv[1]).toBe(pa.dir);
    expect(m.mounts).toContainEqual(mount);
    expect(m.c.resources?.limits?.['nvidia.com/gpu']).toBeUndefined();
    expect(merged.stdout).toContain(`dry run: pieces from ${pa.dir} into`);
  });
});
