/**
 * Counters shared by all threads, for /metrics, in one SharedArrayBuffer.
 *
 * Region 0 belongs to the primary, region i (1..workers) to worker i. Each
 * region is written by its one owner only, so the hot path needs no atomics,
 * and regions start on separate cache lines so that workers do not slow each
 * other down. /metrics, answered by any worker, adds the regions up: one
 * Prometheus view of the whole instance, with no per-worker registry.
 * Float64 values count exactly up to 2^53.
 *
 * Every region ends with the same block of thread figures (CPU, heap, event
 * loop), which its thread samples once a second on a timer (ThreadSampler):
 * the request handlers do no more work for them, and /metrics reads the last
 * sample of every thread. Process-wide figures (RSS, CPU, file descriptors,
 * connections) are read when /metrics is answered, by the worker answering.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { BodyBudget } from './core/bodyBudget.js';
import { leaseTrustedForMs, readGeneration, readLimit, readNodeId, type ControlBlock } from './core/controlBlock.js';
import { issuingSecondsLeft, notIssuingReason } from './core/issuing.js';
import { MAX_NODE_ID, MAX_SECOND, secondOf } from './core/layout.js';
import type { NumberFormat } from './core/numberFormat.js';
import { ROUTES } from './api/routes.js';
import { ERRORS } from './errors.js';
import { ORDER_PARAMETER_NAMES } from './validation/orderParameters.js';
import { COMMIT, VERSION } from './version.js';

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
const BODY_BUDGET_REFUSALS = BATCH_NUMBERS + 1;
const INVALID = BODY_BUDGET_REFUSALS + 1;
const LATENCY = INVALID + VALIDATED.length; // one per bucket, then +Inf
const LATENCY_SUM = LATENCY + LATENCY_BUCKETS.length + 1;
const WORKER_FIELDS = LATENCY_SUM + 1;

// Primary region layout.
const WORKER_RESTARTS = 0;
const LEASE_LOSSES = 1;
const RECLAIMING_MS_BEFORE = 2; // total time of earlier spells without a node-ID lease, in ms
const RECLAIMING_SINCE = 3; // monotonic ms when the current spell began, or 0
const START_TIME = 4; // Unix seconds the process started, once start() ran
const ETCD_TTL = 5; // the lease TTL in seconds in etcd mode, 0 in the embedded mode
const ETCD_REACHED = 6; // monotonic ms of the last successful lease renewal or mark write, or 0
const NODE_IDS_HELD = 7; // node keys under the prefix at the last count, NaN before the first
const PRIMARY_FIELDS = 8;

// Thread block, at the same place in every region (the primary's and each worker's).
const THREAD = Math.max(WORKER_FIELDS, PRIMARY_FIELDS);
const SAMPLED = THREAD; // 1 once the thread wrote its first sample
const CPU_SECONDS = THREAD + 1; // NaN where /proc/thread-self is missing
const HEAP_USED = THREAD + 2;
const HEAP_TOTAL = THREAD + 3;
const DELAY_P50 = THREAD + 4; // event-loop delay over the last window, seconds
const DELAY_P99 = THREAD + 5;
const DELAY_MAX = THREAD + 6;
const DELAY_SUM = THREAD + 7; // since the thread (or the first thread of this region) started
const DELAY_COUNT = THREAD + 8;
const UTILIZATION = THREAD + 9; // event-loop utilisation over the last window, 0..1
const THREAD_FIELDS = 10;

/** Float64 values per 64-byte cache line: regions are whole lines. */
const LINE = 8;
const REGION = Math.ceil((THREAD + THREAD_FIELDS) / LINE) * LINE;

/** How often each thread samples its own figures. */
const SAMPLE_INTERVAL_MS = 1000;
/**
 * The event-loop delay timer's period. Node's histogram records the whole
 * period between two firings, so the delay is what exceeds it. 20 ms: 50
 * wake-ups a second per thread, and the delay is known to the millisecond.
 */
