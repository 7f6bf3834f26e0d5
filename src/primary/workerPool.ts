/**
 * The HTTP worker threads: started, restarted when one dies, and drained on
 * shutdown. uWS aborts the process if a thread is terminated while it holds
 * connections, so threads are never terminated: they are told to drain and
 * exit by themselves.
 */
import type { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.js';
import type { PrimaryToWorker, WorkerSettings, WorkerToPrimary } from '../messages.js';
import { spawnWorker } from './spawnWorker.js';

const RESTART_DELAY_MS = 1000;

export interface WorkerPoolOptions {
  count: number;
  settings: Omit<WorkerSettings, 'workerIndex'>;
  log: Logger;
  /** The worker thread's module. */
  workerUrl: URL;
  /** Called each time worker `index` died, before it is restarted: for /metrics, and what it held. */
  onRestart?: (index: number) => void;
}

export class WorkerPool {
  readonly #options: WorkerPoolOptions;
  /** Running threads by worker index; a thread leaves when it exits. */
  readonly #workers = new Map<number, Worker>();
  /** One promise per running thread, settled when it exits. */
  readonly #exits = new Set<Promise<void>>();
  readonly #restartTimers = new Set<NodeJS.Timeout>();
  #stopping = false;
  restarts = 0;

  constructor(options: WorkerPoolOptions) {
    this.#options = options;
  }

  /** Starts every worker and resolves once all of them listen. */
  async start(): Promise<void> {
    const started = [];
    for (let index = 1; index <= this.#options.count; index += 1) started.push(this.#spawn(index));
    await Promise.all(started);
  }

  /** Tells every running worker to stop listening; resolves once none will issue another number. */
  async drain(): Promise<void> {
    this.#stopping = true;
    for (const timer of this.#restartTimers) clearTimeout(timer);
    this.#restartTimers.clear();
    await Promise.all(
      [...this.#workers.values()].map(
        (worker) =>
          new Promise<void>((resolve) => {
            worker.once('exit', () => resolve());
            worker.on('message', (message: WorkerToPrimary) => {
              if (message.type === 'drained') resolve();
            });
            worker.postMessage({ type: 'drain' } satisfies PrimaryToWorker);
          }),
      ),
    );
  }

  /** Resolves once every worker thread has exited (their last connection closed). */
  async exited(): Promise<void> {
    await Promise.all([...this.#exits]);
  }

  #spawn(index: number): Promise<void> {
    const { log } = this.#options;
    const settings: WorkerSettings = { ...this.#options.settings, workerIndex: index };
    const worker = spawnWorker(this.#options.workerUrl, { workerData: settings });
    this.#workers.set(index, worker);
    const exit = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    this.#exits.add(exit);
    return new Promise((resolve, reject) => {
      let listening = false;
      worker.on('message', (message: WorkerToPrimary) => {
        if (message.type === 'listening') {
          listening = true;
          resolve();
        } else if (message.type === 'listen-failed') {
          reject(new Error(message.message));
        }
      });
      worker.on('error', (error) => {
        log.error({ err: error, worker: index }, 'worker crashed');
        if (!listening) reject(error);
      });
      worker.on('exit', (code) => {
        this.#workers.delete(index);
        this.#exits.delete(exit);
        if (!listening) {
          reject(new Error(`worker ${index} exited with code ${code} before listening`));
          return;
        }
        if (this.#stopping) return;
        this.restarts += 1;
        this.#options.onRestart?.(index);
        log.warn({ worker: index, code, restarts: this.restarts }, 'worker exited; restarting it');
        const timer = setTimeout(() => {
          this.#restartTimers.delete(timer);
          this.#spawn(index).catch((error: unknown) =>
            log.error({ err: error, worker: index }, 'worker restart failed'),
          );
        }, RESTART_DELAY_MS);
        this.#restartTimers.add(timer);
      });
    });
  }
}
