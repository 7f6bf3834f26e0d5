import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BodyBudget, createBodyBudget } from '../../src/core/bodyBudget.js';
import { createControlBlock } from '../../src/core/controlBlock.js';
import { createLogger } from '../../src/logger.js';
import { createMetricsBuffer, PrimaryMetrics, renderMetrics } from '../../src/metrics.js';
import { WorkerPool } from '../../src/primary/workerPool.js';

const pool = (fixture: string, count = 1, counters = createMetricsBuffer()): WorkerPool =>
  new WorkerPool({
    count,
    onRestart: () => new PrimaryMetrics(counters).workerRestarted(),
    settings: {
      control: createControlBlock().buffer,
      counters,
      bodyBudget: createBodyBudget(0, count),
      workers: count,
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      logRequests: false,
    },
    log: createLogger({ role: 'test' }).child({}, { level: 'silent' }),
    workerUrl: new URL(`../fixtures/${fixture}`, import.meta.url),
  });

/** Fails the test instead of hanging it. */
const within = <T>(ms: number, what: string, promise: Promise<T>): Promise<T> =>
  Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms).unref()),
  ]);

describe('worker pool', () => {
  it('restarts a worker that dies, and drains at once even while a restart is pending', async () => {
    const counters = createMetricsBuffer();
    const workers = pool('workerThatDies.ts', 1, counters);
    await workers.start();
    await new Promise((resolve) => setTimeout(resolve, 300)); // died, restart scheduled 1 s later
    assert.equal(workers.restarts, 1);
    const metrics = renderMetrics(counters, {
      control: createControlBlock(),
      bodyBudget: new BodyBudget(createBodyBudget(0, 1)),
      workers: 1,
      wallMs: 0,
      monotonicMs: 0,
      format: 'opaque',
      port: 0,
    });
    assert.match(metrics, /^tracknum_worker_restarts_total 1$/m);
    await within(2000, 'drain()', workers.drain());
    await within(2000, 'exited()', workers.exited());
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.equal(workers.restarts, 1, 'a worker was restarted after drain');
  });

  it('rejects start() when a worker dies before listening, and can still be drained', async () => {
    const workers = pool('workerThatNeverListens.ts', 2);
    await assert.rejects(within(5000, 'start()', workers.start()), /exited with code 3 before listening/);
    await within(2000, 'drain()', workers.drain());
    assert.equal(workers.restarts, 0);
  });
});
