/**
 * The client's timing rules (src/client/retry.ts), table-driven: Retry-After
 * in both forms and every planted fault (past, huge, malformed), HTTP dates
 * in the three formats RFC 9110 makes recipients accept, and the full-jitter
 * back-off's bounds.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay, parseRetryAfter } from '../../src/client/retry.js';

/** 2026-03-01T12:00:00Z, a Sunday. */
const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);

describe('parseRetryAfter', () => {
  const rows: [string, string | null | undefined, number | undefined][] = [
    ['absent', null, undefined],
    ['undefined', undefined, undefined],
    ['zero seconds', '0', 0],
    ['one second', '1', 1000],
    ['surrounding spaces (OWS)', ' 2 ', 2000],
    ['leading zeros', '007', 7000],
    ['a day', '86400', 86_400_000],
    ['huge: kept, the deadline decides', '99999999999', 99_999_999_999_000],
    ['beyond a double: Infinity, never NaN', '9'.repeat(400), Infinity],
    ['an IMF-fixdate 90 s ahead', 'Sun, 01 Mar 2026 12:01:30 GMT', 90_000],
    ['the same date, rfc850 form', 'Sunday, 01-Mar-26 12:01:30 GMT', 90_000],
    ['the same date, asctime form', 'Sun Mar  1 12:01:30 2026', 90_000],
    ['a date in the past: no wait', 'Sun, 01 Mar 2026 11:59:59 GMT', 0],
    ['the epoch: no wait', 'Thu, 01 Jan 1970 00:00:00 GMT', 0],
    ['a date 10 years ahead', 'Wed, 01 Mar 2036 12:00:00 GMT', Date.UTC(2036, 2, 1, 12) - NOW],
    ['negative seconds', '-1', undefined],
    ['fractional seconds', '1.5', undefined],
    ['exponent', '1e3', undefined],
    ['hex', '0x10', undefined],
    ['empty', '', undefined],
    ['only spaces', '   ', undefined],
    ['a unit', '5s', undefined],
    ['two values', '1, 2', undefined],
    ['ISO 8601 (Date.parse would take it)', '2026-03-01T12:01:30Z', undefined],
    ['a bare year (Date.parse would take it)', '2027', 2027_000],
    ['text', 'soon', undefined],
    ['a date without GMT', 'Sun, 01 Mar 2026 12:01:30', undefined],
    ['a date in another zone', 'Sun, 01 Mar 2026 12:01:30 +0000', undefined],
    ['lower-case month', 'Sun, 01 mar 2026 12:01:30 GMT', undefined],
    ['31 April', 'Fri, 31 Apr 2026 12:00:00 GMT', undefined],
    ['29 February of a common year', 'Sun, 29 Feb 2026 12:00:00 GMT', undefined],
    ['day 00', 'Sun, 00 Mar 2026 12:00:00 GMT', undefined],
    ['hour 24', 'Sun, 01 Mar 2026 24:00:00 GMT', undefined],
    ['minute 60', 'Sun, 01 Mar 2026 12:60:00 GMT', undefined],
    ['second 61', 'Sun, 01 Mar 2026 12:00:61 GMT', undefined],
  ];
  for (const [name, value, expected] of rows) {
    it(`${name}: ${JSON.stringify(value)} -> ${expected}`, () => {
      assert.equal(parseRetryAfter(value, NOW), expected);
    });
  }
});

