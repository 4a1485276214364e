/**
 * The `gdlab` command line. Each subcommand lives in its own module and is loaded on demand, so
 * `gdlab trajectory` never pays for Dawn. Errors a user can act on are printed as one message,
 * never a stack trace.
 */
import { escapeControl } from './args.ts';
import { nearNames } from '../experiment/near-names.ts';

interface Command {
  summary: string;
  load: () => Promise<{ run(argv: string[]): Promise<number>; help: string }>;
}

const COMMANDS: Record<string, Command> = {
  trajectory: {
    summary: 'one GD trajectory in float64, with gradient flow and modified equations',
    load: () => import('./trajectory.ts'),
  },
  basin: {
    summary: 'a basin map over a plane of starts or learning rates (GPU or CPU)',
    load: () => import('./basin.ts'),
  },
  bifurcation: {
    summary: 'long-run iterates against the learning rate, as a density',
    load: () => import('./bifurcation.ts'),
  },
  density: {
    summary: 'histogram of long-run iterates against the Gibbs prediction',
    load: () => import('./density.ts'),
  },
  attractor: {
    summary: 'density of long-run iterates over a pair of quantities at one h (strange attractors)',
    load: () => import('./attractor.ts'),
  },
  merge: { summary: 'assemble pieces of basin --tile/--stack exactly', load: () => import('./merge.ts') },
  gallery: {
    summary: 'render the gallery of phenomena from the seed text',
    load: () => import('./gallery.ts'),
  },
  bench: {
    summary: 'steps per second: engine, bare GD kernel and CPU reference side by side',
    load: () => import('./bench.ts'),
  },
};

export const USAGE = `gdlab: gradient descent at large learning rates

usage: gdlab <command> [options]     (gdlab <command> --help for its options)

commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`)
  .join('\n')}

exit status: 0 done, 1 a file could not be read or written, the run was stopped (--max-seconds),
this build cannot run the engine asked for or the run does not fit in its memory, 2 a usage error
(the message names the flag or field), 3 an internal error
`;

/**
 * Errors a user can act on, and the exit status each gives: 2 for usage, 1 for I/O, stopped runs and
 * engines. Keyed by name (main loads no engine to test classes), a GpuError by name and kind.
 */
const EXIT_STATUS: Readonly<Record<string, number>> = {
  CliError: 2,
  SpecError: 2,
  ObjectiveError: 2,
  IoError: 1,
  RunStopped: 1,
  // An engine this build of gdlab cannot run (the CPU engine's workers in a single-file bundle).
  EngineUnavailable: 1,
  // A valid spec whose records the CPU engine cannot hold (src/core/host-result.ts).
  CpuMemoryError: 1,
  // The GPU engine's refusal (src/engine/shader.ts, buffer-pool.ts, tiles.ts): as the CPU's, the run
  // does not fit this device, not a bug. Its validation, internal and lost kinds stay internal errors.
  'GpuError:out-of-memory': 1,
};

/** An error's key in EXIT_STATUS: its name, with a GpuError's kind. */
function exitKey(e: Error): string {
  const kind = (e as Error & { kind?: unknown }).kind;
  return e.name === 'GpuError' && typeof kind === 'string' ? `GpuError:${kind}` : e.name;
}

/** The first error standard output reported (a full disk, a closed pipe), if any. */
let stdoutError: NodeJS.ErrnoException | null = null;
let listening = false;

/** Resolves once everything written to stdout so far has been handed to the system (or failed). */
function flushStdout(): Promise<void> {
  if (stdoutError || process.stdout.destroyed) return Promise.resolve();
  return new Promise((resolve) => process.stdout.write('', () => resolve()));
}

export async function main(argv: string[]): Promise<number> {
  // A write to a full disk or a closed pipe is reported on the stream as an 'error' event, which
  // without a listener is an uncaught exception with a stack trace.
  if (!listening) {
    listening = true;
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      stdoutError ??= e;
    });
  }
  const status = await runCommand(argv);
  await flushStdout();
  if (stdoutError) {
    // A reader that went away (`| head`) is not worth a message; anything else is.
    if (stdoutError.code !== 'EPIPE') {
      const { systemReason } = await import('./output.ts');
      process.stderr.write(`gdlab: cannot write to standard output: ${systemReason(stdoutError)}\n`);
    }
    return status === 0 ? 1 : status;
  }
  return status;
}

async function runCommand(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    const near = nearNames(name, Object.keys(COMMANDS));
    const hint = near.length ? ` (did you mean ${near.join(' or ')}?)` : '';
    process.stderr.write(`gdlab: unknown command '${escapeControl(name)}'${hint}\n\n${USAGE}`);
    return 2;
  }
  try {
    const mod = await command.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(mod.help);
      return 0;
    }
    return await mod.run(rest);
  } catch (e) {
    const key = e instanceof Error ? exitKey(e) : '';
    if (e instanceof Error && Object.hasOwn(EXIT_STATUS, key)) {
      // A GpuError ends with the driver's message, which goes on with the call it failed in
      // (" - While calling …"): its first line says what failed.
      const text = key.startsWith('GpuError:') ? e.message.split('\n')[0] : e.message;
      process.stderr.write(`gdlab ${name}: ${escapeControl(text)}\n`);
      return EXIT_STATUS[key];
    }
    // A bug (ours or a driver's): still one line, with the stack only on request.
    const err = e as Error;
    const what = err instanceof Error ? `${err.name}: ${err.message}` : String(e);
    process.stderr.write(`gdlab ${name}: internal error: ${escapeControl(what.split('\n')[0])}\n`);
    if (process.env.GDLAB_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
    else process.stderr.write(`gdlab ${name}: (set GDLAB_DEBUG=1 to see where it happened)\n`);
    return 3;
  }
}
