/** What the primary and its worker threads say to each other (structured clones). */
import type { ClientGrant } from './clients/access.js';
import type { QuotaPolicy } from './clients/quotas.js';
import type { NumberKey } from './core/numberFormat.js';

/** With a clients file: who may call, and the shared state of their quotas. Never a token. */
export interface ClientSettings {
  /** In the clients file's order; a client is its index. */
  grants: ClientGrant[];
  policies: QuotaPolicy[];
  /** The quotas' token buckets (clients/quotas.ts). */
  quotas: SharedArrayBuffer;
  /** Numbers issued and refused per client (metrics.ts). */
  counters: SharedArrayBuffer;
}

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
  /** Absent: no clients file, every request is served as before. */
  clients?: ClientSettings;
}

export type PrimaryToWorker = { type: 'drain' };

export type WorkerToPrimary =
  | { type: 'listening' }
  | { type: 'listen-failed'; message: string }
  /** Sent once the listen socket is closed and no more numbers will be issued. */
  | { type: 'drained' };
