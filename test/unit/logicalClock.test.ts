import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createControlBlock, writeLimit, type ControlBlock } from '../../src/core/controlBlock.js';
import { COUNTER_SIZE } from '../../src/core/layout.js';
import {
  advanceClockTo,
  assertBlockSize,
  clockSecond,
  takeBlock,
  usedSecondsBound,
  type ClockBlock,
} from '../../src/core/logicalClock.js';

/** The counter the clock word holds: its low bits, below one second's worth. */
const counterOf = (control: ControlBlock): number => Number(Atomics.load(control.clock, 0) % BigInt(COUNTER_SIZE));

function clockAt(second: number, limit: number): ControlBlock {
  const control = createControlBlock();
  advanceClockTo(control, second);
  writeLimit(control, limit);
  return control;
}

const take = (control: ControlBlock, size: number, wall: number): ClockBlock | undefined => {
  const out = { second: -1, counter: -1 };
  return takeBlock(control, size, wall, out) ? out : undefined;
};

describe('logical clock', () => {
  it('hands out consecutive blocks within a second', () => {
    const control = clockAt(100, 200);
    assert.deepEqual(take(control, 4, 100), { second: 100, counter: 0 });
    assert.deepEqual(take(control, 4, 100), { second: 100, counter: 4 });
    assert.deepEqual(take(control, 4, 99), { second: 100, counter: 8 });
  });

  it('moves forward to the wall clock, counter back to zero', () => {
    const control = clockAt(100, 200);
    take(control, 4, 100);
    assert.deepEqual(take(control, 4, 150), { second: 150, counter: 0 });
  });

  it('never goes back when the wall clock steps backwards', () => {
    const control = clockAt(100, 200);
    take(control, 1, 150);
    assert.deepEqual(take(control, 1, 120), { second: 150, counter: 1 });
    assert.deepEqual(take(control, 1, 0), { second: 150, counter: 2 });
    advanceClockTo(control, 10);
    assert.equal(clockSecond(control), 150);
    assert.equal(counterOf(control), 3);
  });

  it('carries a spent second into the next one', () => {
    const control = clockAt(100, 200);
    const size = COUNTER_SIZE / 4;
    const blocks = [1, 2, 3, 4, 5].map(() => take(control, size, 100));
    assert.deepEqual(blocks, [
      { second: 100, counter: 0 },
      { second: 100, counter: size },
      { second: 100, counter: 2 * size },
      { second: 100, counter: 3 * size },
      { second: 101, counter: 0 },
    ]);
  });

  it('skips the tail of a second too short for a block, to the next second, with the wall clock on that second', () => {
    const control = clockAt(100, 200);
    const half = COUNTER_SIZE / 2;
    assert.deepEqual(
      [take(control, 1, 100), take(control, half, 100), take(control, half, 100)],
      [
        { second: 100, counter: 0 },
        { second: 100, counter: 1 },
        { second: 101, counter: 0 },
      ],
    );
  });

  it('bounds the seconds used: the clock second, plus one once a counter of it is taken', () => {
    const control = clockAt(100, 200);
    assert.equal(usedSecondsBound(control), 100);
    take(control, 4, 100);
    assert.equal(usedSecondsBound(control), 101);
  });

  it('refuses, changing nothing, at the reserved limit', () => {
    const control = clockAt(100, 101);
    assert.ok(take(control, COUNTER_SIZE / 2, 100));
    assert.ok(take(control, COUNTER_SIZE / 2, 100));
    assert.equal(take(control, 1, 100), undefined);
    assert.equal(take(control, 1, 105), undefined, 'a wall clock past the limit must not be followed');
    assert.equal(clockSecond(control), 101);
    assert.equal(counterOf(control), 0);
    writeLimit(control, 102);
    assert.deepEqual(take(control, 1, 100), { second: 101, counter: 0 });
  });

  it('accepts only power-of-two block sizes that divide the counter space', () => {
    for (const size of [1, 2, 64, COUNTER_SIZE]) assert.doesNotThrow(() => assertBlockSize(size));
    for (const size of [0, 3, 100, COUNTER_SIZE * 2, 1.5, -4]) {
      assert.throws(() => assertBlockSize(size), {
        name: 'RangeError',
        message: `block size must be a power of two between 1 and 1048576, got ${size}`,
      });
    }
  });

  it('never repeats or goes back under any sequence of wall clocks, sizes and limits (property)', () => {
    const step = fc.record({
      wall: fc.integer({ min: 0, max: 60 }),
      sizeLog2: fc.integer({ min: 0, max: Math.log2(COUNTER_SIZE) }),
      raiseLimitBy: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 200 }), (steps) => {
        const control = clockAt(10, 12);
        let limit = 12;
        let last = -1;
        for (const { wall, sizeLog2, raiseLimitBy } of steps) {
          limit += raiseLimitBy;
          writeLimit(control, limit);
          const size = 2 ** sizeLog2;
          const block = take(control, size, wall);
          if (block === undefined) continue;
          assert.ok(block.second < limit, 'a block beyond the limit was handed out');
          assert.ok(block.counter + size <= COUNTER_SIZE, 'a block straddles two seconds');
          const first = block.second * COUNTER_SIZE + block.counter;
          assert.ok(first > last, `value ${first} not above the previous block's last value ${last}`);
          last = first + size - 1;
        }
      }),
      { numRuns: 300 },
    );
  });
});
