/**
 * The packed value (layout.ts) and the printed number (trackingNumber.ts),
 * against independent references: BigInt arithmetic, Number#toString(36) and
 * the string form of the check character.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  composeHalves,
  COUNTER_SIZE,
  decomposeHalves,
  MAX_KEY_GENERATION,
  MAX_NODE_ID,
  MAX_SECOND,
  SEQUENTIAL_GENERATION,
  secondOf,
  TRACKING_NUMBER_LENGTH,
  unixMsOfSecond,
  type Fields,
} from '../../src/core/layout.js';
import { parseTrackingNumber, printTrackingNumber, upperCaseAscii } from '../../src/core/trackingNumber.js';

type ParseFailureReason = Extract<ReturnType<typeof parseTrackingNumber>, { ok: false }>['reason'];
/** The range of each half of the body: 6 numerals. */
const HALF_SIZE = 36 ** 6;
import { checkCharacter } from '../helpers/checkCharacter.js';
import { fieldsArb, rangeArb, referenceValue } from '../helpers/fields.js';

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const EPOCH_MS = Date.UTC(2025, 0, 1);

const numerals = (value: number, width: number): string => value.toString(36).toUpperCase().padStart(width, '0');
/** The reference print: the characters the layout's picture lists, and the check over them. */
function referencePrint(origin: string, generation: number, a: number, b: number): string {
  const payload = origin + ALPHANUMERIC[generation]! + numerals(a, 6) + numerals(b, 6);
  return payload + checkCharacter(payload);
}

const letter = fc.constantFrom(...LETTERS.split(''));
const originArb = fc.tuple(letter, letter).map(([a, b]) => a + b);
const halfArb = rangeArb(HALF_SIZE - 1);
const generationArb = fc.integer({ min: 0, max: SEQUENTIAL_GENERATION });

function halvesOf(f: Fields): { a: number; b: number } {
  const out = { a: -1, b: -1 };
  composeHalves(f.second, f.nodeId, f.counter, out);
  return out;
}

