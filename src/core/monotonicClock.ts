/**
 * One monotonic clock for every thread of the process, in milliseconds.
 *
 * performance.now() is monotonic but counts from each thread's own start, so
 * its values cannot be compared across threads; process.hrtime() is the same
 * CLOCK_MONOTONIC everywhere but slower to read. Each thread works out once
 * how far its performance.now() is from process.hrtime(), and adds that.
 */
import { performance } from 'node:perf_hooks';

const OFFSET_MS = Number(process.hrtime.bigint()) / 1e6 - performance.now();

export function monotonicMs(): number {
  return performance.now() + OFFSET_MS;
}
