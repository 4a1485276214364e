#!/usr/bin/env node
// Entry point of the `gdlab` command: runs the TypeScript sources directly (tsx), with `?raw` shader imports.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('./raw-loader.js', import.meta.url);
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
