/**
 * The stages of the GET and of a batch, each measured alone, one thread, in
 * CPU time: the micro-benchmark side of the ledger (bench/ledger.ts). Each
 * stage runs the production function on the example order, the way a worker
 * runs it, one call at a time.
 *
 * `npm run bench:stages` prints them all; bench/ledger.ts puts them beside the
 * end-to-end shares measured with variant builds.
 */
import { pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { API_SCHEMAS } from '../../src/api/generated/apiSchemas.js';
import { ROUTE_INDEX } from '../../src/api/routes.js';
import { ClientAccess } from '../../src/clients/access.js';
import { createQuotaBuffer, Quotas } from '../../src/clients/quotas.js';
import { Allocator, NUMBERS_PER_BLOCK, type Allocation, type Run } from '../../src/core/allocator.js';
import { monotonicMs } from '../../src/core/monotonicClock.js';
import { secondOf } from '../../src/core/layout.js';
import { OpaqueEncoder, sequentialEncoder, type NumberKey } from '../../src/core/numberFormat.js';
import { printTrackingNumber } from '../../src/core/trackingNumber.js';
import { ClientCounters, createClientCountersBuffer, createMetricsBuffer, WorkerMetrics } from '../../src/metrics.js';
import { splitCanonicalQuery } from '../../src/validation/canonicalQuery.js';
import { isAssignedCountryCode } from '../../src/validation/countryCodes.js';
import { readBatchRequest } from '../../src/validation/batchRequest.js';
import { validateOrderValues } from '../../src/validation/generated/orderValidator.js';
import { ORDER_PARAMETERS, type OrderValues } from '../../src/validation/orderParameters.js';
import { parseRequestQuery } from '../../src/validation/orderQuery.js';
import { decodeFormComponent } from '../../src/validation/queryString.js';
import { batchAnswerBody, issuedAnswerBody } from '../../src/worker/issuedAnswer.js';
import { isoTimestamp } from '../../src/worker/isoTimestamp.js';
import { spawnWorker } from '../../src/primary/spawnWorker.js';
import { batchBody } from '../lib/batches.js';
import type { StageThreadData } from './benchmarkThread.js';
import { EXAMPLE_QUERY, issuingControlBlock } from './issuing.js';

/**
 * A stage: set up once, then `step` is called in a loop with 0, 1, 2, ...; `per` is how many units
 * (numbers, orders) one call handles.
 */
export interface Stage {
  readonly name: string;
  /** What the figure is per: 'request', 'number' or 'order'. */
  readonly unit: string;
  readonly per: number;
  setup(): (i: number) => unknown;
}

const EXAMPLE = parseRequestQuery(EXAMPLE_QUERY);
if (!EXAMPLE.ok) throw new Error('the example query must be valid');
const VALUES: OrderValues = EXAMPLE.values;
const ISSUED_AT = '2026-12-03T16:02:19.306Z';
const NUMBER = 'MY0EXLGY5Y22KN9N';
const KEY: NumberKey = { generation: 0, key: new Uint8Array(32).fill(7) };
/** The one-parcel orders of the batch stages. */
const ORDERS = 1000;

/** A rule of the parameter table as the OpenAPI document states it (its pattern, compiled as typia compiles it). */
function pattern(name: string): RegExp {
  const order = API_SCHEMAS.components.schemas?.['Order'] as { properties: Record<string, { pattern?: string }> };
  const source = order.properties[name]?.pattern;
  if (source === undefined) throw new Error(`no pattern for ${name} in the API schemas`);
  return new RegExp(source);
}

const value = (name: string): string => VALUES[ORDER_PARAMETERS.findIndex((entry) => entry.name === name)]!;

function patternStage(name: string): Stage {
  return {
    name: `rule: ${name} (its pattern)`,
    unit: 'request',
    per: 1,
    setup: () => {
      const regex = pattern(name);
      const text = value(name);
      return () => regex.test(text) || undefined;
    },
  };
}

export const STAGES: readonly Stage[] = [
  {
    name: 'query: the whole parse and check (parseRequestQuery)',
    unit: 'request',
    per: 1,
    setup: () => () => parseRequestQuery(EXAMPLE_QUERY),
  },
  {
    name: 'query: canonical split (one regex)',
    unit: 'request',
    per: 1,
    setup: () => () => splitCanonicalQuery(EXAMPLE_QUERY),
  },
  {
    name: 'query: decode created_at (%2B) and customer_name (%20)',
    unit: 'request',
    per: 1,
    setup: () => () =>
      decodeFormComponent('2018-11-20T19:29:32%2B08:00')!.length + decodeFormComponent('RedBox%20Logistics')!.length,
  },
  {
    name: 'rules: all seven (the typia validator)',
    unit: 'request',
    per: 1,
    setup: () => () => validateOrderValues(VALUES.slice()),
  },
  {
    name: 'rule: origin and destination (assigned country codes)',
    unit: 'request',
    per: 1,
    setup: () => () =>
      (isAssignedCountryCode(value('origin_country_id')) && isAssignedCountryCode(value('destination_country_id'))) ||
      undefined,
  },
  ...['weight', 'created_at', 'customer_id', 'customer_name', 'customer_slug'].map(patternStage),
  {
    name: 'draw: allocator.next()',
    unit: 'number',
    per: 1,
    setup: () => {
      const allocator = new Allocator(issuingControlBlock());
      const drawn: Allocation = { nodeId: 0, second: 0, counter: 0 };
      const second = secondOf(Date.now());
      return () => allocator.next(second, drawn) || undefined;
    },
  },
  {
    name: 'encode: sequential (compose + print)',
    unit: 'number',
    per: 1,
    setup: () => {
      const encoder = sequentialEncoder();
      const second = secondOf(Date.now());
      return (i) => encoder.encode('MY', second, 7, i & 0xfffff);
    },
  },
  {
    name: `encode: opaque (FF1 in blocks of ${NUMBERS_PER_BLOCK} + print)`,
    unit: 'number',
    per: 1,
    setup: () => {
      const encoder = new OpaqueEncoder(KEY, NUMBERS_PER_BLOCK);
      const second = secondOf(Date.now());
      return (i) => encoder.encode('MY', second, 7, i & 0xfffff);
    },
  },
  {
    name: 'print: printTrackingNumber (random halves, as FF1 gives)',
    unit: 'number',
    per: 1,
    setup: () => {
      const halves = Float64Array.from({ length: 4096 }, () => Math.floor(Math.random() * 36 ** 6));
      return (i) => printTrackingNumber('MY', 0, halves[i & 4095]!, halves[(i + 1) & 4095]!);
    },
  },
  {
    name: 'answer: issue time (isoTimestamp)',
    unit: 'request',
    per: 1,
    setup: () => {
      const now = Date.now();
      return (i) => isoTimestamp(now + (i & 511));
    },
  },
  {
    name: 'answer: body (issuedAnswerBody), flattened',
    unit: 'request',
    per: 1,
    // Flattened as uWS does when it writes it (a concatenation is a rope until then).
    setup: () => () => issuedAnswerBody(NUMBER, ISSUED_AT, VALUES).charCodeAt(100),
  },
  {
    name: 'metrics: request count, latency (two performance.now, histogram)',
    unit: 'request',
    per: 1,
    setup: () => {
      const counters = new WorkerMetrics(createMetricsBuffer(), 1);
      return () => {
        const started = performance.now();
        counters.latency((performance.now() - started) / 1000);
        counters.request(ROUTE_INDEX['next-tracking-number'], 200);
        counters.issued();
      };
    },
  },
  {
    name: 'clients: token lookup and grant (ClientAccess)',
    unit: 'request',
    per: 1,
    setup: () => {
      const token = 'tn_benchmarkbenchmarkbenchmarkbenchmarkbenchma';
      const access = new ClientAccess([
        { name: 'bench', tokenHash: createHash('sha256').update(token).digest('hex'), routes: ['issue'] },
      ]);
      const header = `Bearer ${token}`;
      return () => {
        const client = access.clientOf(header);
        return access.may(client, 'next-tracking-number') ? undefined : client;
      };
    },
  },
  {
    name: 'clients: quota (GCRA take, monotonic clock, counter)',
    unit: 'request',
    per: 1,
    setup: () => {
      const quotas = new Quotas(createQuotaBuffer(1), [{ quotaPerSecond: 1_048_576, burst: 2 ** 31 - 1 }]);
      const counters = new ClientCounters(createClientCountersBuffer(1), 1, 1);
      return () => {
        const wait = quotas.take(0, 1, monotonicMs());
        counters.issued(0, 1);
        return wait;
      };
    },
  },
  {
    name: `batch: read ${ORDERS} one-parcel orders (readBatchRequest)`,
    unit: 'order',
    per: ORDERS,
    setup: () => {
      const body = batchBody({ orders: ORDERS, parcelsPerOrder: 1 });
      return () => readBatchRequest(body);
    },
  },
  {
    name: `batch: JSON.parse of the same body (for comparison)`,
    unit: 'order',
    per: ORDERS,
    setup: () => {
      const body = batchBody({ orders: ORDERS, parcelsPerOrder: 1 });
      return () => JSON.parse(body) as unknown;
    },
  },
  {
    name: `batch: the rules of ${ORDERS} orders (typia validator)`,
    unit: 'order',
    per: ORDERS,
    setup: () => () => {
      let valid = 0;
      for (let k = 0; k < ORDERS; k++) if (validateOrderValues(VALUES.slice()).success) valid++;
      return valid;
    },
  },
  {
    name: `batch: encode ${ORDERS} opaque numbers (encodeRuns)`,
    unit: 'number',
    per: ORDERS,
    setup: () => {
      const encoder = new OpaqueEncoder(KEY, NUMBERS_PER_BLOCK);
      const second = secondOf(Date.now());
      const origins = Array.from({ length: ORDERS }, () => 'MY');
      let counter = 0;
      return () => {
        const runs: Run[] = [{ nodeId: 7, second, counter, count: ORDERS }];
        counter = (counter + ORDERS) % (1_048_576 - ORDERS);
        return encoder.encodeRuns(runs, origins);
      };
    },
  },
  {
    name: `batch: answer body of ${ORDERS} one-parcel orders, flattened`,
    unit: 'order',
    per: ORDERS,
    setup: () => {
      const orders = Array.from({ length: ORDERS }, () => ({ values: VALUES, parcels: 1 }));
      const numbers = Array.from({ length: ORDERS }, () => NUMBER);
      return () => batchAnswerBody(orders, numbers, ISSUED_AT).charCodeAt(1000);
    },
  },
];

/** Milliseconds of CPU time used so far by this process (all threads; only this one is busy). */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * CPU nanoseconds per unit of `stage`: the median of `trials` trials of
 * `trialMs` of CPU time each, after a warm-up. CPU time, not wall time: a
 * thread descheduled on a busy machine does not count as slow.
 */
export function measureStage(stage: Stage, trialMs: number, trials = 5): number {
  const step = stage.setup();
  let sink = 0;
  let i = 0;
  const run = (calls: number): void => {
    for (const end = i + calls; i < end; i++) if (step(i) === undefined) sink++;
  };
  const startedWarmUp = cpuMs();
  while (cpuMs() - startedWarmUp < trialMs) run(100);
  const results: number[] = [];
  for (let trial = 0; trial < trials; trial++) {
    let calls = 0;
    const started = cpuMs();
    let elapsed: number;
    do {
      run(100);
      calls += 100;
      elapsed = cpuMs() - started;
    } while (elapsed < trialMs);
    results.push((elapsed * 1e6) / (calls * stage.per));
  }
  if (sink === -1) console.log(sink); // keeps the results alive
  return results.sort((a, b) => a - b)[trials >> 1]!;
}

export interface StageResult {
  stage: Stage;
  /** CPU nanoseconds per unit. */
  ns: number;
}

/** Every stage, each in a fresh thread (its own isolate: no JIT state shared between stages). */
export async function runStages(trialMs: number): Promise<StageResult[]> {
  const results: StageResult[] = [];
  for (const [index, stage] of STAGES.entries()) {
    const data: StageThreadData = { stage: index, trialMs };
    const worker = spawnWorker(new URL('./benchmarkThread.ts', import.meta.url), { workerData: data });
    const ns = await new Promise<number>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    results.push({ stage, ns });
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const { stage, ns } of await runStages(Number(process.env['BENCH_STAGE_MS'] ?? 200))) {
    console.log(`${ns.toFixed(1).padStart(9)} ns per ${stage.unit.padEnd(7)} ${stage.name}`);
  }
}
