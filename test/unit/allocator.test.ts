import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { notIssuingReason } from '../../src/core/issuing.js';
import { Allocator, type Allocation, type Run } from '../../src/core/allocator.js';
import {
  createControlBlock,
  writeGeneration,
  writeLimit,
  writeNodeId,
  type ControlBlock,
} from '../../src/core/controlBlock.js';
import { COUNTER_SIZE } from '../../src/core/layout.js';
import { advanceClockTo } from '../../src/core/logicalClock.js';
import { spawnWorker } from '../../src/primary/spawnWorker.js';

function issuing(nodeId: number, second: number, limit: number, generation = 1): ControlBlock {
  const control = createControlBlock();
  advanceClockTo(control, second);
  writeLimit(control, limit);
  writeNodeId(control, nodeId);
  writeGeneration(control, generation);
  return control;
}

const draw = (allocator: Allocator, wall: number): Allocation | undefined => {
  const out = { nodeId: -1, second: -1, counter: -1 };
  return allocator.next(wall, out) ? out : undefined;
};

const runsOf = (allocator: Allocator, wall: number, count: number): Run[] | undefined => {
  const runs: Run[] = [];
  return allocator.drawRuns(wall, count, runs) ? runs : undefined;
};

describe('allocator: runs for a batch', () => {
  it('takes the rest of the current block, then whole blocks, one atomic step each, never a counter twice', () => {
    const control = issuing(7, 100, 200);
    const a = new Allocator(control, 4);
    const b = new Allocator(control, 4);
    assert.deepEqual(draw(a, 100), { nodeId: 7, second: 100, counter: 0 });
    assert.deepEqual(runsOf(a, 100, 10), [
      { nodeId: 7, second: 100, counter: 1, count: 3 },
      { nodeId: 7, second: 100, counter: 4, count: 4 },
      { nodeId: 7, second: 100, counter: 8, count: 3 },
    ]);
    assert.deepEqual(draw(b, 100), { nodeId: 7, second: 100, counter: 12 });
    assert.deepEqual(draw(a, 100), { nodeId: 7, second: 100, counter: 11 });
    // 4 blocks taken for 13 numbers (4 compare-and-swaps): the next block starts at 16.
    assert.deepEqual(draw(new Allocator(control, 4), 100), { nodeId: 7, second: 100, counter: 16 });
  });

  it('draws a whole second and more, moving to the next second as the clock does', () => {
    const control = issuing(7, 100, 200);
    const allocator = new Allocator(control, 256);
    const runs = runsOf(allocator, 100, COUNTER_SIZE + 300)!;
    assert.equal(
      runs.reduce((sum, r) => sum + r.count, 0),
      COUNTER_SIZE + 300,
    );
    assert.deepEqual(new Set(runs.map((r) => r.second)), new Set([100, 101]));
    const seen = new Set(
      runs.flatMap((r) => Array.from({ length: r.count }, (_, i) => r.second * COUNTER_SIZE + r.counter + i)),
    );
    assert.equal(seen.size, COUNTER_SIZE + 300);
  });

  it('fails, issuing nothing, when the generation is 0 or the reservation runs out', () => {
    assert.equal(runsOf(new Allocator(issuing(7, 100, 200, 0), 4), 100, 3), undefined);
    const short = issuing(7, 100, 101);
    assert.equal(runsOf(new Allocator(short, 256), 100, COUNTER_SIZE + 1), undefined);
  });
  it('drops the rest of a block from an earlier generation and draws under the new one (a switch is no refusal)', () => {
    const control = issuing(7, 100, 200);
    const allocator = new Allocator(control, 4);
    assert.deepEqual(runsOf(allocator, 100, 2), [{ nodeId: 7, second: 100, counter: 0, count: 2 }]);
    // The switch: counters 2 and 3 of the block belong to node 7 under generation 1.
    writeGeneration(control, 0);
    writeNodeId(control, 9);
    advanceClockTo(control, 150);
    writeGeneration(control, 2);
    assert.deepEqual(runsOf(allocator, 100, 5), [
      { nodeId: 9, second: 150, counter: 0, count: 4 },
      { nodeId: 9, second: 150, counter: 4, count: 1 },
    ]);
  });
});

