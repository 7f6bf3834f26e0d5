/**
 * Starting a worker thread from a bench .ts module. Node 20 does not pass
 * tsx's loader on to worker threads, so the thread starts from a one-line
 * bootstrap that registers tsx first (as src/primary/workerPool.ts does).
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function spawnTsWorker(url: URL, options: WorkerOptions = {}): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}
