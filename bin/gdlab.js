#!/usr/bin/env node
// Entry point of the `gdlab` command: the CLI's bundle (bin/cli-bundle.js), or, where it cannot be
// built (or GDLAB_TSX=1), the TypeScript sources directly through tsx, with `?raw` shader imports.
import { pathToFileURL } from 'node:url';
import { cliBundle } from './cli-bundle.js';

const bundle = process.env.GDLAB_TSX ? null : await cliBundle();
let main;
if (bundle) {
  ({ main } = await import(pathToFileURL(bundle).href));
} else {
  const { register } = await import('node:module');
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  register('./raw-loader.js', import.meta.url);
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
// main has flushed its output and released the device and the workers: exit without waiting for the
// natural teardown, in which Dawn and SwiftShader took another ~90 ms to free a released device.
process.exit();
