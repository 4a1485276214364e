/** Entry of a worker_threads CPU worker (started through bin/cpu-worker.js, which loads TypeScript). */
import { parentPort } from 'node:worker_threads';
import type { JobRequest } from './protocol.ts';
import { serveJobs } from './serve.ts';

const port = parentPort;
if (!port) throw new Error('node-worker.ts runs in a worker thread');
serveJobs({
  postMessage: (m, transfer) => port.postMessage(m, transfer as never),
  onMessage: (listener) => port.on('message', (m: JobRequest) => listener(m)),
});
