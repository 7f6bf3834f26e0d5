/** What the primary and its worker threads say to each other (structured clones). */
import type { NumberKey } from './core/numberFormat.js';

/** Handed to each worker thread at start as workerData. */
export interface WorkerSettings {
  /** The control block (see core/controlBlock.ts). */
  control: SharedArrayBuffer;
  /** Counters of the primary and every worker (see metrics.ts). */
  counters: SharedArrayBuffer;
  /** The memory budget for request bodies, shared by all workers (see core/bodyBudget.ts). */
  bodyBudget: SharedArrayBuffer;
  /** How many workers there are, for /metrics. */
  workers: number;
  host: string;
  port: number;
  /** 1-based, for logs. */
  workerIndex: number;
  logLevel: string;
  /** One log line per request (off by default: it costs on the hot path). */
  logRequests: boolean;
  /** The key numbers are encrypted under; absent for the sequential format. Never logged. */
  numberKey?: NumberKey;
}

export type PrimaryToWorker = { type: 'drain' };

export type WorkerToPrimary =
  | { type: 'listening' }
  | { type: 'listen-failed'; message: string }
  /** Sent once the listen socket is closed and no more numbers will be issued. */
  | { type: 'drained' };
