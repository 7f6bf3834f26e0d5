import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkCharacter } from '../../src/core/checkCharacter.js';
import {
  BODY_LENGTH,
  COUNTER_BITS,
  COUNTER_SIZE,
  EPOCH_MS,
  EPOCH_SECONDS,
  MAX_NODE_ID,
  MAX_SECOND,
  NODE_ID_BITS,
  ORIGIN_LENGTH,
  SECOND_BITS,
  TRACKING_NUMBER_LENGTH,
  secondOf,
  unixMsOfSecond,
} from '../../src/core/layout.js';
import {
  decodeTrackingNumber,
  encodeTrackingNumber,
  type DecodeFailureReason,
  type DecodeResult,
  type TrackingNumberParts,
} from '../../src/core/trackingNumber.js';

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Independent reference: BigInt arithmetic and Number#toString(36). */
function referenceBody(second: number, nodeId: number, counter: number): string {
  const value = (BigInt(second) << 36n) | (BigInt(nodeId) << 24n) | BigInt(counter);
  return value.toString(36).toUpperCase().padStart(BODY_LENGTH, '0');
}
function referenceEncode(origin: string, second: number, nodeId: number, counter: number): string {
  const payload = origin + referenceBody(second, nodeId, counter);
  return payload + checkCharacter(payload);
}
/** A 16-character string with the given body (any 13 characters) and a correct check character. */
function withCheck(origin: string, body: string): string {
  return origin + body + checkCharacter(origin + body);
}

const letter = fc.constantFrom(...LETTERS.split(''));
const originArb = fc.tuple(letter, letter).map(([a, b]) => a + b);
/** Full range, with the extremes and their neighbours made likely. */
const rangeArb = (max: number): fc.Arbitrary<number> =>
  fc.oneof(fc.constantFrom(0, 1, max - 1, max), fc.integer({ min: 0, max }));
const partsArb: fc.Arbitrary<TrackingNumberParts> = fc.record({
  origin: originArb,
  second: rangeArb(MAX_SECOND),
  nodeId: rangeArb(MAX_NODE_ID),
  counter: rangeArb(COUNTER_SIZE - 1),
});
const encodeParts = (p: TrackingNumberParts): string => encodeTrackingNumber(p.origin, p.second, p.nodeId, p.counter);

function assertFailure(result: DecodeResult, reason: DecodeFailureReason, detailIncludes: string[]): void {
  assert.equal(result.ok, false, `expected failure '${reason}', got ${JSON.stringify(result)}`);
  if (result.ok) return;
  assert.equal(result.reason, reason, result.detail);
  for (const part of detailIncludes)
    assert.ok(result.detail.includes(part), `detail ${JSON.stringify(result.detail)} lacks ${JSON.stringify(part)}`);
}

describe('layout', () => {
  it('has the documented epoch and field widths', () => {
    assert.equal(EPOCH_MS, Date.parse('2025-01-01T00:00:00Z'));
    assert.equal(EPOCH_SECONDS, 1_735_689_600);
    assert.equal(SECOND_BITS + NODE_ID_BITS + COUNTER_BITS, 67);
    assert.equal(MAX_SECOND, 2 ** 31 - 1);
    assert.equal(MAX_NODE_ID + 1, 4096);
    assert.equal(MAX_NODE_ID + 1, 2 ** NODE_ID_BITS);
    assert.equal(COUNTER_SIZE, 2 ** 24);
    assert.equal(COUNTER_SIZE, 2 ** COUNTER_BITS);
    assert.equal(ORIGIN_LENGTH + BODY_LENGTH + 1, TRACKING_NUMBER_LENGTH);
    assert.equal(TRACKING_NUMBER_LENGTH, 16);
  });

  it('has the capacity it claims', () => {
    // 2^31 seconds last more than 60 years: until early 2093.
    assert.ok((MAX_SECOND + 1) / (365.25 * 86_400) >= 60);
    assert.equal(new Date(unixMsOfSecond(MAX_SECOND)).toISOString(), '2093-01-19T03:14:07.000Z');
    // 13 base-36 digits hold every 67-bit value, and 12 would not.
    assert.ok(36n ** BigInt(BODY_LENGTH) >= 2n ** 67n);
    assert.ok(36n ** BigInt(BODY_LENGTH - 1) < 2n ** 67n);
    // The double arithmetic of the implementation stays exact.
    assert.ok(36 * 2 ** 36 < 2 ** 53);
  });

  it('converts between Unix milliseconds and seconds since the epoch', () => {
    assert.equal(secondOf(EPOCH_MS), 0);
    assert.equal(secondOf(EPOCH_MS + 999), 0);
    assert.equal(secondOf(EPOCH_MS + 1000), 1);
    assert.equal(secondOf(EPOCH_MS - 1), -1);
    assert.equal(secondOf(Date.UTC(2025, 5, 1, 12)), 13_089_600);
    assert.equal(unixMsOfSecond(0), EPOCH_MS);
    fc.assert(
      fc.property(fc.integer({ min: EPOCH_MS, max: unixMsOfSecond(MAX_SECOND) + 999 }), (ms) => {
        const second = secondOf(ms);
        assert.ok(unixMsOfSecond(second) <= ms && ms < unixMsOfSecond(second + 1));
      }),
    );
  });
});

