// The corpus runner process: loads the TypeScript sources the way bin/gdlab.js does, then runs the
// cases it is sent through the CLI's main(), one after another (see runner-main.ts).
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('../../bin/raw-loader.js', import.meta.url);
await import('./runner-main.ts');
