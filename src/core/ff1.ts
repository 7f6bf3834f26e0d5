/**
 * FF1 format-preserving encryption (NIST SP 800-38G Rev. 1, Algorithms 7 and 8) with AES
 * from node:crypto.
 *
 * A numeral string X of n numerals in base `radix` is split into A (the first u = floor(n/2)
 * numerals) and B (the last v = n - u). This module works on the two halves as integers,
 * NUM(A) < radix^u and NUM(B) < radix^v, not on numeral strings: the caller packs and
 * unpacks them. Halves are doubles, so radix^v must not exceed 2^53 (checked at construction).
 *
 * Each of the 10 Feistel rounds computes, with Q = T || 0^pad || [i]1 || [NUM(B)]b,
 *     R = CBC-MAC_K(P || Q),  y = NUM(first d bytes of R),  C = (NUM(A) + y) mod radix^m
 * and then A <- B, B <- C. Everything but the last 16-byte block of P || Q is fixed by
 * (key, radix, n, tweak), so its CBC-MAC state is computed once at construction; each round
 * then costs ONE AES block per value. (With an empty tweak P || Q is exactly 2 blocks and the
 * PRF is AES(AES(P) XOR Q).) Since radix^v <= 2^53, b <= 7 and d <= 12: S = R, no extra
 * blocks.
 *
 * Batches: every round encrypts the blocks of all values of a batch in one update() call of a
 * single AES-ECB cipher object (ECB has no state between blocks, so it serves forever).
 */
import { createCipheriv, type Cipher, type KeyObject } from 'node:crypto';

/** FF1 has exactly 10 Feistel rounds. */
const ROUNDS = 10;
const BLOCK = 16;
/** Rev. 1 raised the minimum domain size radix^minlen from 100 to one million. */
const MIN_DOMAIN = 1_000_000;
const TWO_16 = 2 ** 16;
const TWO_32 = 2 ** 32;
/** Values in a batch that need no scratch growth; workers draw counters in blocks of 64. */
const INITIAL_CAPACITY = 64;
const EMPTY = new Uint8Array(0);

/**
 * FF1 for a fixed key, radix, length n and tweak. Not re-entrant (one scratch buffer), which
 * is fine within one thread; each worker thread makes its own.
 *
 * The key is used once, to create the AES cipher, and is not kept: no field, message or
 * inspect output can show it.
 */
export class FF1 {
  /** Base of the numerals, 2..65536. */
  readonly radix: number;
  /** n: numerals per value. */
  readonly length: number;
  /** Numerals in the first half A: floor(n / 2). Values of A are below radix^u. */
  readonly u: number;
  /** Numerals in the second half B: n - u. Values of B are below radix^v. */
  readonly v: number;

  /** AES-ECB without padding, encrypting (FF1 only ever uses the forward cipher). */
  readonly #cipher: Cipher;
  /** radix^u and radix^v, the moduli of the even and odd rounds. */
  readonly #modU: number;
  readonly #modV: number;
  /** b: bytes of NUM(B) in Q. d: bytes of y. */
  readonly #b: number;
  readonly #d: number;
  /**
   * The last block of P || Q before the round number and NUM(B) are XORed in: the CBC-MAC
   * state after the fixed blocks XOR the fixed bytes (tweak, zero padding) of the last block.
   */
  readonly #lastBlock: Uint8Array;
  /** Bytes 8..11 and 12..15 of #lastBlock as big-endian words (fast path). */
  readonly #lastWord2: number;
  readonly #lastWord3: number;
  /** 2^32 mod M and 2^48 mod M for M = radix^u and radix^v (fast path, see #round). */
  readonly #weightsU: Float64Array;
  readonly #weightsV: Float64Array;
  /** Input blocks of one round, pre-filled with #lastBlock; grows for batches over 64. */
  #scratch: Uint8Array;
  #scratchView: DataView;
  #capacity: number;

