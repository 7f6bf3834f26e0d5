/**
 * Client quotas (src/clients/quotas.ts): a GCRA token bucket per client in
 * shared memory. Table-driven single-thread behaviour, and threads that take
 * from one bucket at once and together never get more than it holds.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createQuotaBuffer, Quotas, type QuotaPolicy } from '../../src/clients/quotas.js';
import { monotonicMs } from '../../src/core/monotonicClock.js';
import { spawnWorker } from '../../src/primary/spawnWorker.js';

const quotasOf = (...policies: QuotaPolicy[]): Quotas => new Quotas(createQuotaBuffer(policies.length), policies);

describe('client quotas', () => {
  it('gives a full bucket at once, then the rate, and counts numbers, not requests', () => {
    const quotas = quotasOf({ quotaPerSecond: 100, burst: 50 });
    const t = 1_000_000;
    assert.equal(quotas.take(0, 50, t), 0, 'the whole burst at once');
    const wait = quotas.take(0, 1, t);
    assert.ok(Math.abs(wait - 10) < 0.01, `one more number in 10 ms, not ${wait}`);
    assert.equal(quotas.take(0, 1, t + 10), 0);
    assert.ok(quotas.take(0, 5, t + 10) > 0, 'five numbers at once right after one');
    assert.equal(quotas.take(0, 5, t + 60), 0, 'five more 50 ms later');
    assert.deepEqual(quotas.state(0, t + 60), { remaining: 0, fullInMs: 500 });
    assert.deepEqual(quotas.state(0, t + 1000), { remaining: 50, fullInMs: 0 });
  });

  it('refuses for ever (Infinity) a request larger than the burst, and takes nothing for it', () => {
    const quotas = quotasOf({ quotaPerSecond: 1000, burst: 100 });
    assert.equal(quotas.take(0, 101, 5000), Infinity);
    assert.equal(quotas.state(0, 5000).remaining, 100);
  });

  it('keeps clients apart, and gives back what could not be issued', () => {
    const quotas = quotasOf({ quotaPerSecond: 10, burst: 10 }, { quotaPerSecond: 10, burst: 10 });
    assert.equal(quotas.take(0, 10, 1000), 0);
    assert.ok(quotas.take(0, 1, 1000) > 0);
    assert.equal(quotas.take(1, 10, 1000), 0, "client 0's use does not touch client 1's bucket");
    quotas.giveBack(0, 4);
    assert.equal(quotas.take(0, 4, 1000), 0, 'four numbers given back can be taken again');
    assert.ok(quotas.take(0, 1, 1000) > 0);
  });

  it('never lets a client take more than its burst plus its rate over the time taken (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_048_576 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 1, max: 5000 })), { maxLength: 60 }),
        (quotaPerSecond, burst, steps) => {
          const quotas = quotasOf({ quotaPerSecond, burst });
          let now = 10_000;
          let taken = 0;
          for (const [advanceMs, count] of steps) {
            now += advanceMs;
            if (quotas.take(0, count, now) === 0) taken += count;
            // 1 ns per number of rounding in the cost, at most.
            const allowed = burst + ((now - 10_000) / 1000) * quotaPerSecond * (1 + 1e-3) + 1;
            assert.ok(taken <= allowed, `${taken} numbers taken, at most ${allowed} allowed`);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('holds across threads: four workers at once take no more than the burst and the rate allow', async () => {
    const policies: QuotaPolicy[] = [{ quotaPerSecond: 20_000, burst: 2_000 }];
    const buffer = createQuotaBuffer(1);
    const durationMs = 600;
    // Every thread starts at one moment, once all of them are up (tsx takes a while to load).
    const startAt = monotonicMs() + 3000;
    const results = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<{ taken: number; refused: number }>((resolve, reject) => {
            const worker = spawnWorker(new URL('../fixtures/quotaWorker.ts', import.meta.url), {
              workerData: { buffer, policies, startAt, durationMs, perTake: 7 },
            });
            worker.once('message', resolve);
            worker.once('error', reject);
          }),
      ),
    );
    assert.ok(monotonicMs() > startAt, 'the workers did not wait for the start');
    const taken = results.reduce((sum, r) => sum + r.taken, 0);
    // The burst, the rate over the run, and one take of slack per thread (the last one may straddle the end).
    const allowed = 2_000 + (durationMs / 1000) * 20_000 + 4 * 7;
    assert.ok(taken <= allowed, `${taken} taken in ${durationMs} ms, at most ${allowed} allowed`);
    assert.ok(
      results.every((r) => r.refused > 0),
      'every thread was refused some: they raced for one bucket',
    );
    assert.ok(taken >= 2_000, `only ${taken} taken: the bucket was not shared fairly or not refilled`);
  });
});
