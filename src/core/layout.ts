/**
 * Layout of a tracking number.
 *
 * A tracking number is exactly 16 characters of [A-Z0-9]:
 *
 *     F R 0 6 U 0 X U H Z N O N J E O      (FR, 2025-06-01T12:00:00Z, node 17, counter 42)
 *     \_/ \_______________________/ |
 *      |              |             +-- check: 1 character, ISO/IEC 7064 MOD 37,36
 *      |              |                 over the first 15 characters (origin + body)
 *      |              +---------------- body: 13 base-36 digits (0-9 then A-Z),
 *      |                                most significant first, zero-padded
 *      +------------------------------- origin: ISO 3166-1 alpha-2 country code (A-Z)
 *
 * The body encodes a 67-bit unsigned value (36^13 > 2^67, so it always fits):
 *
 *      66                        36 35          24 23                         0
 *     +----------------------------+--------------+----------------------------+
 *     |     second (31 bits)       | nodeId (12)  |      counter (24 bits)     |
 *     +----------------------------+--------------+----------------------------+
 *
 *     value = second * 2^36 + nodeId * 2^24 + counter
 *
 *   second   whole seconds since EPOCH (2025-01-01T00:00:00Z), 0 .. 2^31-1 (until 2093)
 *   nodeId   issuing node, 0 .. 4095
 *   counter  sequence within (second, nodeId), 0 .. 2^24-1 (16,777,216 numbers per second per node)
 *
 * For the same origin and node, a later (second, counter) gives a lexicographically
 * larger body, because the body is a fixed-width big-endian base-36 number.
 */

/** Start of the `second` field: 2025-01-01T00:00:00Z, in Unix milliseconds. */
export const EPOCH_MS: number = Date.UTC(2025, 0, 1);

/** Start of the `second` field, in Unix seconds (1735689600). */
export const EPOCH_SECONDS: number = EPOCH_MS / 1000;

/** Width of the `second` field (whole seconds since the epoch). */
export const SECOND_BITS = 31;

/** Width of the `nodeId` field. */
export const NODE_ID_BITS = 12;

/** Width of the `counter` field. */
export const COUNTER_BITS = 24;

/** Largest `second` value: 2^31 - 1 (about 68 years after the epoch, early 2093). */
export const MAX_SECOND: number = 2 ** SECOND_BITS - 1;

/** Largest `nodeId` value: 2^12 - 1 = 4095. */
export const MAX_NODE_ID: number = 2 ** NODE_ID_BITS - 1;

/** Number of distinct counter values, i.e. numbers per second per node: 2^24 = 16,777,216. */
export const COUNTER_SIZE: number = 2 ** COUNTER_BITS;

/** Number of base-36 digits in the body. */
export const BODY_LENGTH = 13;

/** Number of characters in the origin country code. */
export const ORIGIN_LENGTH = 2;

/** Total length: origin (2) + body (13) + check character (1). */
export const TRACKING_NUMBER_LENGTH = 16;

/** The `second` field for a Unix time in milliseconds (floored; may be out of range, the caller checks). */
export function secondOf(unixMs: number): number {
  return Math.floor((unixMs - EPOCH_MS) / 1000);
}

/** Unix time in milliseconds of the start of a `second` value. */
export function unixMsOfSecond(second: number): number {
  return EPOCH_MS + second * 1000;
}
