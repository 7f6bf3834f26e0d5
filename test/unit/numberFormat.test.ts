/**
 * The two number formats against references (BigInt for the sequential one,
 * @noble/ciphers' FF1 for the opaque one), decoding with the key, and what an
 * outsider sees in a million consecutive opaque numbers.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { FF1 as NobleFF1 } from '@noble/ciphers/ff1.js';
import {
  decodeTrackingNumber,
  generationCharacter,
  OpaqueEncoder,
  sequentialEncoder,
  type NumberKey,
} from '../../src/core/numberFormat.js';
import { COUNTER_SIZE, MAX_NODE_ID, MAX_SECOND, SEQUENTIAL_GENERATION, type Fields } from '../../src/core/layout.js';
import { parseTrackingNumber } from '../../src/core/trackingNumber.js';
import { checkCharacter } from '../helpers/checkCharacter.js';
import { fieldsArb, rangeArb, referenceValue } from '../helpers/fields.js';

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** A key made from a label, so that every run checks the same numbers. */
const keyOf = (generation: number, label = 'test'): NumberKey => ({
  generation,
  key: createHash('sha256').update(`${label}-${generation}`).digest(),
});

const withCheck = (payload: string): string => payload + checkCharacter(payload);

/** The opaque reference: noble's FF1 (radix 36, empty tweak) of the 12 numerals of the value. */
function referenceOpaque(origin: string, key: NumberKey, f: Fields): string {
  const digits = [...referenceValue(f).toString(36).padStart(12, '0')].map((ch) => parseInt(ch, 36));
  const encrypted = NobleFF1(36, key.key).encrypt(digits);
  return withCheck(origin + ALPHANUMERIC[key.generation]! + encrypted.map((d) => ALPHANUMERIC[d]!).join(''));
}
function referenceSequential(origin: string, f: Fields): string {
  return withCheck(origin + 'Z' + referenceValue(f).toString(36).toUpperCase().padStart(12, '0'));
}

const decode = (number: string, keys: readonly NumberKey[]): ReturnType<typeof decodeTrackingNumber> => {
  const parsed = parseTrackingNumber(number);
  assert.ok(parsed.ok, number);
  return decodeTrackingNumber(parsed, keys);
};