  /**
   * @param key AES key: 16, 24 or 32 bytes (AES-128/192/256), or a secret KeyObject.
   * @param radix base of the numerals, 2..65536.
   * @param length n, the number of numerals: radix^n >= 1,000,000 and radix^ceil(n/2) <= 2^53.
   * @param tweak tweak bytes, may be empty.
   * @throws RangeError (TypeError for a key of the wrong type) on invalid parameters.
   */
  constructor(key: Uint8Array | KeyObject, radix: number, length: number, tweak: Uint8Array = EMPTY) {
    const keyBytes = key instanceof Uint8Array ? key.length : key.type === 'secret' ? key.symmetricKeySize : -1;
    if (keyBytes === -1) throw new TypeError('FF1: the key must be bytes or a secret KeyObject');
    if (keyBytes !== 16 && keyBytes !== 24 && keyBytes !== 32) {
      throw new RangeError(`FF1: an AES key has 16, 24 or 32 bytes, got ${keyBytes}`);
    }
    if (!Number.isInteger(radix) || radix < 2 || radix > TWO_16) {
      throw new RangeError(`FF1: radix must be an integer in 2..65536, got ${radix}`);
    }
    if (!Number.isInteger(length) || length < 2 || length >= TWO_32) {
      throw new RangeError(`FF1: length must be an integer in 2..2^32-1, got ${length}`);
    }
    const u = Math.floor(length / 2);
    const v = length - u;
    // A cheap estimate first, so that a huge n never builds a huge BigInt; then the exact test.
    const tooLong = `FF1: radix^ceil(n/2) must be at most 2^53 (halves are doubles), got ${radix}^${v}`;
    if (v * Math.log2(radix) > 54) throw new RangeError(tooLong);
    const modU = Number(BigInt(radix) ** BigInt(u));
    const modV = Number(BigInt(radix) ** BigInt(v));
    if (modV > 2 ** 53) throw new RangeError(tooLong);
    if (BigInt(radix) ** BigInt(length) < BigInt(MIN_DOMAIN)) {
      throw new RangeError(`FF1: radix^n must be at least 1,000,000, got ${radix}^${length}`);
    }
    if (tweak.length >= TWO_32) throw new RangeError('FF1: the tweak must be shorter than 2^32 bytes');

    this.radix = radix;
    this.length = length;
    this.u = u;
    this.v = v;
    this.#modU = modU;
    this.#modV = modV;

    // b = ceil(ceil(v * log2(radix)) / 8) = the byte length of radix^v - 1, computed exactly
    // (radix^v - 1 < 2^53 is an exact double). d = 4 * ceil(b / 4) + 4.
    const b = Math.ceil((modV - 1).toString(2).length / 8);
    const d = 4 * Math.ceil(b / 4) + 4;
    this.#b = b;
    this.#d = d;

    const cipher = createCipheriv(`aes-${keyBytes * 8}-ecb`, key, null);
    cipher.setAutoPadding(false);
    this.#cipher = cipher;

    // P = [1]1 || [2]1 || [1]1 || [radix]3 || [10]1 || [u mod 256]1 || [n]4 || [t]4
    const t = tweak.length;
    const pad = (((-t - b - 1) % BLOCK) + BLOCK) % BLOCK;
    const pq = new Uint8Array(BLOCK + t + pad + 1 + b);
    pq.set([1, 2, 1, (radix >>> 16) & 0xff, (radix >>> 8) & 0xff, radix & 0xff, 10, u % 256]);
    const view = new DataView(pq.buffer);
    view.setUint32(8, length);
    view.setUint32(12, t);
    pq.set(tweak, BLOCK);
    // CBC-MAC over every block but the last, whose round number and NUM(B) change per round.
    let state: Uint8Array = new Uint8Array(BLOCK);
    const last = pq.length - BLOCK;
    for (let offset = 0; offset < last; offset += BLOCK) {
      const block = new Uint8Array(BLOCK);
      for (let j = 0; j < BLOCK; j++) block[j] = state[j]! ^ pq[offset + j]!;
      state = cipher.update(block);
    }
    const lastBlock = new Uint8Array(BLOCK);
    for (let j = 0; j < BLOCK; j++) lastBlock[j] = state[j]! ^ pq[last + j]!;
    this.#lastBlock = lastBlock;
    const lastView = new DataView(lastBlock.buffer);
    this.#lastWord2 = lastView.getUint32(8);
    this.#lastWord3 = lastView.getUint32(12);

    this.#weightsU = Float64Array.of(TWO_32 % modU, (TWO_32 * TWO_16) % modU);
    this.#weightsV = Float64Array.of(TWO_32 % modV, (TWO_32 * TWO_16) % modV);
    this.#capacity = 0;
    this.#scratch = EMPTY;
    this.#scratchView = new DataView(EMPTY.buffer);
    this.#grow(INITIAL_CAPACITY);
  }

