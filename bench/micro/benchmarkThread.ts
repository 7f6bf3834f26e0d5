/**
 * Runs one micro-benchmark loop in a fresh thread (bench/micro/run.ts starts
 * it): a new isolate per loop, so the JIT's view of one loop never slows down
 * another. Several threads given the same control block draw from it at once.
 * Waits for the common start signal, runs for the given time, reports its rate.
 *
 * Given a stage instead (bench/micro/stages.ts), it measures that stage alone
 * and reports its CPU nanoseconds per unit.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { viewControlBlock } from '../../src/core/controlBlock.js';
import { allocatorLoop, callsPerSecond, encodingLoop, issuingLoop, validationLoop } from './issuing.js';
import { measureStage, STAGES } from './stages.js';

export type Loop =
  'allocator' | 'encoding-sequential' | 'encoding-opaque' | 'issuing-sequential' | 'issuing-opaque' | 'validation';

export interface BenchmarkThreadData {
  loop: Loop;
  /** The shared control block (allocator and issuing loops). */
  control: SharedArrayBuffer;
  /** Int32Array over it: [threads ready, start flag]. */
  signal: SharedArrayBuffer;
  durationMs: number;
}

/** A stage of bench/micro/stages.ts, by its index, measured in trials of `trialMs` of CPU time. */
export interface StageThreadData {
  stage: number;
  trialMs: number;
}

const data = workerData as BenchmarkThreadData | StageThreadData;
if ('stage' in data) {
  parentPort?.postMessage(measureStage(STAGES[data.stage]!, data.trialMs));
} else {
  const control = viewControlBlock(data.control);
  const loops: Record<Loop, () => (i: number) => unknown> = {
    allocator: () => allocatorLoop(control),
    'encoding-sequential': () => encodingLoop('sequential'),
    'encoding-opaque': () => encodingLoop('opaque'),
    'issuing-sequential': () => issuingLoop(control, 'sequential'),
    'issuing-opaque': () => issuingLoop(control, 'opaque'),
    validation: () => validationLoop(),
  };
  const loop = loops[data.loop]();
  callsPerSecond(loop, 300); // warm up (JIT) before the common start
  const signal = new Int32Array(data.signal);
  Atomics.add(signal, 0, 1);
  Atomics.wait(signal, 1, 0);
  parentPort?.postMessage(callsPerSecond(loop, data.durationMs));
}
