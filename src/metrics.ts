/**
 * Counters shared by all threads, for /metrics, in one SharedArrayBuffer.
 *
 * Region 0 belongs to the primary, region i (1..workers) to worker i. Each
 * region is written by its one owner only, so the hot path needs no atomics,
 * and regions start on separate cache lines so that workers do not slow each
 * other down. /metrics, answered by any worker, adds the regions up: one
 * Prometheus view of the whole instance, with no per-worker registry.
 * Float64 values count exactly up to 2^53.
 */
import { leaseTrustedForMs, readGeneration, readLimit, readNodeId, type ControlBlock } from './core/controlBlock.js';
import { notIssuingReason } from './core/issuing.js';
import { secondOf } from './core/layout.js';
import { ROUTES } from './api/routes.js';
import { ERRORS } from './errors.js';
import { ORDER_PARAMETER_NAMES } from './validation/orderParameters.js';

/** The most worker threads an instance runs: the counters have a region for each. */
export const MAX_WORKERS = 256;

/** Statuses tracknum answers: 200, and those of the errors it answers to clients; anything else counts as 'other'. */
const STATUSES = [200, ...new Set(Object.values(ERRORS).map((error) => error.status))]
  .filter((status) => status > 0)
  .sort((a, b) => a - b);
const STATUS_INDEX = new Int8Array(600).fill(STATUSES.length);
STATUSES.forEach((status, i) => (STATUS_INDEX[status] = i));
const STATUS_LABELS = [...STATUSES.map(String), 'other'];

/** Parameters named in validation failures; 'other' is an unknown or malformed one. */
const VALIDATED = [...ORDER_PARAMETER_NAMES, 'other'];

/** Upper bounds (seconds) of the handler latency histogram of GET /next-tracking-number. */
const LATENCY_BUCKETS = [0.00002, 0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01] as const;

// Worker region layout.
const REQUESTS = 0;
const ISSUED = REQUESTS + ROUTES.length * STATUS_LABELS.length;
const BATCHES = ISSUED + 1;
const BATCH_NUMBERS = BATCHES + 1;
const INVALID = BATCH_NUMBERS + 1;
const LATENCY = INVALID + VALIDATED.length; // one per bucket, then +Inf
const LATENCY_SUM = LATENCY + LATENCY_BUCKETS.length + 1;
const WORKER_FIELDS = LATENCY_SUM + 1;

// Primary region layout.
const WORKER_RESTARTS = 0;
const LEASE_LOSSES = 1;
const FENCED_MS_BEFORE = 2; // total fenced time of earlier spells, in ms
const FENCED_SINCE = 3; // monotonic ms when the current spell began, or 0
const PRIMARY_FIELDS = 4;

/** Float64 values per 64-byte cache line: regions are whole lines. */
const LINE = 8;
const REGION = Math.ceil(Math.max(WORKER_FIELDS, PRIMARY_FIELDS) / LINE) * LINE;

export function createMetricsBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer((MAX_WORKERS + 1) * REGION * Float64Array.BYTES_PER_ELEMENT);
}

/** One worker's counters. */
export class WorkerMetrics {
  readonly #values: Float64Array;
  readonly #base: number;

  constructor(buffer: SharedArrayBuffer, workerIndex: number) {
    if (!Number.isInteger(workerIndex) || workerIndex < 1 || workerIndex > MAX_WORKERS) {
      throw new RangeError(`worker index must be 1..${MAX_WORKERS}, got ${workerIndex}`);
    }
    this.#values = new Float64Array(buffer);
    this.#base = workerIndex * REGION;
  }

  request(route: number, status: number): void {
    const statusIndex = STATUS_INDEX[status] ?? STATUSES.length;
    this.#values[this.#base + REQUESTS + route * STATUS_LABELS.length + statusIndex]! += 1;
  }

  issued(): void {
    this.#values[this.#base + ISSUED]! += 1;
  }

  /** A batch answered with its `numbers` numbers. */
  batchIssued(numbers: number): void {
    this.#values[this.#base + ISSUED]! += numbers;
    this.#values[this.#base + BATCHES]! += 1;
    this.#values[this.#base + BATCH_NUMBERS]! += numbers;
  }

  /** A validation failure naming ORDER_PARAMETER_NAMES[parameter], or -1 for an unknown or malformed one. */
  invalid(parameter: number): void {
    const index = parameter >= 0 && parameter < ORDER_PARAMETER_NAMES.length ? parameter : ORDER_PARAMETER_NAMES.length;
    this.#values[this.#base + INVALID + index]! += 1;
  }

  latency(seconds: number): void {
    let bucket = 0;
    while (bucket < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[bucket]!) bucket += 1;
    this.#values[this.#base + LATENCY + bucket]! += 1;
    this.#values[this.#base + LATENCY_SUM]! += seconds;
  }
}

/** The primary's counters: worker restarts and node-ID losses. */
export class PrimaryMetrics {
  readonly #values: Float64Array;

  constructor(buffer: SharedArrayBuffer) {
    this.#values = new Float64Array(buffer);
  }

  workerRestarted(): void {
    this.#values[WORKER_RESTARTS]! += 1;
  }