  /**
   * Encrypts `count` values in place: value k is (a[k], b[k]) = (NUM(A), NUM(B)), with
   * a[k] < radix^u and b[k] < radix^v; afterwards it is (NUM(A'), NUM(B')) of its ciphertext.
   * Out-of-range or non-integer inputs give meaningless outputs (no checks on this path).
   */
  encryptHalves(a: Float64Array, b: Float64Array, count: number): void {
    if (count > this.#capacity) this.#grow(count);
    const fast = this.#d === 8;
    for (let i = 0; i < ROUNDS; i++) {
      if (fast) this.#roundFast(a, b, count, i, 1);
      else this.#roundGeneral(a, b, count, i, false);
    }
  }

  /** Inverse of encryptHalves: decrypts `count` values in place. */
  decryptHalves(a: Float64Array, b: Float64Array, count: number): void {
    if (count > this.#capacity) this.#grow(count);
    const fast = this.#d === 8;
    for (let i = ROUNDS - 1; i >= 0; i--) {
      if (fast) this.#roundFast(a, b, count, i, -1);
      else this.#roundGeneral(a, b, count, i, true);
    }
  }

  /*
   * Round i for every value of a batch. In both directions, round i reads the half that is
   * NUM(B) (encryption) or NUM(A) (decryption) and replaces the other one by C, modulo
   * radix^m: even rounds read b[] and write a[] (mod radix^u), odd rounds the reverse (mod
   * radix^v). So a[] always holds u-numeral values and b[] v-numeral values, with no copying.
   */

  /**
   * Round i when b <= 4 (so d = 8 and every half is below 2^32): the production parameters.
   * `sign` is 1 to encrypt (C = A + y), -1 to decrypt (C = B - y).
   */
  #roundFast(a: Float64Array, b: Float64Array, count: number, i: number, sign: number): void {
    const even = (i & 1) === 0;
    const src = even ? b : a;
    const dst = even ? a : b;
    const mod = even ? this.#modU : this.#modV;
    // Q's [i]1 || [NUM(B)]b lies in the last 8 bytes of the block, written as two big-endian
    // words (DataView: measured ~2x faster than byte stores): with b = 4 the round byte ends
    // word 2; with b < 4 it sits in word 3 above NUM(B). Bytes 0..7 keep #lastBlock (#grow).
    const bytes = this.#b;
    const word2 = this.#lastWord2 ^ (bytes === 4 ? i : 0);
    const word3 = this.#lastWord3;
    const roundTerm = bytes === 4 ? 0 : i * 2 ** (8 * bytes);
    const view = this.#scratchView;
    for (let k = 0, o = 8; k < count; k++, o += BLOCK) {
      view.setUint32(o, word2);
      view.setUint32(o + 4, word3 ^ (src[k]! + roundTerm)); // ^ wraps the sum (< 2^32) to int32: same bits
    }
    const r = this.#cipher.update(this.#blocks(count));
    const out = new DataView(r.buffer, r.byteOffset, r.byteLength);
    // y = first 8 bytes of R = hi * 2^32 + lo with hi = h1 * 2^16 + h0 (16-bit limbs), so
    // y = h1 * (2^48 mod M) + h0 * (2^32 mod M) + lo (mod M), each product < 2^16 * 2^32.
    // With the other half x (< 2^32) added, or subtracted, first: |s| < 2^49 + 2^33, exact,
    // and one floor-division gives (x +- y) mod M with no data-dependent branch (a compare
    // and subtract instead mispredicts half the time: measured ~2.5x slower for this loop).
    // floor(s / M) is exact for |s| < 2^53: the quotient, if not an integer, is at least 1/M
    // away from one, more than its rounding error |s / M| * 2^-53.
    const weights = even ? this.#weightsU : this.#weightsV;
    const w32 = weights[0]!;
    const w48 = weights[1]!;
    for (let k = 0, o = 0; k < count; k++, o += BLOCK) {
      const hi = out.getUint32(o);
      const s = dst[k]! + sign * ((hi >>> 16) * w48 + (hi & 0xffff) * w32 + out.getUint32(o + 4));
      dst[k] = s - Math.floor(s / mod) * mod;
    }
  }

  /** Round i when b = 5..7 (d = 12): halves up to 2^53, y up to 96 bits, reduced with BigInt. */
  #roundGeneral(a: Float64Array, b: Float64Array, count: number, i: number, decrypt: boolean): void {
    const even = (i & 1) === 0;
    const src = even ? b : a;
    const dst = even ? a : b;
    const mod = even ? this.#modU : this.#modV;
    const input = this.#scratch;
    const h = this.#lastBlock;
    const bytes = this.#b;
    const roundAt = BLOCK - 1 - bytes; // Q ends with [i]1 || [NUM(B)]b
    for (let k = 0, o = 0; k < count; k++, o += BLOCK) {
      input[o + roundAt] = h[roundAt]! ^ i;
      const x = src[k]!;
      const low = x >>> 0; // x mod 2^32
      const high = (x - low) / TWO_32;
      for (let e = 0; e < bytes; e++) {
        const byte = e < 4 ? (low >>> (8 * e)) & 0xff : (high >>> (8 * (e - 4))) & 0xff;
        input[o + BLOCK - 1 - e] = h[BLOCK - 1 - e]! ^ byte;
      }
    }
    const r = this.#cipher.update(this.#blocks(count));
    const bigMod = BigInt(mod);
    for (let k = 0, o = 0; k < count; k++, o += BLOCK) {
      let y = 0n;
      for (let j = 0; j < this.#d; j++) y = (y << 8n) | BigInt(r[o + j]!);
      dst[k] = addMod(dst[k]!, Number(y % bigMod), mod, decrypt);
    }
  }

  /** The first `count` input blocks (the whole scratch for a full batch: no new view). */
  #blocks(count: number): Uint8Array {
    return count === this.#capacity ? this.#scratch : this.#scratch.subarray(0, count * BLOCK);
  }

  /** Makes room for batches of `capacity` values, each block pre-filled with #lastBlock. */
  #grow(capacity: number): void {
    const scratch = new Uint8Array(capacity * BLOCK);
    for (let o = 0; o < scratch.length; o += BLOCK) scratch.set(this.#lastBlock, o);
    this.#scratch = scratch;
    this.#scratchView = new DataView(scratch.buffer);
    this.#capacity = capacity;
  }
}

/**
 * (x + y) mod m, or (x - y) mod m when `subtract`, for 0 <= x, y < m <= 2^53. Written so that
 * no intermediate exceeds m (x + y could reach 2^54 and round).
 */
function addMod(x: number, y: number, m: number, subtract: boolean): number {
  if (subtract) return x >= y ? x - y : x + (m - y);
  return x >= m - y ? x - (m - y) : x + y;
}