const DELAY_RESOLUTION_MS = 20;
/** How often the primary counts the node IDs held under the etcd prefix. */
const NODE_ID_COUNT_INTERVAL_MS = 30_000;

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

  /** A request refused because its body would pass the body budget. */
  bodyBudgetRefused(): void {
    this.#values[this.#base + BODY_BUDGET_REFUSALS]! += 1;
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

  /** Samples this thread's figures into its region once a second, for as long as the thread runs. */
  startSampling(): void {
    new ThreadSampler(this.#values, this.#base).start();
  }
}

/** What the primary watches in etcd mode. */
export interface EtcdWatch {
  leaseTtlSeconds: number;
  /** Node keys under the prefix: a count-only query. */
  countHeldNodeIds: () => Promise<number>;
}

/**
 * Per-client counters, when a clients file is set: numbers issued to each
 * client and numbers its quota refused, one region per worker as above (each
 * written by its own worker only), summed when rendered.
 */
export function createClientCountersBuffer(clients: number): SharedArrayBuffer {
  return new SharedArrayBuffer((MAX_WORKERS + 1) * Math.max(1, clients) * 2 * Float64Array.BYTES_PER_ELEMENT);
}

export class ClientCounters {
  readonly #values: Float64Array;
  readonly #base: number;

  constructor(buffer: SharedArrayBuffer, clients: number, workerIndex: number) {
    this.#values = new Float64Array(buffer);
    this.#base = workerIndex * clients * 2;
  }

  issued(client: number, numbers: number): void {
    this.#values[this.#base + client * 2]! += numbers;
  }

  refused(client: number, numbers: number): void {
    this.#values[this.#base + client * 2 + 1]! += numbers;
  }
}

/** The primary's counters: worker restarts and node-ID losses; its thread figures and etcd's. */
export class PrimaryMetrics {
  readonly #values: Float64Array;
  #sampler: ThreadSampler | undefined;
  #countTimer: NodeJS.Timeout | undefined;

  constructor(buffer: SharedArrayBuffer) {
    this.#values = new Float64Array(buffer);
  }

  /**
   * Starts sampling the primary thread, and in etcd mode counting the node
   * IDs held (now, then every 30 s). A count that fails leaves the last one:
   * etcd's reachability has its own figure.
   */
  start(etcd?: EtcdWatch): void {
    this.#values[START_TIME] = performance.timeOrigin / 1000;
    this.#sampler = new ThreadSampler(this.#values, 0);
    this.#sampler.start();
    if (etcd === undefined) return;
    this.#values[ETCD_TTL] = etcd.leaseTtlSeconds;
    this.#values[NODE_IDS_HELD] = Number.NaN;
    const count = (): void => {
      etcd.countHeldNodeIds().then(
        (held) => (this.#values[NODE_IDS_HELD] = held),
        () => undefined,
      );
    };
    count();
    this.#countTimer = setInterval(count, NODE_ID_COUNT_INTERVAL_MS).unref();
  }

  /** Stops the timers of start(), before the etcd client closes. */
  stop(): void {
    this.#sampler?.stop();
    clearInterval(this.#countTimer);
  }

  /** etcd answered a lease renewal or a mark write, at monotonic time `nowMs`. */
  etcdReached(nowMs: number): void {
    this.#values[ETCD_REACHED] = nowMs;
  }

  workerRestarted(): void {
    this.#values[WORKER_RESTARTS]! += 1;
  }

  /** The node ID's lease was lost at monotonic time `nowMs`: a node ID is being claimed again. */
  leaseLost(nowMs: number): void {
    this.#values[LEASE_LOSSES]! += 1;
    if (this.#values[RECLAIMING_SINCE] === 0) this.#values[RECLAIMING_SINCE] = nowMs;
  }

  /** A node ID is held again, and numbers are issued under it. */
  leaseHeldAgain(nowMs: number): void {
    const since = this.#values[RECLAIMING_SINCE]!;
    if (since === 0) return;
    this.#values[RECLAIMING_MS_BEFORE]! += nowMs - since;
    this.#values[RECLAIMING_SINCE] = 0;
  }
}

/** The CPU time of the calling thread, in seconds, or NaN where Linux's /proc/thread-self is missing. */
function threadCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'latin1');
    // The fields after the command name, which may itself hold spaces: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // In clock ticks of USER_HZ, which is 100 on every Linux architecture Node runs on.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * One thread's figures, written into its region once a second by a timer of
 * that thread (unref'd: it never keeps a draining thread alive).
 */
class ThreadSampler {
  readonly #values: Float64Array;
  readonly #base: number;
  readonly #delay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
  /** CPU of the threads that held this region before (a restarted worker's counter goes on from theirs). */
  #cpuBefore = 0;
  #utilization: EventLoopUtilization | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(values: Float64Array, base: number) {
    this.#values = values;
    this.#base = base;
  }

  start(): void {
    this.#cpuBefore = this.#values[this.#base + CPU_SECONDS] || 0;
    // No event-loop figures until a window has passed (a restarted worker's would be its predecessor's).
    for (const field of [DELAY_P50, DELAY_P99, DELAY_MAX, UTILIZATION]) this.#values[this.#base + field] = Number.NaN;
    this.#delay.enable();
    this.#utilization = performance.eventLoopUtilization();
    this.#sample(false);
    this.#timer = setInterval(() => this.#sample(true), SAMPLE_INTERVAL_MS).unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#delay.disable();
  }

  /** `window`: a sampling interval has passed since the last sample, so the event loop's figures mean something. */
  #sample(window: boolean): void {
    const values = this.#values;
    const at = this.#base;
    values[at + CPU_SECONDS] = this.#cpuBefore + threadCpuSeconds();
    const heap = getHeapStatistics();
    values[at + HEAP_USED] = heap.used_heap_size;
    values[at + HEAP_TOTAL] = heap.total_heap_size;
    const delay = this.#delay;
    if (window && delay.count > 0) {
      const late = (nanoseconds: number): number => Math.max(0, nanoseconds / 1e9 - DELAY_RESOLUTION_MS / 1000);
      values[at + DELAY_P50] = late(delay.percentile(50));
      values[at + DELAY_P99] = late(delay.percentile(99));
      values[at + DELAY_MAX] = late(delay.max);
      values[at + DELAY_SUM]! += late(delay.mean) * delay.count;
      values[at + DELAY_COUNT]! += delay.count;
      delay.reset();
    }
    if (window) {
      const utilization = performance.eventLoopUtilization();
      values[at + UTILIZATION] = performance.eventLoopUtilization(utilization, this.#utilization).utilization;
      this.#utilization = utilization;
    }
    values[at + SAMPLED] = 1;
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
  /** The memory budget for request bodies. */
  bodyBudget: BodyBudget;
  workers: number;
  /** Unix ms. */
  wallMs: number;
  /** monotonicMs(). */
  monotonicMs: number;
  format: NumberFormat;
  /** The port the workers listen on, whose connections are counted. */
  port: number;
  /** With a clients file: the clients' names, in the file's order, and their counters. */
  clients?: { names: readonly string[]; counters: SharedArrayBuffer };
}

/** A label value as the text format wants it. */
const labelValue = (text: string): string => text.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));

/** Runs a read of /proc; undefined where it fails (not Linux, or no /proc): the sample is left out. */
function fromProc<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/**
 * TCP connections in state ESTABLISHED whose local port is `port`, in
 * /proc/net/tcp and tcp6: the connections to this instance, over all its
 * workers (accepted or still in the accept queue), seen from this network
 * namespace. uWS 20.30 has no connection callbacks for HTTP and file
 * descriptors belong to the process, so no worker can tell its own.
 */
function establishedConnections(port: number): number {
  let count = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = fromProc(() => readFileSync(file, 'latin1')) ?? '';
    for (const line of text.split('\n').slice(1)) {
      // "  sl  local_address:PORT rem_address:PORT st ...", in hexadecimal; state 01 is ESTABLISHED.
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (fields[3] !== '01' || local === undefined) continue;
      if (parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port) count += 1;
    }
  }
  return count;
}

/** The soft limit on open files, from /proc/self/limits. */
function maxOpenFiles(): number | undefined {
  const line = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'latin1'));
  return line === null ? undefined : Number(line[1]);
}

