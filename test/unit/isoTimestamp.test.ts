import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isoTimestamp } from '../../src/worker/isoTimestamp.js';

describe('isoTimestamp', () => {
  it('agrees with Date#toISOString on any millisecond up to year 275760', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8.64e15 }), (ms) => {
        assert.equal(isoTimestamp(ms), new Date(ms).toISOString());
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees on runs of consecutive milliseconds across second, day and year boundaries', () => {
    for (const start of [Date.UTC(2026, 11, 31, 23, 59, 59, 990), Date.UTC(2024, 1, 29, 0, 0, 0, 0) - 5, 0, 999]) {
      for (let ms = start; ms < start + 25; ms++) assert.equal(isoTimestamp(ms), new Date(ms).toISOString());
    }
  });

  it('does not depend on the previous call (going back in time too)', () => {
    const later = Date.UTC(2026, 0, 1, 0, 0, 1, 500);
    assert.equal(isoTimestamp(later), '2026-01-01T00:00:01.500Z');
    assert.equal(isoTimestamp(later - 1000), '2026-01-01T00:00:00.500Z');
    assert.equal(isoTimestamp(later), '2026-01-01T00:00:01.500Z');
  });
});