  /** Issuing stopped because the node ID was lost, at monotonic time `nowMs`. */
  fenced(nowMs: number): void {
    this.#values[LEASE_LOSSES]! += 1;
    if (this.#values[FENCED_SINCE] === 0) this.#values[FENCED_SINCE] = nowMs;
  }

  /** Issuing resumed under a new node ID. */
  unfenced(nowMs: number): void {
    const since = this.#values[FENCED_SINCE]!;
    if (since === 0) return;
    this.#values[FENCED_MS_BEFORE]! += nowMs - since;
    this.#values[FENCED_SINCE] = 0;
  }
}

/** Sum of field `field` over the regions of workers 1..workers. */
function sum(values: Float64Array, workers: number, field: number): number {
  let total = 0;
  for (let w = 1; w <= workers; w += 1) total += values[w * REGION + field] ?? 0;
  return total;
}

/** Numbers issued by workers 1..workers, in order. */
function issuedByWorker(buffer: SharedArrayBuffer, workers: number): number[] {
  const values = new Float64Array(buffer);
  return Array.from({ length: workers }, (_, i) => values[(i + 1) * REGION + ISSUED] ?? 0);
}

export interface InstanceState {
  control: ControlBlock;
  workers: number;
  /** Unix ms. */
  wallMs: number;
  /** monotonicMs(). */
  monotonicMs: number;
}

/** The Prometheus text exposition of the whole instance. */
export function renderMetrics(buffer: SharedArrayBuffer, state: InstanceState): string {
  const values = new Float64Array(buffer);
  const { control, workers } = state;
  const lines: string[] = [];
  const family = (name: string, type: string, help: string): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  };

  family('tracknum_requests_total', 'counter', 'HTTP requests answered, by route and status.');
  ROUTES.forEach((route, r) =>
    STATUS_LABELS.forEach((status, s) => {
      const count = sum(values, workers, REQUESTS + r * STATUS_LABELS.length + s);
      if (count > 0) lines.push(`tracknum_requests_total{route="${route}",status="${status}"} ${count}`);
    }),
  );

  family('tracknum_numbers_issued_total', 'counter', 'Tracking numbers issued, by worker thread.');
  issuedByWorker(buffer, workers).forEach((count, i) =>
    lines.push(`tracknum_numbers_issued_total{worker="${i + 1}"} ${count}`),
  );

  family('tracknum_batches_total', 'counter', 'Batches issued (POST /tracking-numbers answered 200).');
  lines.push(`tracknum_batches_total ${sum(values, workers, BATCHES)}`);
  family('tracknum_batch_numbers_issued_total', 'counter', 'Tracking numbers issued by batches (also counted above).');
  lines.push(`tracknum_batch_numbers_issued_total ${sum(values, workers, BATCH_NUMBERS)}`);

  family(
    'tracknum_validation_failures_total',
    'counter',
    'Rejected order parameters, of GET /next-tracking-number queries and batch orders.',
  );
  VALIDATED.forEach((parameter, p) =>
    lines.push(`tracknum_validation_failures_total{parameter="${parameter}"} ${sum(values, workers, INVALID + p)}`),
  );

  family(
    'tracknum_issue_duration_seconds',
    'histogram',
    'Time in the GET /next-tracking-number handler (validation, allocation, encoding, writing the answer).',
  );
  let cumulative = 0;
  LATENCY_BUCKETS.forEach((bound, b) => {
    cumulative += sum(values, workers, LATENCY + b);
    lines.push(`tracknum_issue_duration_seconds_bucket{le="${bound}"} ${cumulative}`);
  });
  cumulative += sum(values, workers, LATENCY + LATENCY_BUCKETS.length);
  lines.push(`tracknum_issue_duration_seconds_bucket{le="+Inf"} ${cumulative}`);
  lines.push(`tracknum_issue_duration_seconds_sum ${sum(values, workers, LATENCY_SUM)}`);
  lines.push(`tracknum_issue_duration_seconds_count ${cumulative}`);

  family('tracknum_node_id', 'gauge', 'Node ID this instance issues under (-1 when none).');
  lines.push(`tracknum_node_id ${readGeneration(control) !== 0 ? readNodeId(control) : -1}`);

  const trustedForMs = leaseTrustedForMs(control, state.monotonicMs);
  family('tracknum_lease_trusted_seconds', 'gauge', 'Seconds the node-ID lease is still trusted (absent: no lease).');
  if (trustedForMs !== undefined) lines.push(`tracknum_lease_trusted_seconds ${Math.max(0, trustedForMs / 1000)}`);
  family('tracknum_issuing', 'gauge', '1 while numbers can be issued (node ID held, lease trusted, seconds reserved).');
  const issuing = notIssuingReason(control, secondOf(state.wallMs), state.monotonicMs) === undefined;
  lines.push(`tracknum_issuing ${issuing ? 1 : 0}`);

  family('tracknum_lease_losses_total', 'counter', 'Times issuing stopped because the node ID was lost.');
  lines.push(`tracknum_lease_losses_total ${values[LEASE_LOSSES] ?? 0}`);
  const since = values[FENCED_SINCE] ?? 0;
  const fencedMs = (values[FENCED_MS_BEFORE] ?? 0) + (since === 0 ? 0 : state.monotonicMs - since);
  family('tracknum_fenced_seconds_total', 'counter', 'Time spent not issuing after a node-ID loss.');
  lines.push(`tracknum_fenced_seconds_total ${fencedMs / 1000}`);

  family('tracknum_high_water_second', 'gauge', 'Reserved and persisted limit of seconds (since 2025-01-01).');
  lines.push(`tracknum_high_water_second ${readLimit(control)}`);
  family('tracknum_high_water_headroom_seconds', 'gauge', 'Seconds between the wall clock and the reserved limit.');
  lines.push(`tracknum_high_water_headroom_seconds ${readLimit(control) - secondOf(state.wallMs)}`);

  family('tracknum_worker_restarts_total', 'counter', 'Worker threads restarted after dying.');
  lines.push(`tracknum_worker_restarts_total ${values[WORKER_RESTARTS] ?? 0}`);
  family('tracknum_workers', 'gauge', 'Configured worker threads.');
  lines.push(`tracknum_workers ${workers}`);
  lines.push('');
  return lines.join('\n');
}
