/** Entry of a Web Worker of the lab's CPU engine. */
import type { JobRequest } from './protocol.ts';
import { serveJobs } from './serve.ts';

const scope = self as unknown as Worker;
serveJobs({
  postMessage: (m, transfer) => scope.postMessage(m, transfer ?? []),
  onMessage: (listener) =>
    scope.addEventListener('message', (e: MessageEvent<JobRequest>) => listener(e.data)),
});
