import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BodyBudget, createBodyBudget } from '../../src/core/bodyBudget.js';
import { createControlBlock } from '../../src/core/controlBlock.js';
import { createLogger } from '../../src/logger.js';
import { createMetricsBuffer, PrimaryMetrics, renderMetrics } from '../../src/metrics.js';
import type { Logger } from '../../src/logger.js';
import { WorkerPool } from '../../src/primary/workerPool.js';
import { recordingLog } from '../helpers/recordingLog.js';

const pool = (
  fixture: string,
  count = 1,
  counters = createMetricsBuffer(),
  log: Logger = createLogger({ role: 'test' }).child({}, { level: 'silent' }),
  onRestart: (index: number) => void = () => new PrimaryMetrics(counters).workerRestarted(),
): WorkerPool =>
  new WorkerPool({
    count,
    onRestart,
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
    log,
    workerUrl: new URL(`../fixtures/${fixture}`, import.meta.url),
  });

/** Fails the test instead of hanging it. */
const within = <T>(ms: number, what: string, promise: Promise<T>): Promise<T> =>
  Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms).unref()),
  ]);

/** Waits until `condition` holds, checking every 10 ms; fails after `ms`. */
async function until(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

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

  it('restarts each worker that died, under its own index, a second later, until drained', async () => {
    const { log, said } = recordingLog();
    const restarted: number[] = [];
    const workers = pool('workerThatExitsWithItsIndex.ts', 2, createMetricsBuffer(), log, (index) =>
      restarted.push(index),
    );
    await workers.start();
    await until(() => workers.restarts === 2, 'both workers died');
    assert.deepEqual([...restarted].sort(), [1, 2]);
    const exits = said(/^worker exited; restarting it$/);
    assert.deepEqual(exits.map(([level, , fields]) => [level, fields['worker'], fields['code']]).sort(), [
      ['warn', 1, 11],
      ['warn', 2, 12],
    ]);
    assert.deepEqual(exits.map(([, , fields]) => fields['restarts']).sort(), [1, 2]);
    // Started again (and dead again) a second later.
    await until(() => workers.restarts === 4, 'both workers restarted and died again');
    assert.deepEqual([...restarted].sort(), [1, 1, 2, 2]);
    assert.equal(said(/^worker restart failed$/).length, 0);
    await within(2000, 'drain()', workers.drain());
    await within(2000, 'exited()', workers.exited());
  });

  it("rejects start() with a worker's own word when it cannot listen", async () => {
    const workers = pool('workerThatCannotListen.ts');
    await assert.rejects(within(5000, 'start()', workers.start()), {
      message: 'cannot listen on 127.0.0.1:1: EACCES',
    });
    await within(2000, 'drain()', workers.drain());
    await within(2000, 'exited()', workers.exited());
    assert.equal(workers.restarts, 0);
  });

  it('rejects start() with the error of a worker that threw while starting, and logs it', async () => {
    const { log, said } = recordingLog();
    const workers = pool('workerThatThrows.ts', 1, createMetricsBuffer(), log);
    await assert.rejects(within(5000, 'start()', workers.start()), {
      message: 'the worker module threw at start-up',
    });
    const crashed = said(/^worker crashed$/);
    assert.equal(crashed.length, 1);
    assert.equal(crashed[0]![0], 'error');
    assert.equal(crashed[0]![2]['worker'], 1);
    assert.equal((crashed[0]![2]['err'] as Error).message, 'the worker module threw at start-up');
    await within(2000, 'exited()', workers.exited());
    assert.equal(workers.restarts, 0);
  });

  it('drain() resolves once every worker said it drained, before they exit; exited() once they have', async () => {
    const workers = pool('workerThatDrainsSlowly.ts', 2);
    await workers.start();
    const began = Date.now();
    let exited = false;
    const exiting = workers.exited().then(() => (exited = true));
    await within(2000, 'drain()', workers.drain());
    assert.equal(exited, false, 'drain() waited for the workers to exit');
    await within(3000, 'exited()', exiting);
    assert.ok(Date.now() - began >= 350, 'exited() resolved before the workers exited');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(workers.restarts, 0, 'a worker that exits once drained is not restarted');
  });
});