describe('allocator', () => {
  it('issues nothing while the generation is 0', () => {
    const control = issuing(7, 100, 200, 0);
    const allocator = new Allocator(control, 4);
    assert.equal(draw(allocator, 100), undefined);
    assert.equal(notIssuingReason(control, 100), 'no-node-id');
  });

  it('hands out a block one by one, then takes the next block', () => {
    const control = issuing(7, 100, 200);
    const a = new Allocator(control, 2);
    const b = new Allocator(control, 2);
    assert.deepEqual(draw(a, 100), { nodeId: 7, second: 100, counter: 0 });
    assert.deepEqual(draw(b, 100), { nodeId: 7, second: 100, counter: 2 });
    assert.deepEqual(draw(a, 100), { nodeId: 7, second: 100, counter: 1 });
    assert.deepEqual(draw(a, 100), { nodeId: 7, second: 100, counter: 4 });
  });

  it('drops a block from an earlier second when the wall clock moves on', () => {
    const control = issuing(7, 100, 200);
    const a = new Allocator(control, 64);
    draw(a, 100);
    assert.deepEqual(draw(a, 101), { nodeId: 7, second: 101, counter: 0 });
  });

  it('stops using a block at once when the generation changes (fencing)', () => {
    const control = issuing(7, 100, 200);
    const a = new Allocator(control, 64);
    assert.ok(draw(a, 100));
    writeGeneration(control, 0);
    assert.equal(draw(a, 100), undefined);
    assert.equal(notIssuingReason(control, 100), 'no-node-id');
    // A new node ID and clock under a new generation: nothing from the old block survives.
    writeNodeId(control, 9);
    advanceClockTo(control, 150);
    writeGeneration(control, 2);
    assert.deepEqual(draw(a, 100), { nodeId: 9, second: 150, counter: 0 });
  });

  it('drops the rest of a block when the generation moves on directly, without a 0 between', () => {
    const control = issuing(7, 100, 200);
    const a = new Allocator(control, 64);
    assert.deepEqual(draw(a, 100), { nodeId: 7, second: 100, counter: 0 });
    writeNodeId(control, 8);
    writeGeneration(control, 2);
    // The old block (counters 1..63 under node 7) is gone: a new block, under node 8.
    assert.deepEqual(draw(a, 100), { nodeId: 8, second: 100, counter: 64 });
    assert.deepEqual(draw(a, 100), { nodeId: 8, second: 100, counter: 65 });
  });

  it('refuses at the limit (reservation used up), and resumes when it is raised', () => {
    const control = issuing(7, 100, 101);
    const a = new Allocator(control, COUNTER_SIZE);
    assert.deepEqual(draw(a, 100), { nodeId: 7, second: 100, counter: 0 });
    // The rest of second 100's block is still usable...
    for (let i = 1; i < 1000; i += 1) assert.ok(draw(a, 100));
    // ...but not after the wall clock moves on, because 101 is not reserved.
    assert.equal(draw(a, 101), undefined);
    assert.equal(notIssuingReason(control, 101), 'reservation-used-up');
    writeLimit(control, 105);
    assert.deepEqual(draw(a, 101), { nodeId: 7, second: 101, counter: 0 });
  });

  it('moves to the next second when a second is spent, even with the wall clock behind', () => {
    const control = issuing(7, 100, 103);
    const a = new Allocator(control, COUNTER_SIZE / 2);
    const seconds = new Set<number>();
    for (let i = 0; i < COUNTER_SIZE * 2 + 5; i += 1) {
      const got = draw(a, 50);
      assert.ok(got, `draw ${i} failed`);
      seconds.add(got.second);
    }
    assert.deepEqual([...seconds], [100, 101, 102]);
  });

  it('gives no duplicate across threads contending on one control block, with the wall clock jumping back and forth', async () => {
    const threads = 4;
    const perThread = 150_000;
    const control = issuing(3, 1000, 1_000_000);
    const wallSeconds = [1000, 1001, 999, 1003, 1002, 500, 1004];
    const results = await Promise.all(
      Array.from(
        { length: threads },
        (_, i) =>
          new Promise<{ values: Float64Array; nodes: Uint16Array; drawn: number }>((resolve, reject) => {
            const worker = spawnWorker(new URL('../fixtures/allocatorWorker.ts', import.meta.url), {
              workerData: { buffer: control.buffer, count: perThread, blockSize: i % 2 === 0 ? 1 : 64, wallSeconds },
            });
            worker.once('message', resolve);
            worker.once('error', reject);
          }),
      ),
    );
    const seen = new Set<number>();
    for (const { values, nodes, drawn } of results) {
      assert.equal(drawn, perThread);
      assert.ok(nodes.every((node) => node === 3));
      for (const value of values) seen.add(value);
    }
    assert.equal(seen.size, threads * perThread, 'duplicate numbers across threads');
  });
});
