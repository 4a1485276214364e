// Placeholder until the subcommand lands; replaced by its implementation.
import { CliError } from './args.ts';

export const help = 'gdlab gallery: not implemented yet\n';

export async function run(_argv: string[]): Promise<number> {
  throw new CliError('not implemented yet');
}