describe('layout', () => {
  it('has the documented fields, which fill less than the 12 numerals of the body', () => {
    assert.equal(MAX_SECOND, 2 ** 30 - 1);
    assert.equal(MAX_NODE_ID + 1, 4096);
    assert.equal(COUNTER_SIZE, 2 ** 20);
    assert.ok(referenceValue({ second: MAX_SECOND, nodeId: MAX_NODE_ID, counter: COUNTER_SIZE - 1 }) < 36n ** 12n);
    assert.equal(2 + 1 + 12 + 1, TRACKING_NUMBER_LENGTH);
    // 35 key generations and the sequential format's own: every character of the alphabet.
    assert.equal(MAX_KEY_GENERATION + 2, 36);
  });

  it('lasts past 2055', () => {
    assert.equal(unixMsOfSecond(0), EPOCH_MS);
    assert.equal(new Date(unixMsOfSecond(MAX_SECOND)).toISOString(), '2059-01-10T13:37:03.000Z');
    assert.ok(unixMsOfSecond(MAX_SECOND) > Date.UTC(2056, 0, 1));
  });

  it('converts between Unix milliseconds and seconds since the epoch', () => {
    assert.equal(secondOf(EPOCH_MS), 0);
    assert.equal(secondOf(EPOCH_MS + 999), 0);
    assert.equal(secondOf(EPOCH_MS + 1000), 1);
    assert.equal(secondOf(EPOCH_MS - 1), -1);
    assert.equal(secondOf(Date.UTC(2025, 5, 1, 12)), 13_089_600);
    fc.assert(
      fc.property(fc.integer({ min: EPOCH_MS, max: unixMsOfSecond(MAX_SECOND) + 999 }), (ms) => {
        const second = secondOf(ms);
        assert.ok(unixMsOfSecond(second) <= ms && ms < unixMsOfSecond(second + 1));
      }),
    );
  });

  it('splits the packed value into halves exactly as BigInt does, at every combination of extremes', () => {
    for (const second of [0, 1, MAX_SECOND - 1, MAX_SECOND]) {
      for (const nodeId of [0, 1, MAX_NODE_ID - 1, MAX_NODE_ID]) {
        for (const counter of [0, 1, COUNTER_SIZE - 2, COUNTER_SIZE - 1]) {
          const value = referenceValue({ second, nodeId, counter });
          assert.deepEqual(halvesOf({ second, nodeId, counter }), {
            a: Number(value / BigInt(HALF_SIZE)),
            b: Number(value % BigInt(HALF_SIZE)),
          });
        }
      }
    }
  });

  it('splits and joins the packed value exactly over the full ranges', () => {
    fc.assert(
      fc.property(fieldsArb, (f) => {
        const value = referenceValue(f);
        const halves = halvesOf(f);
        assert.equal(BigInt(halves.a) * BigInt(HALF_SIZE) + BigInt(halves.b), value);
        assert.ok(halves.b < HALF_SIZE && halves.a < HALF_SIZE);
        assert.deepEqual(decomposeHalves(halves.a, halves.b), { ...f });
      }),
      { numRuns: 20_000 },
    );
  });

  it('stays exact on values near multiples of 36^6 (where a rounding slip would show)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 36n ** 12n / 36n ** 6n - 1n }), fc.integer({ min: -3, max: 3 }), (q, d) => {
        const value = q * BigInt(HALF_SIZE) + BigInt(d);
        if (value < 0n || value >= 1n << 62n) return;
        const f = {
          second: Number(value >> 32n),
          nodeId: Number((value >> 20n) & 4095n),
          counter: Number(value & 0xfffffn),
        };
        const halves = halvesOf(f);
        assert.equal(BigInt(halves.a) * BigInt(HALF_SIZE) + BigInt(halves.b), value);
      }),
      { numRuns: 5_000 },
    );
  });

  it('decomposes no value of 2^62 or more: no number packs one', () => {
    const first = 2n ** 62n;
    assert.equal(decomposeHalves(Number(first / BigInt(HALF_SIZE)), Number(first % BigInt(HALF_SIZE))), undefined);
    assert.equal(decomposeHalves(HALF_SIZE - 1, HALF_SIZE - 1), undefined);
    const last = first - 1n;
    assert.deepEqual(decomposeHalves(Number(last / BigInt(HALF_SIZE)), Number(last % BigInt(HALF_SIZE))), {
      second: MAX_SECOND,
      nodeId: MAX_NODE_ID,
      counter: COUNTER_SIZE - 1,
    });
  });
});

