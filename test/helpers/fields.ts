/**
 * The packed value's fields for the tests: fast-check arbitraries over their
 * full ranges, and the reference packing (BigInt shifts, as the layout's
 * picture in src/core/layout.ts says).
 */
import fc from 'fast-check';
import { COUNTER_SIZE, MAX_NODE_ID, MAX_SECOND, type Fields } from '../../src/core/layout.js';

/** 0..max, with the extremes and their neighbours made likely. */
export const rangeArb = (max: number): fc.Arbitrary<number> =>
  fc.oneof(fc.constantFrom(0, 1, max - 1, max), fc.integer({ min: 0, max }));

export const fieldsArb: fc.Arbitrary<Fields> = fc.record({
  second: rangeArb(MAX_SECOND),
  nodeId: rangeArb(MAX_NODE_ID),
  counter: rangeArb(COUNTER_SIZE - 1),
});

export const referenceValue = (f: Fields): bigint =>
  (BigInt(f.second) << 32n) | (BigInt(f.nodeId) << 20n) | BigInt(f.counter);
