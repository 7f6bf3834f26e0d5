/**
 * The two number formats, and decoding with the key.
 *
 * - opaque (the default): the body is the FF1 encryption (ff1.ts: AES-256,
 *   radix 36, 12 numerals) of the packed value (layout.ts) under the key of a
 *   generation 0..34, printed in the clear before the body. FF1 is a
 *   permutation for a fixed key and tweak, so distinct values give distinct
 *   bodies; distinct generations print distinct characters, so numbers under
 *   two keys never meet.
 *
 *   The tweak is empty, for the whole number space. A tweak that varied (by
 *   node, by origin) would make a different permutation per value of it,
 *   whose outputs can meet; a constant one adds nothing over the key. Empty,
 *   each FF1 round costs one AES block once the fixed first block is
 *   precomputed.
 * - sequential: the packed value itself, generation Z. Ordered, and readable
 *   by anyone: enumerable.
 */
import type { Run } from './allocator.js';
import { FF1 } from './ff1.js';
import {
  composeHalves,
  COUNTER_SIZE,
  decomposeHalves,
  MAX_KEY_GENERATION,
  SEQUENTIAL_GENERATION,
  type Fields,
  type Halves,
} from './layout.js';
import { printTrackingNumber, type ParsedTrackingNumber } from './trackingNumber.js';

export const NUMBER_FORMATS = ['opaque', 'sequential'] as const;
export type NumberFormat = (typeof NUMBER_FORMATS)[number];

/** AES-256: 32 bytes. */
export const KEY_BYTES = 32;

/** A key of the opaque format, and its generation (0..MAX_KEY_GENERATION). */
export interface NumberKey {
  readonly generation: number;
  readonly key: Uint8Array;
}

/** Makes the tracking number of drawn fields: one per worker thread (not re-entrant). */
export interface TrackingNumberEncoder {
  encode(origin: string, second: number, nodeId: number, counter: number): string;
  /**
   * The numbers of every counter of `runs`, in order: number k starts with
   * `origins[k]` (origins.length is the runs' total count).
   */
  encodeRuns(runs: readonly Run[], origins: readonly string[]): string[];
}

/** FF1 with tracknum's parameters: radix 36, 12 numerals, the empty tweak. */
function numberCipher(key: Uint8Array): FF1 {
  return new FF1(key, 36, 12);
}

/** The sequential format: the packed value as it is. */
export function sequentialEncoder(): TrackingNumberEncoder {
  const halves: Halves = { a: 0, b: 0 };
  const encode = (origin: string, second: number, nodeId: number, counter: number): string => {
    composeHalves(second, nodeId, counter, halves);
    return printTrackingNumber(origin, SEQUENTIAL_GENERATION, halves.a, halves.b);
  };
  return {
    encode,
    encodeRuns(runs, origins) {
      const numbers: string[] = [];
      for (const run of runs) {
        for (let i = 0; i < run.count; i++) {
          numbers.push(encode(origins[numbers.length]!, run.second, run.nodeId, run.counter + i));
        }
      }
      return numbers;
    },
  };
}

/**
 * The opaque format. Encryption is a function of (second, node ID, counter)
 * only, so values are encrypted ahead in batches of consecutive counters, the
 * way the allocator hands them out: each FF1 round then costs one AES call for
 * the whole batch instead of one per number.
 */
export class OpaqueEncoder implements TrackingNumberEncoder {
  readonly #cipher: FF1;
  readonly #generation: number;
  readonly #batch: number;
  /** Encrypted halves of counters #first .. #first + #count - 1 of (#second, #nodeId). */
  readonly #a: Float64Array;
  readonly #b: Float64Array;
  readonly #halves: Halves = { a: 0, b: 0 };
  #second = -1;
  #nodeId = -1;
  #first = 0;
  #count = 0;

  /** `batch`: how many consecutive counters are encrypted at once (the allocator's block size). */
  constructor(key: NumberKey, batch: number) {
    this.#cipher = numberCipher(key.key);
    this.#generation = key.generation;
    this.#batch = batch;
    this.#a = new Float64Array(batch);
    this.#b = new Float64Array(batch);
  }

