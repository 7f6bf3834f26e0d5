/**
 * The pieces of the hot path, measured alone: drawing numbers from the shared
 * logical clock, encoding them (with the check character), and validating one
 * query. Each loop runs the code the way a worker runs it, one call at a time.
 */
import { Allocator, NUMBERS_PER_BLOCK, type Allocation } from '../../src/core/allocator.js';
import {
  createControlBlock,
  writeGeneration,
  writeLimit,
  writeNodeId,
  type ControlBlock,
} from '../../src/core/controlBlock.js';
import { COUNTER_SIZE, secondOf } from '../../src/core/layout.js';
import { advanceClockTo } from '../../src/core/logicalClock.js';
import {
  OpaqueEncoder,
  sequentialEncoder,
  type NumberFormat,
  type NumberKey,
  type TrackingNumberEncoder,
} from '../../src/core/numberFormat.js';
import { parseOrderQuery } from '../../src/validation/orderQuery.js';

/** The example query, percent-encoded as a client sends it. */
export const EXAMPLE_QUERY =
  'origin_country_id=MY&destination_country_id=ID&weight=1.234&created_at=2018-11-20T19:29:32%2B08:00' +
  '&customer_id=de619854-b59b-425e-9db4-943979e1bd49&customer_name=RedBox%20Logistics&customer_slug=redbox-logistics';

/** A control block as the primary leaves it while issuing, with seconds reserved far ahead (no 503 in a benchmark). */
export function issuingControlBlock(): ControlBlock {
  const control = createControlBlock();
  const now = secondOf(Date.now());
  writeLimit(control, now + 1_000_000);
  advanceClockTo(control, now);
  writeNodeId(control, 7);
  writeGeneration(control, 1);
  return control;
}

/** Calls `step` in batches until `durationMs` has passed; returns calls per second. */
export function callsPerSecond(step: (i: number) => unknown, durationMs: number): number {
  const batch = 10_000;
  let calls = 0;
  let sink = 0;
  const started = performance.now();
  let elapsed: number;
  do {
    for (let i = 0; i < batch; i++) if (step(i) === undefined) sink++;
    calls += batch;
    elapsed = performance.now() - started;
  } while (elapsed < durationMs);
  if (sink === -1) console.log(sink); // keeps the results alive
  return calls / (elapsed / 1000);
}

/*
 * The wall-clock second is read once per 1024 numbers: a request reads
 * Date.now() anyway (for its issue time), so the allocator takes the second as
 * an argument, and these loops measure the allocator, not the clock.
 */

/** One thread: allocator.next() only. */
export function allocatorLoop(control: ControlBlock): (i: number) => unknown {
  const allocator = new Allocator(control);
  const drawn: Allocation = { nodeId: 0, second: 0, counter: 0 };
  let wallSecond = 0;
  return (i) => {
    if ((i & 1023) === 0) wallSecond = secondOf(Date.now());
    if (!allocator.next(wallSecond, drawn)) throw new Error('the allocator refused to draw');
    return drawn;
  };
}

/** A fixed key: the micro-benchmarks measure the cipher, not key handling. */
const BENCH_KEY: NumberKey = { generation: 0, key: new Uint8Array(32).fill(7) };

function encoderOf(format: NumberFormat): TrackingNumberEncoder {
  return format === 'opaque' ? new OpaqueEncoder(BENCH_KEY, NUMBERS_PER_BLOCK) : sequentialEncoder();
}

/** One thread: allocator.next() then encoding with the check character, i.e. a whole number. */
export function issuingLoop(control: ControlBlock, format: NumberFormat): (i: number) => unknown {
  const allocator = new Allocator(control);
  const encoder = encoderOf(format);
  const drawn: Allocation = { nodeId: 0, second: 0, counter: 0 };
  let wallSecond = 0;
  return (i) => {
    if ((i & 1023) === 0) wallSecond = secondOf(Date.now());
    if (!allocator.next(wallSecond, drawn)) throw new Error('the allocator refused to draw');
    return encoder.encode('MY', drawn.second, drawn.nodeId, drawn.counter);
  };
}

/** Encoding alone, counters in sequence as the allocator hands them out. */
export function encodingLoop(format: NumberFormat): (i: number) => unknown {
  const second = secondOf(Date.now());
  const encoder = encoderOf(format);
  return (i) => encoder.encode('MY', second, 7, i & (COUNTER_SIZE - 1));
}

/** Parsing and validating the example query. */
export function validationLoop(): (i: number) => unknown {
  return () => {
    const result = parseOrderQuery(EXAMPLE_QUERY);
    if (!result.ok) throw new Error('the example query must be valid');
    return result;
  };
}
