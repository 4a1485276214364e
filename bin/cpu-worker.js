// Entry of a gdlab CPU worker thread: the same TypeScript loader as bin/gdlab.js (tsx, and `?raw`
// imports), then the worker module named in workerData.
import { register } from 'node:module';
import { workerData } from 'node:worker_threads';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('./raw-loader.js', import.meta.url);
await import(workerData.entry);
