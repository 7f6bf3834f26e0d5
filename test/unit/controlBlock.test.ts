import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  createControlBlock,
  leaseTrustedForMs,
  viewControlBlock,
  writeLeaseDeadline,
} from '../../src/core/controlBlock.js';
import { monotonicMs } from '../../src/core/monotonicClock.js';
import { spawnWorker } from '../../src/primary/spawnWorker.js';

/** As /metrics reads it: the lease still taken as held at monotonic time `nowMs`. */
const isLeaseTrusted = (block: ReturnType<typeof createControlBlock>, nowMs: number): boolean => {
  const trustedForMs = leaseTrustedForMs(block, nowMs);
  return trustedForMs === undefined || trustedForMs > 0;
};

describe('a view of the control block', () => {
  it('refuses a buffer of any other size than 32 bytes, naming both sizes', () => {
    // 24 and 64 bytes would make valid views, 0 and 31 invalid ones: the check, not the views, must refuse them all.
    for (const bytes of [0, 24, 31, 33, 64]) {
      assert.throws(() => viewControlBlock(new SharedArrayBuffer(bytes)), {
        name: 'RangeError',
        message: `control block must be 32 bytes, got ${bytes}`,
      });
    }
    assert.equal(viewControlBlock(new SharedArrayBuffer(32)).words.length, 8);
  });
});

describe('the lease deadline in the control block (for /metrics)', () => {
  it('always trusts a node ID that is not leased', () => {
    const block = createControlBlock();
    assert.equal(isLeaseTrusted(block, 0), true);
    writeLeaseDeadline(block, 1000);
    writeLeaseDeadline(block, Infinity);
    assert.equal(isLeaseTrusted(block, 5000), true);
    writeLeaseDeadline(block, 1000);
    writeLeaseDeadline(block, undefined);
    assert.equal(isLeaseTrusted(block, 5000), true);
  });

  it('trusts a lease strictly before its deadline, wherever the deadline falls modulo 2^32 ms', () => {
    const block = createControlBlock();
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 2 ** 45, noNaN: true }),
        fc.integer({ min: 1, max: 10 * 24 * 3600 * 1000 }),
        (deadline, distance) => {
          writeLeaseDeadline(block, deadline);
          const whole = Math.floor(deadline);
          assert.equal(isLeaseTrusted(block, whole - distance), true);
          assert.equal(isLeaseTrusted(block, whole), false);
          assert.equal(isLeaseTrusted(block, whole + distance), false);
        },
      ),
      { numRuns: 2000 },
    );
    for (const deadline of [2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1]) {
      writeLeaseDeadline(block, deadline);
      assert.equal(isLeaseTrusted(block, deadline - 1), true, String(deadline));
      assert.equal(isLeaseTrusted(block, deadline), false, String(deadline));
      assert.equal(isLeaseTrusted(block, deadline + 1), false, String(deadline));
    }
  });
});

describe('the monotonic clock', () => {
  it('reads the same in a worker thread as in the main thread', async () => {
    const before = monotonicMs();
    const inWorker = await new Promise<number>((resolve, reject) => {
      const worker = spawnWorker(new URL('../fixtures/monotonicClockWorker.ts', import.meta.url), {});
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const after = monotonicMs();
    assert.ok(before <= inWorker && inWorker <= after, `${before} <= ${inWorker} <= ${after}`);
  });

  it('never goes back', () => {
    let last = monotonicMs();
    for (let i = 0; i < 100_000; i += 1) {
      const now = monotonicMs();
      assert.ok(now >= last);
      last = now;
    }
  });
});
