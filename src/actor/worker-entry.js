// Piscina loads this plain-JS file in each worker thread: it installs the TypeScript loader
// (loader hooks are per thread) and re-exports the worker's handler.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./worker.ts');
export default worker.default;
