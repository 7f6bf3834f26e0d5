import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keepaliveIntervalMs, MIN_LEASE_TTL_SECONDS, trustedUntil } from '../../src/core/leaseTiming.js';

describe('lease timing', () => {
  // [TTL s, margin ms: a fifth of the TTL, never under a second]
  const margins: [number, number][] = [
    [MIN_LEASE_TTL_SECONDS, 1000],
    [4, 1000],
    [5, 1000],
    [6, 1200],
    [10, 2000],
    [600, 120_000],
  ];
  for (const [ttl, margin] of margins) {
    it(`trusts a lease of ${ttl} s until ${ttl * 1000 - margin} ms after the renewal was sent, and renews every quarter of that`, () => {
      for (const sentAt of [0, 1234.5, 86_400_000]) {
        assert.equal(trustedUntil(sentAt, ttl), sentAt + ttl * 1000 - margin);
      }
      assert.equal(keepaliveIntervalMs(ttl), Math.floor((ttl * 1000 - margin) / 4));
      assert.ok(Number.isInteger(keepaliveIntervalMs(ttl)));
    });
  }

  it('keeps a window at the smallest TTL: four keepalives fit, each well above zero', () => {
    assert.equal(MIN_LEASE_TTL_SECONDS, 3);
    assert.equal(keepaliveIntervalMs(MIN_LEASE_TTL_SECONDS), 500);
    assert.equal(keepaliveIntervalMs(7), 1400);
  });
});
