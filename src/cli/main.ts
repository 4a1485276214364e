/**
 * The `gdlab` command line. Each subcommand lives in its own module and is loaded on demand, so
 * `gdlab trajectory` never pays for Dawn. Errors a user can act on are printed as one message,
 * never a stack trace.
 */
import { CliError } from './args.ts';

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
`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`gdlab: unknown command '${name}'\n\n${USAGE}`);
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
    if (
      e instanceof Error &&
      (e.name === 'CliError' || e.name === 'SpecError' || e.name === 'ObjectiveError')
    ) {
      process.stderr.write(`gdlab ${name}: ${e.message}\n`);
      return 2;
    }
    if (e instanceof CliError) return 2;
    throw e;
  }
}
