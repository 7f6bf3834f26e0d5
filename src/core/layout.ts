/**
 * Layout of the value a tracking number carries, and of the number itself.
 *
 * A tracking number is exactly 16 characters of [A-Z0-9]:
 *
 *     M Y 0 K 4 D 2 Q 8 Z W 1 N 7 C R
 *     \_/ | \_____________________/ |
 *      |  |            |            +-- check: ISO/IEC 7064 MOD 37,36 over the 15 characters before it
 *      |  |            +--------------- body: 12 base-36 numerals (0-9 then A-Z): the packed value,
 *      |  |                             FF1-encrypted (opaque format) or as it is (sequential format)
 *      |  +---------------------------- generation: the key generation 0-9, A-Y (0..34), or Z for
 *      |                                the sequential format; in the clear, outside the encryption
 *      +------------------------------- origin: ISO 3166-1 alpha-2 country code (A-Z)
 *
 * The packed value (62 bits, below 36^12, so every value has 12 numerals):
 *
 *      61                        32 31          20 19                0
 *     +----------------------------+--------------+------------------+
 *     |     second (30 bits)       | nodeId (12)  |  counter (20)    |
 *     +----------------------------+--------------+------------------+
 *
 *     value = second * 2^32 + nodeId * 2^20 + counter = a * 36^6 + b
 *
 *   second   whole seconds since EPOCH (2025-01-01T00:00:00Z), 0 .. 2^30-1 (until January 2059)
 *   nodeId   issuing node, 0 .. 4095
 *   counter  sequence within (second, nodeId), 0 .. 2^20-1 (1,048,576 numbers per second per node)
 *
 * FF1 (ff1.ts) works on the halves a and b, each below 36^6 < 2^32, so no step needs BigInt:
 * composeHalves and decomposeHalves below turn fields into halves and back.
 */

/** Start of the `second` field: 2025-01-01T00:00:00Z, in Unix milliseconds. */
const EPOCH_MS: number = Date.UTC(2025, 0, 1);

const SECOND_BITS = 30;
const NODE_ID_BITS = 12;
export const COUNTER_BITS = 20;

/** Largest `second` value: 2^30 - 1, 34 years after the epoch (2059-01-10). */
export const MAX_SECOND: number = 2 ** SECOND_BITS - 1;

/** Largest `nodeId` value: 2^12 - 1 = 4095. */
export const MAX_NODE_ID: number = 2 ** NODE_ID_BITS - 1;

/** Number of distinct counter values, i.e. numbers per second per node: 2^20 = 1,048,576. */
export const COUNTER_SIZE: number = 2 ** COUNTER_BITS;

/** 36^6: the range of each half, and the modulus that splits the value into them. */
const HALF_SIZE: number = 36 ** 6;

/** The generation character of the sequential format: Z, the last one. */
export const SEQUENTIAL_GENERATION = 35;

/** Key generations of the opaque format: 0..34, printed 0-9 then A-Y. */
export const MAX_KEY_GENERATION = 34;

/** Total length: origin (2) + generation (1) + body (12) + check character (1). */
export const TRACKING_NUMBER_LENGTH = 16;

/** The `second` field for a Unix time in milliseconds (floored; may be out of range, the caller checks). */
export function secondOf(unixMs: number): number {
  return Math.floor((unixMs - EPOCH_MS) / 1000);
}

/** Unix time in milliseconds of the start of a `second` value. */
export function unixMsOfSecond(second: number): number {
  return EPOCH_MS + second * 1000;
}

/** The fields of a packed value. */
export interface Fields {
  second: number;
  nodeId: number;
  counter: number;
}

/** The two halves of a packed value: value = a * 36^6 + b. */
export interface Halves {
  a: number;
  b: number;
}

const TWO_16 = 2 ** 16;
const COUNTER_SHIFT = 2 ** COUNTER_BITS;

/**
 * The halves of the value packed from in-range fields, into `out`. No
 * validation: the hot path's callers hold fields the allocator handed out.
 *
 * Long division of second * 2^32 + low (low = nodeId * 2^20 + counter < 2^32)
 * by 36^6 in two 16-bit steps, so that every partial dividend stays below
 * 2^48 and the arithmetic is exact in doubles.
 */
export function composeHalves(second: number, nodeId: number, counter: number, out: Halves): void {
  const low = nodeId * COUNTER_SHIFT + counter;
  const high16 = Math.floor(low / TWO_16);
  const first = second * TWO_16 + high16; // < 2^46
  const q1 = Math.floor(first / HALF_SIZE);
  const second16 = (first - q1 * HALF_SIZE) * TWO_16 + (low - high16 * TWO_16); // < 36^6 * 2^16 < 2^48
  const q2 = Math.floor(second16 / HALF_SIZE);
  out.a = q1 * TWO_16 + q2;
  out.b = second16 - q2 * HALF_SIZE;
}

/**
 * The fields of the value a * 36^6 + b, or undefined when it is not a value
 * any number packs (2^62 or more). Not on the hot path: BigInt, for clarity.
 */
export function decomposeHalves(a: number, b: number): Fields | undefined {
  const value = BigInt(a) * BigInt(HALF_SIZE) + BigInt(b);
  const second = Number(value >> 32n);
  if (second > MAX_SECOND) return undefined;
  const low = Number(value & 0xffff_ffffn);
  return { second, nodeId: Math.floor(low / COUNTER_SHIFT), counter: low % COUNTER_SHIFT };
}