describe('parseRetryAfter: HTTP dates', () => {
  it('reads a leap second into the next minute, as the grammar allows', () => {
    assert.equal(parseRetryAfter('Thu, 31 Dec 2026 23:59:60 GMT', NOW), Date.UTC(2027, 0, 1) - NOW);
  });

  it('accepts 29 February of a leap year', () => {
    assert.equal(parseRetryAfter('Tue, 29 Feb 2028 00:00:00 GMT', NOW), Date.UTC(2028, 1, 29) - NOW);
  });

  it('does not check the weekday against the date', () => {
    assert.equal(parseRetryAfter('Mon, 01 Mar 2026 12:00:10 GMT', NOW), 10_000);
  });

  it('reads a 4-digit year below 100 as it is, not as 19xx', () => {
    const year40 = new Date(0).setUTCFullYear(40, 0, 1);
    assert.equal(
      parseRetryAfter('Mon, 01 Jan 0050 00:00:00 GMT', year40),
      new Date(0).setUTCFullYear(50, 0, 1) - year40,
    );
  });

  it('reads an rfc850 two-digit year more than 50 years ahead as the last such year in the past', () => {
    // From 1 March 2026, 1 January 2076 is 49.8 years ahead, 6 November 2076 more than 50: 1976, past.
    assert.equal(parseRetryAfter('Wednesday, 01-Jan-76 00:00:00 GMT', NOW), Date.UTC(2076, 0, 1) - NOW);
    assert.equal(parseRetryAfter('Saturday, 06-Nov-76 08:49:37 GMT', NOW), 0);
    assert.equal(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', NOW), 0);
    assert.equal(parseRetryAfter('Sunday, 01-Mar-26 12:00:01 GMT', NOW), 1000);
  });

  it("reads RFC 9110's own examples as the same instant", () => {
    const instants = ['Sun, 06 Nov 1994 08:49:37 GMT', 'Sunday, 06-Nov-94 08:49:37 GMT', 'Sun Nov  6 08:49:37 1994'];
    // From the epoch, the wait is the date itself.
    for (const value of instants) assert.equal(parseRetryAfter(value, 0), Date.UTC(1994, 10, 6, 8, 49, 37), value);
  });
});

describe('backoffDelay (full jitter)', () => {
  const backoff = { baseMs: 100, maxMs: 2000 };
  const rows: [string, number, { baseMs: number; maxMs: number }, number, number][] = [
    // name, round, backoff, random(), expected
    ['round 0 (the first try) has no pause', 0, backoff, 0.999, 0],
    ['round 1 draws below baseMs', 1, backoff, 0.5, 50],
    ['round 2 doubles the ceiling', 2, backoff, 0.5, 100],
    ['round 3 doubles it again', 3, backoff, 0.5, 200],
    ['round 6 is capped by maxMs', 6, backoff, 0.5, 1000],
    ['random() of 0 gives no pause', 3, backoff, 0, 0],
    ['random() just below 1 stays below the ceiling', 1, backoff, 0.99999, 99],
    ['round 2000 stays at maxMs (no Infinity)', 2000, backoff, 0.5, 1000],
    ['baseMs 0 gives no pause at any round (no NaN)', 2000, { baseMs: 0, maxMs: 2000 }, 0.5, 0],
    ['maxMs 0 gives no pause', 3, { baseMs: 100, maxMs: 0 }, 0.5, 0],
    ['a negative round has no pause', -1, backoff, 0.5, 0],
    ['a NaN round has no pause', NaN, backoff, 0.5, 0],
    ['a broken random() above 1 is held to the ceiling', 1, backoff, 7, 100],
    ['a broken random() of NaN gives no pause', 1, backoff, NaN, 0],
    ['a broken random() below 0 gives no pause', 1, backoff, -0.5, 0],
  ];
  for (const [name, round, settings, random, expected] of rows) {
    it(name, () => {
      assert.equal(
        backoffDelay(round, settings, () => random),
        expected,
      );
    });
  }

  it('spreads pauses over the whole window (not clustered at its top or bottom)', () => {
    const pauses = Array.from({ length: 2000 }, () => backoffDelay(3, backoff, Math.random));
    assert.ok(Math.max(...pauses) < 400 && Math.min(...pauses) >= 0);
    const below100 = pauses.filter((p) => p < 100).length;
    // A uniform draw over [0, 400) puts a quarter below 100: 500 of 2,000, sd about 19.
    assert.ok(below100 > 400 && below100 < 600, `${below100} of 2000 below 100 ms`);
  });
});