describe('printTrackingNumber and parseTrackingNumber', () => {
  it('print as the reference does, over the full ranges', () => {
    for (const [a, b] of [
      [0, 0],
      [HALF_SIZE - 1, HALF_SIZE - 1],
      [1, HALF_SIZE - 1],
    ] as const) {
      for (const generation of [0, MAX_KEY_GENERATION, SEQUENTIAL_GENERATION]) {
        assert.equal(printTrackingNumber('AA', generation, a, b), referencePrint('AA', generation, a, b));
      }
    }
    fc.assert(
      fc.property(originArb, generationArb, halfArb, halfArb, (origin, generation, a, b) => {
        assert.equal(printTrackingNumber(origin, generation, a, b), referencePrint(origin, generation, a, b));
      }),
      { numRuns: 20_000 },
    );
  });

  it('give known numbers', () => {
    assert.equal(printTrackingNumber('FR', 0, 0, 0), 'FR0000000000000' + checkCharacter('FR0000000000000'));
    assert.equal(printTrackingNumber('MY', 35, 1, 2), 'MYZ000001000002' + checkCharacter('MYZ000001000002'));
  });

  it('parse back every printed number', () => {
    fc.assert(
      fc.property(originArb, generationArb, halfArb, halfArb, (origin, generation, a, b) => {
        assert.deepEqual(parseTrackingNumber(printTrackingNumber(origin, generation, a, b)), {
          ok: true,
          origin,
          generation,
          a,
          b,
        });
      }),
      { numRuns: 10_000 },
    );
  });

  const assertFailure = (input: string, reason: ParseFailureReason, detailIncludes: string[]): void => {
    const result = parseTrackingNumber(input);
    assert.equal(result.ok, false, `expected failure '${reason}' for ${input}`);
    if (result.ok) return;
    assert.equal(result.reason, reason, result.detail);
    for (const part of detailIncludes) {
      assert.ok(result.detail.includes(part), `detail ${JSON.stringify(result.detail)} lacks ${JSON.stringify(part)}`);
    }
  };
  const valid = printTrackingNumber('FR', 3, 123_456, 654_321);

  it("reject a wrong length with 'length'", () => {
    assertFailure(valid.slice(0, 15), 'length', ['16 characters', 'got 15']);
    assertFailure(valid + '0', 'length', ['got 17']);
    assertFailure('', 'length', ['got 0']);
    assertFailure(` ${valid}`, 'length', ['got 17']);
  });

  it("reject lower case, symbols and other characters with 'characters', naming the first one", () => {
    const at = (i: number, ch: string): string => valid.slice(0, i) + ch + valid.slice(i + 1);
    assertFailure(valid.toLowerCase(), 'characters', ["character 1 is 'f'", 'upper-case']);
    assertFailure(at(4, 'u'), 'characters', ["character 5 is 'u'", 'upper-case letters A-Z and digits 0-9']);
    assertFailure(at(15, 'o'), 'characters', ["character 16 is 'o'"]);
    assertFailure(at(7, '-'), 'characters', ["character 8 is '-'"]);
    assertFailure(at(7, ' '), 'characters', ['character 8 is U+0020']);
    assertFailure(at(7, 'É'), 'characters', ["character 8 is 'É' (U+00C9)"]);
    assertFailure(at(7, '\u0000'), 'characters', ['character 8 is U+0000']);
    assertFailure(at(7, 'ß'), 'characters', ["character 8 is 'ß' (U+00DF)"]);
    // The first offending character is reported, before a wrong check character.
    assertFailure(at(15, '_').slice(0, 7) + '-' + at(15, '_').slice(8), 'characters', ['character 8 ']);
  });

  it('upper-case ASCII letters only, so that no look-alike becomes a letter before parsing', () => {
    const cases: [given: string, expected: string][] = [
      ['us0a1b2c3d4e5f6g7', 'US0A1B2C3D4E5F6G7'],
      ['US0A1B2C3D4E5F6G7', 'US0A1B2C3D4E5F6G7'],
      ['straße', 'STRAßE'],
      ['ıi', 'ıI'],
      ['ﬀ', 'ﬀ'],
      ['é', 'é'],
      ['', ''],
    ];
    for (const [given, expected] of cases) assert.equal(upperCaseAscii(given), expected, given);
    const lookAlike = parseTrackingNumber(upperCaseAscii('usﬀ'));
    assert.ok(!lookAlike.ok);
  });

  it("reject a digit in the origin with 'characters'", () => {
    const payload = `1R${valid.slice(2, 15)}`;
    assertFailure(payload + checkCharacter(payload), 'characters', [
      "character 1 is '1'",
      'origin country code',
      'letters A-Z',
    ]);
  });

  it("reject a wrong check character with 'check-character', giving the expected one", () => {
    const wrong = valid[15] === 'X' ? 'Y' : 'X';
    assertFailure(valid.slice(0, 15) + wrong, 'check-character', [
      `check character is '${wrong}' but the first 15 characters give '${valid[15]!}'`,
      'mistyped',
    ]);
  });

  it('reject every single-character substitution of a valid number', () => {
    fc.assert(
      fc.property(originArb, generationArb, halfArb, halfArb, (origin, generation, a, b) => {
        const number = printTrackingNumber(origin, generation, a, b);
        for (let i = 0; i < TRACKING_NUMBER_LENGTH; i++) {
          for (const ch of ALPHANUMERIC) {
            if (ch === number[i]) continue;
            const mutated = number.slice(0, i) + ch + number.slice(i + 1);
            const expected: ParseFailureReason = i < 2 && ch >= '0' && ch <= '9' ? 'characters' : 'check-character';
            assertFailure(mutated, expected, []);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