  encode(origin: string, second: number, nodeId: number, counter: number): string {
    let index = counter - this.#first;
    if (second !== this.#second || nodeId !== this.#nodeId || index < 0 || index >= this.#count) {
      this.#encryptFrom(second, nodeId, counter);
      index = 0;
    }
    return printTrackingNumber(origin, this.#generation, this.#a[index]!, this.#b[index]!);
  }

  /** Scratch halves for encodeRuns, grown to the largest batch seen. */
  #runA = new Float64Array(0);
  #runB = new Float64Array(0);

  /**
   * A batch's numbers, every run's counters encrypted together: one AES call
   * per FF1 round for them all. A batch smaller than the encrypt-ahead block
   * goes number by number through encode() instead: its counters come from
   * the allocator's current block, which that block has (mostly) encrypted
   * already, where an FF1 call of its own would cost ten AES calls for a few
   * values.
   */
  encodeRuns(runs: readonly Run[], origins: readonly string[]): string[] {
    const total = origins.length;
    if (total < this.#batch) {
      const numbers: string[] = [];
      for (const run of runs) {
        for (let i = 0; i < run.count; i++) {
          numbers.push(this.encode(origins[numbers.length]!, run.second, run.nodeId, run.counter + i));
        }
      }
      return numbers;
    }
    if (this.#runA.length < total) {
      this.#runA = new Float64Array(total);
      this.#runB = new Float64Array(total);
    }
    const a = this.#runA;
    const b = this.#runB;
    const halves = this.#halves;
    let k = 0;
    for (const run of runs) {
      for (let i = 0; i < run.count; i++, k++) {
        composeHalves(run.second, run.nodeId, run.counter + i, halves);
        a[k] = halves.a;
        b[k] = halves.b;
      }
    }
    this.#cipher.encryptHalves(a, b, total);
    const numbers = new Array<string>(total);
    for (let i = 0; i < total; i++) numbers[i] = printTrackingNumber(origins[i]!, this.#generation, a[i]!, b[i]!);
    return numbers;
  }

  #encryptFrom(second: number, nodeId: number, counter: number): void {
    const count = Math.min(this.#batch, COUNTER_SIZE - counter);
    for (let i = 0; i < count; i++) {
      composeHalves(second, nodeId, counter + i, this.#halves);
      this.#a[i] = this.#halves.a;
      this.#b[i] = this.#halves.b;
    }
    this.#cipher.encryptHalves(this.#a, this.#b, count);
    this.#second = second;
    this.#nodeId = nodeId;
    this.#first = counter;
    this.#count = count;
  }
}

/** What a number carries, read with the key of its generation (or none, for the sequential format). */
export interface DecodedTrackingNumber extends Fields {
  readonly origin: string;
  readonly format: NumberFormat;
  /** The key generation, or undefined for the sequential format. */
  readonly generation: number | undefined;
}

/**
 * The fields of a parsed number. Throws a RangeError when its generation's key
 * is not among `keys`, or when the body decodes to no value a number packs
 * (the wrong key, or a number that was never issued).
 */
export function decodeTrackingNumber(parsed: ParsedTrackingNumber, keys: readonly NumberKey[]): DecodedTrackingNumber {
  let { a, b } = parsed;
  const sequential = parsed.generation === SEQUENTIAL_GENERATION;
  if (!sequential) {
    const key = keys.find((k) => k.generation === parsed.generation);
    if (key === undefined) {
      throw new RangeError(`no key of generation ${generationCharacter(parsed.generation)} is configured`);
    }
    const halfA = Float64Array.of(a);
    const halfB = Float64Array.of(b);
    numberCipher(key.key).decryptHalves(halfA, halfB, 1);
    a = halfA[0]!;
    b = halfB[0]!;
  }
  const fields = decomposeHalves(a, b);
  if (fields === undefined) {
    throw new RangeError(
      sequential
        ? 'the body is past the largest value a number packs'
        : 'the body decrypts to no value a number packs (the wrong key?)',
    );
  }
  return {
    origin: parsed.origin,
    format: sequential ? 'sequential' : 'opaque',
    generation: sequential ? undefined : parsed.generation,
    ...fields,
  };
}

/** The character a generation prints as: 0-9, then A-Y; Z for the sequential format. */
export function generationCharacter(generation: number): string {
  return generation.toString(36).toUpperCase();
}

/** Whether `generation` can carry a key. */
export function isKeyGeneration(generation: number): boolean {
  return Number.isInteger(generation) && generation >= 0 && generation <= MAX_KEY_GENERATION;
}