/** Numbers issued and refused per client, summed over the workers. */
function renderClients(
  lines: string[],
  family: (name: string, type: string, help: string) => void,
  clients: NonNullable<InstanceState['clients']>,
  workers: number,
): void {
  const values = new Float64Array(clients.counters);
  const count = clients.names.length;
  const total = (client: number, field: number): number => {
    let sum = 0;
    for (let w = 1; w <= workers; w += 1) sum += values[w * count * 2 + client * 2 + field] ?? 0;
    return sum;
  };
  family('tracknum_client_numbers_issued_total', 'counter', 'Tracking numbers issued, by client (clients file).');
  clients.names.forEach((name, client) =>
    lines.push(`tracknum_client_numbers_issued_total{client="${labelValue(name)}"} ${total(client, 0)}`),
  );
  family(
    'tracknum_client_numbers_refused_total',
    'counter',
    "Tracking numbers refused by the client's quota (429), by client (clients file).",
  );
  clients.names.forEach((name, client) =>
    lines.push(`tracknum_client_numbers_refused_total{client="${labelValue(name)}"} ${total(client, 1)}`),
  );
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

  if (state.clients !== undefined) renderClients(lines, family, state.clients, workers);

  family(
    'tracknum_body_bytes_held',
    'gauge',
    'Bytes of request bodies still arriving held in memory, all workers together (counted against the body budget).',
  );
  lines.push(`tracknum_body_bytes_held ${state.bodyBudget.held}`);
  family('tracknum_body_budget_bytes', 'gauge', 'The body budget: bytes of request bodies that may be held at once.');
  lines.push(`tracknum_body_budget_bytes ${state.bodyBudget.limit}`);
  family(
    'tracknum_body_budget_refusals_total',
    'counter',
    'Requests refused (503 BODY_BUDGET_EXHAUSTED) because their body would pass the body budget.',
  );
  lines.push(`tracknum_body_budget_refusals_total ${sum(values, workers, BODY_BUDGET_REFUSALS)}`);

  family(
    'tracknum_validation_failures_total',
    'counter',
    'Rejected order parameters, of GET /next-tracking-number queries and batch orders (those listed in the answers: at most 100 a request).',
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
  family(
    'tracknum_issuing',
    'gauge',
    '1 while numbers can be issued (a node ID, seconds reserved, not shutting down).',
  );
  const issuing = notIssuingReason(control, secondOf(state.wallMs)) === undefined;
  lines.push(`tracknum_issuing ${issuing ? 1 : 0}`);

  family('tracknum_lease_losses_total', 'counter', 'Times issuing stopped because the node ID was lost.');
  lines.push(`tracknum_lease_losses_total ${values[LEASE_LOSSES] ?? 0}`);
  const since = values[RECLAIMING_SINCE] ?? 0;
  const reclaimingMs = (values[RECLAIMING_MS_BEFORE] ?? 0) + (since === 0 ? 0 : state.monotonicMs - since);
  family(
    'tracknum_reclaiming_seconds_total',
    'counter',
    'Time spent claiming a node ID again after a lease loss (issuing goes on below the stored limit meanwhile).',
  );
  lines.push(`tracknum_reclaiming_seconds_total ${reclaimingMs / 1000}`);
  family(
    'tracknum_issuing_seconds_left',
    'gauge',
    'Seconds this instance can go on issuing with no more seconds reserved (etcd unreachable): from the clock to the stored limit.',
  );
  lines.push(`tracknum_issuing_seconds_left ${issuingSecondsLeft(control, secondOf(state.wallMs))}`);

  family('tracknum_high_water_second', 'gauge', 'Reserved and persisted limit of seconds (since 2025-01-01).');
  lines.push(`tracknum_high_water_second ${readLimit(control)}`);
  family('tracknum_high_water_headroom_seconds', 'gauge', 'Seconds between the wall clock and the reserved limit.');
  lines.push(`tracknum_high_water_headroom_seconds ${readLimit(control) - secondOf(state.wallMs)}`);

  family('tracknum_worker_restarts_total', 'counter', 'Worker threads restarted after dying.');
  lines.push(`tracknum_worker_restarts_total ${values[WORKER_RESTARTS] ?? 0}`);
  family('tracknum_workers', 'gauge', 'Configured worker threads.');
  lines.push(`tracknum_workers ${workers}`);

  family(
    'tracknum_build_info',
    'gauge',
    'Always 1: the tracknum version, the commit the bundle was built from (unknown when run from the sources), the Node.js version running it (node) and the number format.',
  );
  const build = { version: VERSION, commit: COMMIT, node: process.versions.node, format: state.format };
  const buildLabels = Object.entries(build).map(([name, value]) => `${name}="${labelValue(value)}"`);
  lines.push(`tracknum_build_info{${buildLabels.join(',')}} 1`);

  family('tracknum_layout_max_second', 'gauge', 'Last second (since 2025-01-01) a tracking number can carry.');
  lines.push(`tracknum_layout_max_second ${MAX_SECOND}`);
  family('tracknum_node_ids_capacity', 'gauge', 'Node IDs a number space has (instances issuing at once).');
  lines.push(`tracknum_node_ids_capacity ${MAX_NODE_ID + 1}`);

  const ttl = values[ETCD_TTL] ?? 0;
  const reached = values[ETCD_REACHED] ?? 0;
  const held = values[NODE_IDS_HELD] ?? Number.NaN;
  family(
    'tracknum_etcd_lease_ttl_seconds',
    'gauge',
    'etcd mode: the TTL of the node-ID lease (absent: embedded mode).',
  );
  if (ttl > 0) lines.push(`tracknum_etcd_lease_ttl_seconds ${ttl}`);
  family(
    'tracknum_etcd_last_success_age_seconds',
    'gauge',
    'etcd mode: seconds since etcd last answered this instance (a lease renewal or a mark write).',
  );
  if (ttl > 0 && reached > 0) {
    lines.push(`tracknum_etcd_last_success_age_seconds ${Math.max(0, (state.monotonicMs - reached) / 1000)}`);
  }
  family('tracknum_node_ids_held', 'gauge', 'etcd mode: node IDs held under the prefix, counted every 30 s.');
  if (ttl > 0 && !Number.isNaN(held)) lines.push(`tracknum_node_ids_held ${held}`);

  family(
    'tracknum_open_connections',
    'gauge',
    'TCP connections established to the service port, all workers together.',
  );
  const connections = fromProc(() => establishedConnections(state.port));
  if (connections !== undefined) lines.push(`tracknum_open_connections ${connections}`);

  const cpu = process.cpuUsage();
  family('process_cpu_seconds_total', 'counter', 'CPU time of the whole process (every thread), user and system.');
  lines.push(`process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`);
  family('process_resident_memory_bytes', 'gauge', 'Resident memory of the whole process.');
  lines.push(`process_resident_memory_bytes ${process.memoryUsage.rss()}`);
  family('process_start_time_seconds', 'gauge', 'When the process started, in Unix seconds.');
  const startTime = values[START_TIME] ?? 0;
  if (startTime > 0) lines.push(`process_start_time_seconds ${startTime}`);
  family('process_open_fds', 'gauge', 'Open file descriptors of the process.');
  const openFds = fromProc(() => readdirSync('/proc/self/fd').length);
  if (openFds !== undefined) lines.push(`process_open_fds ${openFds}`);
  family('process_max_fds', 'gauge', 'The soft limit on open file descriptors.');
  const maxFds = fromProc(maxOpenFiles);
  if (maxFds !== undefined) lines.push(`process_max_fds ${maxFds}`);

  renderThreads(lines, family, values, workers);
  lines.push('');
  return lines.join('\n');
}

/** The thread figures of the primary (region 0) and of workers 1..workers, each once sampled. */
function renderThreads(
  lines: string[],
  family: (name: string, type: string, help: string) => void,
  values: Float64Array,
  workers: number,
): void {
  const threads: { label: string; at: number }[] = [];
  for (let region = 0; region <= workers; region += 1) {
    if (values[region * REGION + SAMPLED] === 1) {
      threads.push({ label: region === 0 ? 'primary' : `worker-${region}`, at: region * REGION });
    }
  }
  const each = (name: string, field: number, suffix = ''): void => {
    for (const { label, at } of threads) {
      const value = values[at + field] ?? Number.NaN;
      if (!Number.isNaN(value)) lines.push(`${name}{thread="${label}"${suffix}} ${value}`);
    }
  };
  family(
    'tracknum_thread_cpu_seconds_total',
    'counter',
    'CPU time of each thread (primary, worker-N), sampled every second.',
  );
  each('tracknum_thread_cpu_seconds_total', CPU_SECONDS);
  family('nodejs_heap_size_used_bytes', 'gauge', "V8 heap in use, of each thread's isolate, sampled every second.");
  each('nodejs_heap_size_used_bytes', HEAP_USED);
  family('nodejs_heap_size_total_bytes', 'gauge', "V8 heap allocated, of each thread's isolate, sampled every second.");
  each('nodejs_heap_size_total_bytes', HEAP_TOTAL);
  family(
    'nodejs_eventloop_delay_seconds',
    'summary',
    "How late each thread's event loop ran a 20 ms timer: quantiles over the last second; sum and count since start.",
  );
  each('nodejs_eventloop_delay_seconds', DELAY_P50, ',quantile="0.5"');
  each('nodejs_eventloop_delay_seconds', DELAY_P99, ',quantile="0.99"');
  each('nodejs_eventloop_delay_seconds_sum', DELAY_SUM);
  each('nodejs_eventloop_delay_seconds_count', DELAY_COUNT);
  family('nodejs_eventloop_delay_max_seconds', 'gauge', 'Longest event-loop delay of each thread in the last second.');
  each('nodejs_eventloop_delay_max_seconds', DELAY_MAX);
  family(
    'nodejs_eventloop_utilization_ratio',
    'gauge',
    "Share of the last second each thread's event loop spent running code rather than waiting.",
  );
  each('nodejs_eventloop_utilization_ratio', UTILIZATION);
}