describe('encodeTrackingNumber', () => {
  it('gives known numbers', () => {
    assert.equal(encodeTrackingNumber('FR', 0, 0, 0), 'FR00000000000000');
    assert.equal(encodeTrackingNumber('FR', 13_089_600, 17, 42), 'FR06U0XUHZNONJEO');
    assert.equal(encodeTrackingNumber('FR', MAX_SECOND, MAX_NODE_ID, COUNTER_SIZE - 1), 'FRV57488HD2BQBJT');
    assert.equal(referenceEncode('FR', MAX_SECOND, MAX_NODE_ID, COUNTER_SIZE - 1), 'FRV57488HD2BQBJT');
  });

  it('matches the BigInt reference at every combination of extremes', () => {
    for (const second of [0, 1, MAX_SECOND - 1, MAX_SECOND]) {
      for (const nodeId of [0, 1, MAX_NODE_ID - 1, MAX_NODE_ID]) {
        for (const counter of [0, 1, COUNTER_SIZE - 2, COUNTER_SIZE - 1]) {
          for (const origin of ['AA', 'ZZ', 'FR']) {
            assert.equal(
              encodeTrackingNumber(origin, second, nodeId, counter),
              referenceEncode(origin, second, nodeId, counter),
            );
          }
        }
      }
    }
  });

  it('matches the BigInt reference over the full ranges', () => {
    fc.assert(
      fc.property(partsArb, (p) => {
        const encoded = encodeParts(p);
        assert.equal(encoded, referenceEncode(p.origin, p.second, p.nodeId, p.counter));
        assert.match(encoded, /^[A-Z0-9]{16}$/);
        assert.ok(encoded.startsWith(p.origin));
      }),
      { numRuns: 5_000 },
    );
  });

  it('matches the BigInt reference on round values (exact multiples hit rounding edge cases)', () => {
    // The encoder divides by 36^5 through a multiplication by the reciprocal, which is one
    // too low for exact multiples; these values make the partial dividends such multiples.
    const MAX_VALUE = 2n ** 67n - 1n;
    const D5 = 36n ** 5n;
    const check = (value: bigint, origin = 'NL'): void => {
      if (value < 0n || value > MAX_VALUE) return;
      const second = Number(value >> 36n);
      const nodeId = Number((value >> 24n) & 4095n);
      const counter = Number(value & 0xffffffn);
      assert.equal(
        encodeTrackingNumber(origin, second, nodeId, counter),
        referenceEncode(origin, second, nodeId, counter),
        `value ${value}`,
      );
    };
    for (let k = 0n; k <= 12n; k++) {
      for (const d of [1n, 2n, 3n, 7n, 35n, 36n, 1295n, 46655n, 60466175n]) {
        for (const delta of [-1n, 0n, 1n]) check(d * 36n ** k + delta);
      }
    }
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: MAX_VALUE / (D5 << 18n) }),
        fc.constantFrom(0n, 1n, (1n << 18n) - 1n),
        (m, x) => {
          check(m * D5 * (1n << 18n) + x); // (value >> 18) is a multiple of 36^5
          check(m * D5 * 36n ** 5n + x); // body digits 4..13 are (almost) all zero
          check(((m * D5) << 36n) + x); // the second is a multiple of 36^5
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('stays exact on hot-path sequences (same second and node, counter + 1, several origins)', () => {
    // The encoder memoizes per (second, nodeId) and per high digits; walk counters across
    // the points where the low 5 digits wrap (value crossing a multiple of 36^5), switch
    // origins and nodes, and interleave garbage calls, which must not affect later results.
    const D5 = 36 ** 5;
    fc.assert(
      fc.property(
        rangeArb(MAX_SECOND),
        rangeArb(MAX_NODE_ID),
        fc.array(originArb, { minLength: 1, maxLength: 3 }),
        (second, nodeId, origins) => {
          const base = (BigInt(second) << 36n) | (BigInt(nodeId) << 24n);
          const firstWrap = Number((BigInt(D5) - (base % BigInt(D5))) % BigInt(D5));
          const counters: number[] = [0, 1, 2, COUNTER_SIZE - 1];
          for (let wrap = firstWrap; wrap < COUNTER_SIZE; wrap += D5) {
            for (let c = Math.max(0, wrap - 3); c <= Math.min(COUNTER_SIZE - 1, wrap + 3); c++) counters.push(c);
            if (wrap > 0) counters.push(wrap - 1, wrap, wrap - 1);
          }
          let k = 0;
          for (const counter of counters) {
            const origin = origins[k++ % origins.length]!;
            assert.equal(
              encodeTrackingNumber(origin, second, nodeId, counter),
              referenceEncode(origin, second, nodeId, counter),
            );
            if (k % 5 === 0) {
              encodeTrackingNumber('fr', Number.NaN, -1, 2 ** 30);
              encodeTrackingNumber('', second + 0.5, nodeId, -7);
              encodeTrackingNumber('12', second, nodeId + 1, COUNTER_SIZE * 3);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('orders numbers of one origin and node by (second, counter)', () => {
    fc.assert(
      fc.property(
        originArb,
        rangeArb(MAX_NODE_ID),
        rangeArb(MAX_SECOND),
        rangeArb(COUNTER_SIZE - 1),
        rangeArb(MAX_SECOND),
        rangeArb(COUNTER_SIZE - 1),
        (origin, nodeId, s1, c1, s2, c2) => {
          const body1 = encodeTrackingNumber(origin, s1, nodeId, c1).slice(ORIGIN_LENGTH, -1);
          const body2 = encodeTrackingNumber(origin, s2, nodeId, c2).slice(ORIGIN_LENGTH, -1);
          const order = s1 !== s2 ? Math.sign(s1 - s2) : Math.sign(c1 - c2);
          const stringOrder = body1 < body2 ? -1 : body1 > body2 ? 1 : 0;
          assert.equal(stringOrder, order);
        },
      ),
      { numRuns: 2_000 },
    );
    // Consecutive counters in a second, and the last of a second against the first of the next.
    const a = encodeTrackingNumber('DE', 1000, 3, COUNTER_SIZE - 1);
    const b = encodeTrackingNumber('DE', 1001, 3, 0);
    assert.ok(a < b);
    for (let c = 0; c < 5000; c++)
      assert.ok(encodeTrackingNumber('DE', 1000, 3, c) < encodeTrackingNumber('DE', 1000, 3, c + 1));
  });

  it('gives distinct numbers for distinct inputs', () => {
    fc.assert(
      fc.property(partsArb, partsArb, (p, q) => {
        const same = p.origin === q.origin && p.second === q.second && p.nodeId === q.nodeId && p.counter === q.counter;
        assert.equal(encodeParts(p) === encodeParts(q), same);
      }),
      { numRuns: 5_000 },
    );
    // Neighbours in each field.
    const seen = new Set<string>();
    for (const second of [0, 1, MAX_SECOND]) {
      for (const nodeId of [0, 1, MAX_NODE_ID]) {
        for (const counter of [0, 1, COUNTER_SIZE - 1]) seen.add(encodeTrackingNumber('FR', second, nodeId, counter));
      }
    }
    assert.equal(seen.size, 27);
  });
});

describe('decodeTrackingNumber', () => {
  it('round-trips every encoded number', () => {
    fc.assert(
      fc.property(partsArb, (p) => {
        const encoded = encodeParts(p);
        const decoded = decodeTrackingNumber(encoded);
        assert.deepEqual(decoded, {
          ok: true,
          trackingNumber: encoded,
          origin: p.origin,
          second: p.second,
          issuedAtMs: EPOCH_MS + p.second * 1000,
          nodeId: p.nodeId,
          counter: p.counter,
        });
      }),
      { numRuns: 5_000 },
    );
  });

  it('decodes the extremes of the range', () => {
    const max = decodeTrackingNumber(withCheck('ZZ', (2n ** 67n - 1n).toString(36).toUpperCase()));
    assert.ok(max.ok);
    assert.equal(max.second, MAX_SECOND);
    assert.equal(max.nodeId, MAX_NODE_ID);
    assert.equal(max.counter, COUNTER_SIZE - 1);
    const zero = decodeTrackingNumber('AA' + '0'.repeat(13) + checkCharacter('AA' + '0'.repeat(13)));
    assert.ok(zero.ok);
    assert.deepEqual([zero.second, zero.nodeId, zero.counter, zero.issuedAtMs], [0, 0, 0, EPOCH_MS]);
  });

  it("rejects a wrong length with 'length'", () => {
    const valid = encodeTrackingNumber('FR', 5, 6, 7);
    assertFailure(decodeTrackingNumber(valid.slice(0, 15)), 'length', ['16 characters', 'got 15']);
    assertFailure(decodeTrackingNumber(valid + '0'), 'length', ['got 17']);
    assertFailure(decodeTrackingNumber(''), 'length', ['got 0']);
    assertFailure(decodeTrackingNumber(` ${valid}`), 'length', ['got 17']);
  });

  it("rejects lower case, symbols and other characters with 'characters', naming the first one", () => {
    const valid = encodeTrackingNumber('FR', 13_089_600, 17, 42); // FR06U0XUHZNONJEO
    assertFailure(decodeTrackingNumber(valid.toLowerCase()), 'characters', ["character 1 is 'f'", 'upper-case']);
    assertFailure(decodeTrackingNumber('FR06u0XUHZNONJEO'), 'characters', [
      "character 5 is 'u'",
      'upper-case letters A-Z and digits 0-9',
    ]);
    assertFailure(decodeTrackingNumber('FR06U0XUHZNONJEo'), 'characters', ["character 16 is 'o'"]);
    assertFailure(decodeTrackingNumber('FR06U0X-HZNONJEO'), 'characters', ["character 8 is '-'"]);
    assertFailure(decodeTrackingNumber('FR06U0X HZNONJEO'), 'characters', ['character 8 is U+0020']);
    assertFailure(decodeTrackingNumber('FR06U0XÉHZNONJEO'), 'characters', ["character 8 is 'É' (U+00C9)"]);
    assertFailure(decodeTrackingNumber('FR06U0X\u0000HZNONJEO'), 'characters', ['character 8 is U+0000']);
    // The first offending character is reported.
    assertFailure(decodeTrackingNumber('FR06U0X-HZNONJe_'), 'characters', ['character 8 ']);
  });

  it("rejects a digit in the origin with 'characters'", () => {
    assertFailure(decodeTrackingNumber(withCheck('1R', '06U0XUHZNONJE')), 'characters', [
      "character 1 is '1'",
      'origin country code',
      'letters A-Z',
    ]);
    assertFailure(decodeTrackingNumber(withCheck('F0', '06U0XUHZNONJE')), 'characters', [
      "character 2 is '0'",
      'origin',
    ]);
  });

  it("rejects a wrong check character with 'check-character', giving the expected one", () => {
    assertFailure(decodeTrackingNumber('FR06U0XUHZNONJEX'), 'check-character', [
      "check character is 'X' but the first 15 characters give 'O'",
      'mistyped',
    ]);
  });

  it("rejects a body of 2^67 or more with 'out-of-range'", () => {
    assertFailure(decodeTrackingNumber(withCheck('FR', 'ZZZZZZZZZZZZZ')), 'out-of-range', ['ZZZZZZZZZZZZZ', '2^67']);
    const twoTo67 = (2n ** 67n).toString(36).toUpperCase();
    assert.equal(twoTo67.length, 13);
    assertFailure(decodeTrackingNumber(withCheck('FR', twoTo67)), 'out-of-range', [twoTo67]);
    assert.ok(decodeTrackingNumber(withCheck('FR', (2n ** 67n - 1n).toString(36).toUpperCase())).ok);
    fc.assert(
      fc.property(fc.bigInt({ min: 2n ** 67n, max: 36n ** 13n - 1n }), originArb, (value, origin) => {
        assertFailure(decodeTrackingNumber(withCheck(origin, value.toString(36).toUpperCase())), 'out-of-range', []);
      }),
      { numRuns: 500 },
    );
  });

  it('checks length, then characters, then check character, then range', () => {
    assertFailure(decodeTrackingNumber('fr-'), 'length', []);
    // Bad character and wrong check character: characters first.
    assertFailure(decodeTrackingNumber('FR06U0XUHZNONJe1'), 'characters', []);
    // Digit in origin and wrong check character: characters first.
    assertFailure(decodeTrackingNumber('F106U0XUHZNONJE1'), 'characters', []);
    // Out of range and wrong check character: check character first.
    const zz = withCheck('FR', 'ZZZZZZZZZZZZZ');
    const wrong = zz.slice(0, 15) + (zz[15] === 'A' ? 'B' : 'A');
    assertFailure(decodeTrackingNumber(wrong), 'check-character', []);
  });

  it('rejects every single-character substitution of a valid number', () => {
    fc.assert(
      fc.property(partsArb, (p) => {
        const valid = encodeParts(p);
        for (let i = 0; i < TRACKING_NUMBER_LENGTH; i++) {
          for (const ch of ALPHANUMERIC) {
            if (ch === valid[i]) continue;
            const mutated = valid.slice(0, i) + ch + valid.slice(i + 1);
            const result = decodeTrackingNumber(mutated);
            if (i < ORIGIN_LENGTH && ch >= '0' && ch <= '9') {
              assertFailure(result, 'characters', [`character ${i + 1} is '${ch}'`]);
            } else {
              assertFailure(result, 'check-character', [`check character is '${mutated[15]!}'`]);
            }
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
