import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createControlBlock, readLimit } from '../../src/core/controlBlock.js';
import { MAX_NODE_ID, unixMsOfSecond } from '../../src/core/layout.js';
import type { HighWaterStore } from '../../src/nodeIds/source.js';
import { SecondsReservation } from '../../src/primary/reservation.js';
import { spawnWorker } from '../../src/primary/spawnWorker.js';

/** Seconds reserved for each node ID in turn: node ID k % 4096 gets [k * WIDTH, (k + 1) * WIDTH). */
const WIDTH = 2;
/** How long the primary switches. */
const SWITCHING_MS = 1000;
/** Switches at most: the seconds stay below 2^21, so that a number packs into a double (the worker says how). */
const MAX_EPOCHS = 2 ** 20 / WIDTH - 1;
/** Numbers each thread sends back for the check across threads (each thread checks all of its own). */
const KEEP = 300_000;

interface Drawn {
  kept: Float64Array;
  drawn: number;
  refused: number;
  faults: string[];
}

describe('allocator: threads drawing while the primary switches node ID (seqlock)', () => {
  it("keeps every number under its second's node ID, none twice, every batch whole and under one node ID", async (t) => {
    // The seqlock re-checks of allocator.ts back one another: this passes with any one of them removed, and
    // fails with #refill()'s check after takeBlock() removed together with next()'s check after drawing (a
    // number under the old node ID in the new one's seconds) or with drawRuns()'s final one (the same in a
    // batch); bench/results/mutation.md says how often. allocator.test.ts lands the switch at every point of
    // one draw, without threads. The primary's advanceClockTo() runs here while workers move the clock too:
    // one that gave up after a failed compare-and-swap would leave node k drawing in node k - 1's seconds.
    const control = createControlBlock();
    let epoch = 1;
    // The wall clock at the start of epoch k's range, so that begin() starts node k % 4096 at k * WIDTH: the
    // clock is below (k - 1)'s limit, k * WIDTH, and each node ID's stored mark is at most that too.
    const reservation = new SecondsReservation(control, {
      aheadSeconds: WIDTH,
      now: () => unixMsOfSecond(epoch * WIDTH),
    });
    const marks = new Map<number, number>();
    const storeOf = (nodeId: number): HighWaterStore => ({
      read: () => Promise.resolve(marks.get(nodeId)),
      write: (second) => {
        marks.set(nodeId, second);
        return Promise.resolve();
      },
    });
    await reservation.begin(epoch, storeOf(epoch));
    const flags = new Int32Array(new SharedArrayBuffer(12));
    // [block size, numbers per drawRuns() (0: next())]
    const threads: [number, number][] = [
      [1, 0],
      [1, 2],
      [2, 3],
    ];
    const results = threads.map(
      ([blockSize, batch]) =>
        new Promise<Drawn>((resolve, reject) => {
          const worker = spawnWorker(new URL('../fixtures/switchRaceWorker.ts', import.meta.url), {
            workerData: { buffer: control.buffer, flags: flags.buffer, blockSize, batch, width: WIDTH, keep: KEEP },
          });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    );
    try {
      const started = performance.now();
      while (Atomics.load(flags, 0) < threads.length) {
        assert.ok(performance.now() - started < 30_000, 'the threads did not start');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      Atomics.store(flags, 1, 1);
      Atomics.notify(flags, 1);
      const until = performance.now() + SWITCHING_MS;
      // At most MAX_EPOCHS, which keeps the numbers the threads send back below 2^53.
      while (performance.now() < until && epoch < MAX_EPOCHS) {
        epoch += 1;
        const nodeId = epoch % (MAX_NODE_ID + 1);
        await reservation.begin(nodeId, storeOf(nodeId));
        assert.equal(readLimit(control), (epoch + 1) * WIDTH);
      }
    } finally {
      Atomics.store(flags, 2, 1);
      Atomics.store(flags, 1, 1);
      Atomics.notify(flags, 1);
    }
    const drawn = await Promise.all(results);
    for (const [i, { faults, drawn: count }] of drawn.entries()) {
      assert.deepEqual(faults, [], `thread ${i} (block size ${threads[i]![0]}, batch ${threads[i]![1]})`);
      assert.ok(count > 0, `thread ${i} drew nothing`);
    }
    const all = new Float64Array(drawn.reduce((sum, { kept }) => sum + kept.length, 0));
    let at = 0;
    for (const { kept } of drawn) {
      all.set(kept, at);
      at += kept.length;
    }
    all.sort();
    for (let i = 1; i < all.length; i += 1) assert.notEqual(all[i], all[i - 1], 'a number drawn by two threads');
    assert.ok(epoch > 100, `only ${epoch} switches in ${SWITCHING_MS} ms`);
    t.diagnostic(
      `${epoch - 1} switches; ${drawn.map(({ drawn: n, refused }) => `${n} drawn, ${refused} refused`).join('; ')}`,
    );
  });
});