describe('number formats', () => {
  it('sequential: the packed value in 12 numerals after a Z, as BigInt writes it', () => {
    const encoder = sequentialEncoder();
    fc.assert(
      fc.property(fieldsArb, (f) => {
        assert.equal(encoder.encode('MY', f.second, f.nodeId, f.counter), referenceSequential('MY', f));
      }),
      { numRuns: 10_000 },
    );
  });

  it('opaque: the FF1 encryption of the packed value, as @noble/ciphers computes it', () => {
    const key = keyOf(4);
    const encoder = new OpaqueEncoder(key, 256);
    fc.assert(
      fc.property(fieldsArb, (f) => {
        assert.equal(encoder.encode('SG', f.second, f.nodeId, f.counter), referenceOpaque('SG', key, f));
      }),
      { numRuns: 300 },
    );
  });

  it('opaque: encrypting ahead in batches gives the same number as encrypting alone, in any order of draws', () => {
    const key = keyOf(0);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            second: fc.integer({ min: 100, max: 102 }),
            nodeId: fc.integer({ min: 0, max: 1 }),
            counter: fc.oneof(
              fc.integer({ min: 0, max: 600 }),
              fc.integer({ min: COUNTER_SIZE - 300, max: COUNTER_SIZE - 1 }),
            ),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        fc.constantFrom(1, 7, 64, 256),
        (draws, batch) => {
          const batched = new OpaqueEncoder(key, batch);
          for (const f of draws) {
            const alone = new OpaqueEncoder(key, 1).encode('FR', f.second, f.nodeId, f.counter);
            assert.equal(batched.encode('FR', f.second, f.nodeId, f.counter), alone, JSON.stringify(f));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a batch: encodeRuns gives, run after run, the numbers encode gives one by one (both formats, runs over seconds and nodes)', () => {
    const run = fc.record({
      nodeId: rangeArb(MAX_NODE_ID),
      second: rangeArb(MAX_SECOND),
      counter: fc.nat({ max: COUNTER_SIZE - 700 }),
      count: fc.integer({ min: 1, max: 600 }),
    });
    fc.assert(
      fc.property(fc.array(run, { minLength: 1, maxLength: 5 }), fc.constantFrom('MY', 'SG', 'DE'), (runs, origin) => {
        const total = runs.reduce((sum, r) => sum + r.count, 0);
        const origins = Array.from({ length: total }, (_, i) => (i % 3 === 0 ? origin : 'ID'));
        for (const make of [() => new OpaqueEncoder(keyOf(3), 256), () => sequentialEncoder()]) {
          const one = make();
          const expected = runs
            .flatMap((r) => Array.from({ length: r.count }, (_, i) => [r, i] as const))
            .map(([r, i], k) => one.encode(origins[k]!, r.second, r.nodeId, r.counter + i));
          assert.deepEqual(make().encodeRuns(runs, origins), expected);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('decodes both formats with the key, and says when the key of a generation is missing', () => {
    const keys = [keyOf(0), keyOf(1), keyOf(34)];
    fc.assert(
      fc.property(fieldsArb, fc.constantFrom(...keys), (f, key) => {
        const opaque = decode(new OpaqueEncoder(key, 1).encode('DE', f.second, f.nodeId, f.counter), keys);
        assert.deepEqual(opaque, { origin: 'DE', format: 'opaque', generation: key.generation, ...f });
        const sequential = decode(sequentialEncoder().encode('DE', f.second, f.nodeId, f.counter), []);
        assert.deepEqual(sequential, { origin: 'DE', format: 'sequential', generation: undefined, ...f });
      }),
      { numRuns: 300 },
    );
    const number = new OpaqueEncoder(keyOf(5), 1).encode('DE', 1, 2, 3);
    assert.throws(() => decode(number, keys), /no key of generation 5 is configured/);
    // A sequential body past the largest packed value.
    assert.throws(() => decode(withCheck('DEZZZZZZZZZZZZZ'), []), /past the largest value/);
  });

  it('prints each generation as its own character, the sequential format as Z, so the formats and keys never meet', () => {
    assert.deepEqual(
      Array.from({ length: 36 }, (_, g) => generationCharacter(g)).join(''),
      '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    );
    assert.equal(generationCharacter(SEQUENTIAL_GENERATION), 'Z');
    fc.assert(
      fc.property(fieldsArb, fieldsArb, (f, g) => {
        const zero = new OpaqueEncoder(keyOf(0), 1).encode('MY', f.second, f.nodeId, f.counter);
        const one = new OpaqueEncoder(keyOf(1), 1).encode('MY', g.second, g.nodeId, g.counter);
        const sequential = sequentialEncoder().encode('MY', g.second, g.nodeId, g.counter);
        assert.equal(new Set([zero[2], one[2], sequential[2]]).size, 3);
      }),
      { numRuns: 200 },
    );
  });
});

describe('a million consecutive opaque numbers, as an outsider sees them', () => {
  // One instance's numbers: node 7, second by second, counters in the order the allocator hands them out.
  const COUNT = 1_000_000;
  const PER_SECOND = 50_000;
  const key = keyOf(0, 'statistics');

  function bodiesOf(encode: (second: number, counter: number) => string): string[] {
    const bodies: string[] = [];
    for (let i = 0; i < COUNT; i++) {
      bodies.push(encode(60_000_000 + Math.floor(i / PER_SECOND), i % PER_SECOND).slice(3, 15));
    }
    return bodies;
  }
  const opaque = new OpaqueEncoder(key, 256);
  const sequential = sequentialEncoder();
  const opaqueBodies = bodiesOf((second, counter) => opaque.encode('MY', second, 7, counter));

  /** Chi-square statistic of each body position's character counts against a uniform spread. */
  function chiSquares(bodies: readonly string[]): number[] {
    const counts = Array.from({ length: 12 }, () => new Float64Array(36));
    for (const body of bodies) {
      for (let p = 0; p < 12; p++) counts[p]![parseInt(body[p]!, 36)]! += 1;
    }
    const expected = bodies.length / 36;
    return counts.map((c) => c.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0));
  }
  // 35 degrees of freedom: P(chi-square > 73.4) = 0.0001, per position.
  const CRITICAL = 73.4;

  it('spreads every character position evenly over the 36 characters (chi-square, 35 degrees of freedom)', () => {
    const statistics = chiSquares(opaqueBodies);
    statistics.forEach((x, p) => assert.ok(x < CRITICAL, `position ${p + 1} of the body: chi-square ${x.toFixed(1)}`));
    // The test can fail: the sequential format's bodies are far from even.
    const sequentialStatistics = chiSquares(bodiesOf((second, counter) => sequential.encode('MY', second, 7, counter)));
    assert.ok(sequentialStatistics.filter((x) => x > CRITICAL).length >= 6, sequentialStatistics.join(', '));
  });

  it('shows no small and no repeated steps between consecutive bodies', () => {
    const steps = new Set<bigint>();
    let previous =
      BigInt(parseInt(opaqueBodies[0]!.slice(0, 6), 36)) * 36n ** 6n + BigInt(parseInt(opaqueBodies[0]!.slice(6), 36));
    for (let i = 1; i < COUNT; i++) {
      const body = opaqueBodies[i]!;
      const value = BigInt(parseInt(body.slice(0, 6), 36)) * 36n ** 6n + BigInt(parseInt(body.slice(6), 36));
      const step = value - previous;
      const size = step < 0n ? -step : step;
      // Two random 12-numeral values come this close about once in 10^9 pairs.
      assert.ok(size >= 36n ** 6n, `bodies ${i - 1} and ${i} are only ${size} apart`);
      steps.add(step);
      previous = value;
    }
    assert.equal(steps.size, COUNT - 1, 'a step between consecutive bodies repeats');
    assert.equal(new Set(opaqueBodies).size, COUNT, 'a body repeats');
  });
});
