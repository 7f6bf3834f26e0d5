/**
 * Counters shared by all threads, for /metrics. Each worker writes only its
 * own slot, so no atomics are needed on the hot path; slots are a cache line
 * apart so that workers do not slow each other down. Float64 slots count
 * exactly up to 2^53.
 */
export const MAX_WORKERS = 256;
/** Float64 values per 64-byte cache line. */
const SLOT = 8;

export function createWorkerCounters(): SharedArrayBuffer {
  return new SharedArrayBuffer((MAX_WORKERS + 1) * SLOT * Float64Array.BYTES_PER_ELEMENT);
}

/** One worker's view: counts the numbers it issued. */
export class IssuedCounter {
  readonly #slots: Float64Array;
  readonly #index: number;

  constructor(buffer: SharedArrayBuffer, workerIndex: number) {
    if (!Number.isInteger(workerIndex) || workerIndex < 1 || workerIndex > MAX_WORKERS) {
      throw new RangeError(`worker index must be 1..${MAX_WORKERS}, got ${workerIndex}`);
    }
    this.#slots = new Float64Array(buffer);
    this.#index = workerIndex * SLOT;
  }

  increment(): void {
    this.#slots[this.#index]! += 1;
  }
}

/** Numbers issued by workers 1..workers, in order. */
export function issuedByWorker(buffer: SharedArrayBuffer, workers: number): number[] {
  const slots = new Float64Array(buffer);
  return Array.from({ length: workers }, (_, i) => slots[(i + 1) * SLOT] ?? 0);
}

/** The Prometheus text exposition of the counters. */
export function renderMetrics(buffer: SharedArrayBuffer, workers: number, nodeId: number, ready: boolean): string {
  const issued = issuedByWorker(buffer, workers);
  return [
    '# HELP tracknum_numbers_issued_total Tracking numbers issued, by worker thread.',
    '# TYPE tracknum_numbers_issued_total counter',
    ...issued.map((count, i) => `tracknum_numbers_issued_total{worker="${i + 1}"} ${count}`),
    '# HELP tracknum_node_id Node ID held by this instance (-1 when none).',
    '# TYPE tracknum_node_id gauge',
    `tracknum_node_id ${ready ? nodeId : -1}`,
    '',
  ].join('\n');
}
