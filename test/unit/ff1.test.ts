import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSecretKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { FF1 as nobleFF1 } from '@noble/ciphers/ff1.js';
import { FF1 } from '../../src/core/ff1.js';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** NUM(A) and NUM(B) of a numeral string split after u numerals (BigInt: independent of the module's doubles). */
function toHalves(numerals: readonly number[], radix: number, u: number): [number, number] {
  const num = (digits: readonly number[]): number =>
    Number(digits.reduce((acc, digit) => acc * BigInt(radix) + BigInt(digit), 0n));
  return [num(numerals.slice(0, u)), num(numerals.slice(u))];
}

/** The numeral string of halves (a, b) with u and v numerals. */
function fromHalves(a: number, b: number, radix: number, u: number, v: number): number[] {
  const str = (value: number, m: number): number[] => {
    const digits: number[] = [];
    let x = BigInt(value);
    for (let i = 0; i < m; i++, x /= BigInt(radix)) digits.unshift(Number(x % BigInt(radix)));
    assert.equal(x, 0n, `${value} has more than ${m} numerals in base ${radix}`);
    return digits;
  };
  return [...str(a, u), ...str(b, v)];
}

/** Encrypts (or decrypts) one numeral string through the batch API with count 1. */
function crypt(ff1: FF1, numerals: readonly number[], decrypt = false): number[] {
  const [a, b] = toHalves(numerals, ff1.radix, ff1.u);
  const as = Float64Array.of(a);
  const bs = Float64Array.of(b);
  if (decrypt) ff1.decryptHalves(as, bs, 1);
  else ff1.encryptHalves(as, bs, 1);
  return fromHalves(as[0]!, bs[0]!, ff1.radix, ff1.u, ff1.v);
}

const numeralsOf = (text: string): number[] => [...text].map((ch) => ALPHABET.indexOf(ch));
const textOf = (numerals: readonly number[]): string => numerals.map((n) => ALPHABET[n]).join('');
const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));

// NIST FF1samples.pdf (SP 800-38G examples), samples 1-9. The same values appear in
// @noble/ciphers' test/ff1.test.ts (samples 1-3 and 7-9) and in many FF1 libraries' tests
// (4-6); the test below also checks every one against noble's implementation.
const K128 = '2B7E151628AED2A6ABF7158809CF4F3C';
const K192 = K128 + 'EF4359D8D580AA4F';
const K256 = K192 + '7F036D6F04FC6A94';
const T10 = '39383736353433323130';
const T11 = '3737373770717273373737';
const NIST_SAMPLES = [
  { sample: 1, key: K128, radix: 10, tweak: '', plaintext: '0123456789', ciphertext: '2433477484' },
  { sample: 2, key: K128, radix: 10, tweak: T10, plaintext: '0123456789', ciphertext: '6124200773' },
  { sample: 3, key: K128, radix: 36, tweak: T11, plaintext: '0123456789abcdefghi', ciphertext: 'a9tv40mll9kdu509eum' },
  { sample: 4, key: K192, radix: 10, tweak: '', plaintext: '0123456789', ciphertext: '2830668132' },
  { sample: 5, key: K192, radix: 10, tweak: T10, plaintext: '0123456789', ciphertext: '2496655549' },
  { sample: 6, key: K192, radix: 36, tweak: T11, plaintext: '0123456789abcdefghi', ciphertext: 'xbj3kv35jrawxv32ysr' },
  { sample: 7, key: K256, radix: 10, tweak: '', plaintext: '0123456789', ciphertext: '6657667009' },
  { sample: 8, key: K256, radix: 10, tweak: T10, plaintext: '0123456789', ciphertext: '1001623463' },
  { sample: 9, key: K256, radix: 36, tweak: T11, plaintext: '0123456789abcdefghi', ciphertext: 'xs8a0azh2avyalyzuwd' },
];

describe('FF1: NIST SP 800-38G samples', () => {
  for (const s of NIST_SAMPLES) {
    const label = `sample ${s.sample}: AES-${(s.key.length / 2) * 8}, radix ${s.radix}, ${s.tweak ? 'tweak' : 'no tweak'}`;
    it(label, () => {
      const ff1 = new FF1(hex(s.key), s.radix, s.plaintext.length, hex(s.tweak));
      assert.equal(textOf(crypt(ff1, numeralsOf(s.plaintext))), s.ciphertext, 'encrypt');
      assert.equal(textOf(crypt(ff1, numeralsOf(s.ciphertext), true)), s.plaintext, 'decrypt');
      // The vector itself, cross-checked against an independent implementation.
      const noble = nobleFF1(s.radix, hex(s.key), hex(s.tweak));
      assert.equal(textOf(noble.encrypt(numeralsOf(s.plaintext))), s.ciphertext, 'noble agrees');
    });
  }

  it('a secret KeyObject works like the same key bytes', () => {
    const s = NIST_SAMPLES[8]!;
    const ff1 = new FF1(createSecretKey(hex(s.key)), s.radix, s.plaintext.length, hex(s.tweak));
    assert.equal(textOf(crypt(ff1, numeralsOf(s.plaintext))), s.ciphertext);
  });
});

/** Production parameters: AES-256, radix 36, n = 12, empty tweak. */
const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const numerals12 = fc.array(fc.integer({ min: 0, max: 35 }), { minLength: 12, maxLength: 12 });

describe('FF1: production parameters (AES-256, radix 36, n = 12, empty tweak) against @noble/ciphers', () => {
  it('a batch of k = 1..64 values equals noble, value by value, and equals k single-value calls', () => {
    fc.assert(
      fc.property(key32, fc.array(numerals12, { minLength: 1, maxLength: 64 }), (key, values) => {
        const ff1 = new FF1(key, 36, 12);
        const noble = nobleFF1(36, key);
        const halves = values.map((x) => toHalves(x, 36, 6));
        const a = Float64Array.from(halves, (h) => h[0]);
        const b = Float64Array.from(halves, (h) => h[1]);
        ff1.encryptHalves(a, b, values.length);
        values.forEach((x, k) => {
          const expected = noble.encrypt(x);
          assert.deepEqual(fromHalves(a[k]!, b[k]!, 36, 6, 6), expected, `value ${k}`);
          assert.deepEqual(crypt(ff1, x), expected, `value ${k} alone`);
        });
        ff1.decryptHalves(a, b, values.length);
        assert.deepEqual(
          Array.from(a, (ak, k) => fromHalves(ak, b[k]!, 36, 6, 6)),
          values,
          'decrypt(encrypt(x)) = x',
        );
      }),
      { numRuns: 60 },
    );
  });

  it('decrypt is the inverse of encrypt and agrees with noble', () => {
    fc.assert(
      fc.property(key32, numerals12, (key, x) => {
        const ff1 = new FF1(key, 36, 12);
        const decrypted = crypt(ff1, x, true);
        assert.deepEqual(decrypted, nobleFF1(36, key).decrypt(x));
        assert.deepEqual(crypt(ff1, decrypted), x);
      }),
      { numRuns: 200 },
    );
  });

  it('extreme halves (0 and 36^6 - 1) and batches over 64 values', () => {
    const key = randomBytes(32);
    const ff1 = new FF1(key, 36, 12);
    const noble = nobleFF1(36, key);
    const count = 200; // more than the initial scratch capacity: it grows
    const a = new Float64Array(count + 1);
    const b = new Float64Array(count + 1);
    for (let k = 0; k < count; k++) {
      a[k] = k % 3 === 0 ? 0 : k % 3 === 1 ? 36 ** 6 - 1 : Math.floor(Math.random() * 36 ** 6);
      b[k] = k % 2 === 0 ? 36 ** 6 - 1 - k : k;
    }
    a[count] = -7; // beyond count: untouched
    const plain = Array.from(a.subarray(0, count), (ak, k) => fromHalves(ak, b[k]!, 36, 6, 6));
    ff1.encryptHalves(a, b, count);
    assert.equal(a[count], -7);
    for (let k = 0; k < count; k++) {
      assert.deepEqual(fromHalves(a[k]!, b[k]!, 36, 6, 6), noble.encrypt(plain[k]!), `value ${k}`);
    }
    ff1.encryptHalves(a, b, 0); // nothing
    ff1.decryptHalves(a, b, count);
    assert.deepEqual(
      Array.from(a.subarray(0, count), (ak, k) => fromHalves(ak, b[k]!, 36, 6, 6)),
      plain,
    );
    ff1.encryptHalves(a, b, 5); // a short batch after the scratch grew
    for (let k = 0; k < 5; k++) assert.deepEqual(fromHalves(a[k]!, b[k]!, 36, 6, 6), noble.encrypt(plain[k]!));
    assert.deepEqual(fromHalves(a[5]!, b[5]!, 36, 6, 6), plain[5]);
  });
});

/** Radix and length such that radix^n >= 10^6 and radix^ceil(n/2) <= 2^53 (this module's bounds). */
const radixAndLength = fc
  .oneof(
    fc.integer({ min: 2, max: 36 }),
    fc.constantFrom(2, 10, 36, 255, 256, 257, 1000, 65535), // noble stops at 65535
    fc.integer({ min: 37, max: 65535 }),
  )
  .chain((radix) => {
    let minLength = 2;
    while (radix ** minLength < 1e6) minLength++;
    const maxLength = 2 * Math.floor(53 / Math.log2(radix) + 1e-9); // radix^ceil(n/2) <= 2^53
    return fc.tuple(fc.constant(radix), fc.integer({ min: minLength, max: Math.max(minLength, maxLength) }));
  })
  .filter(([radix, n]) => BigInt(radix) ** BigInt(Math.ceil(n / 2)) <= 2n ** 53n);

describe('FF1: other radixes, lengths, keys and tweaks against @noble/ciphers', () => {
  it('encrypt equals noble, decrypt inverts it, batch equals singles', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
        fc.uint8Array({ maxLength: 40 }),
        radixAndLength.chain(([radix, n]) =>
          fc.tuple(
            fc.constant(radix),
            fc.array(fc.array(fc.integer({ min: 0, max: radix - 1 }), { minLength: n, maxLength: n }), {
              minLength: 1,
              maxLength: 5,
            }),
          ),
        ),
        (key, tweak, [radix, values]) => {
          const n = values[0]!.length;
          const ff1 = new FF1(key, radix, n, tweak);
          const noble = nobleFF1(radix, key, tweak);
          const halves = values.map((x) => toHalves(x, radix, ff1.u));
          const a = Float64Array.from(halves, (h) => h[0]);
          const b = Float64Array.from(halves, (h) => h[1]);
          ff1.encryptHalves(a, b, values.length);
          values.forEach((x, k) => {
            const expected = noble.encrypt(x);
            assert.deepEqual(fromHalves(a[k]!, b[k]!, radix, ff1.u, ff1.v), expected, `value ${k}`);
            assert.deepEqual(crypt(ff1, x), expected, `value ${k} alone`);
            assert.deepEqual(crypt(ff1, expected, true), x, `value ${k} decrypted`);
          });
          ff1.decryptHalves(a, b, values.length);
          values.forEach((x, k) => assert.deepEqual(fromHalves(a[k]!, b[k]!, radix, ff1.u, ff1.v), x));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('covers both byte widths of NUM(B): b <= 4 (y of 8 bytes) and b = 5..7 (y of 12 bytes)', () => {
    // radix^v at 2^32, just above, at 2^53, and the extremes of radix and domain, by hand.
    for (const [radix, n] of [
      [2, 64], // v = 32: radix^v = 2^32, b = 4
      [2, 66], // v = 33: b = 5
      [2, 106], // v = 53: radix^v = 2^53, b = 7
      [65535, 6], // v = 3: b = 6
      [65536, 2], // v = 1: radix^v = 2^16, b = 2 (noble stops at 65535: round trip only)
      [10, 6], // 10^6, the smallest domain
      [36, 20], // v = 10: b = 7, as in NIST samples 3, 6 and 9 (n = 19)
    ] as const) {
      const key = randomBytes(32);
      const ff1 = new FF1(key, radix, n);
      for (const fill of [0, radix - 1, -1]) {
        const x = Array.from({ length: n }, () => (fill >= 0 ? fill : Math.floor(Math.random() * radix)));
        const y = crypt(ff1, x);
        if (radix <= 65535) assert.deepEqual(y, nobleFF1(radix, key).encrypt(x), `radix ${radix}, n ${n}`);
        assert.deepEqual(crypt(ff1, y, true), x);
      }
    }
  });
});

describe('FF1: constructor validation', () => {
  const key = new Uint8Array(32);
  it('rejects keys that are not AES keys', () => {
    for (const length of [0, 8, 15, 17, 31, 33, 64]) {
      assert.throws(() => new FF1(new Uint8Array(length), 36, 12), {
        name: 'RangeError',
        message: `FF1: an AES key has 16, 24 or 32 bytes, got ${length}`,
      });
    }
    assert.throws(() => new FF1(createSecretKey(new Uint8Array(20)), 36, 12), RangeError);
    const { publicKey } = generateKeyPairSync('ed25519');
    assert.throws(() => new FF1(publicKey, 36, 12), { name: 'TypeError', message: /secret KeyObject/ });
  });
  it('rejects radixes outside 2..2^16', () => {
    for (const radix of [-1, 0, 1, 2.5, 65537, NaN, Infinity]) {
      assert.throws(() => new FF1(key, radix, 40), { name: 'RangeError', message: /radix must be an integer/ });
    }
  });
  it('rejects lengths below 2, non-integers, and domains below one million', () => {
    for (const n of [0, 1, 12.5, NaN, 2 ** 32]) {
      assert.throws(() => new FF1(key, 36, n), { name: 'RangeError', message: /length must be an integer/ });
    }
    assert.throws(() => new FF1(key, 10, 5), { name: 'RangeError', message: /at least 1,000,000, got 10\^5/ });
    assert.throws(() => new FF1(key, 2, 19), /at least 1,000,000/); // 2^19 = 524,288
    assert.doesNotThrow(() => new FF1(key, 2, 20)); // 2^20 = 1,048,576
    assert.doesNotThrow(() => new FF1(key, 1000, 2)); // exactly 10^6
  });
  it('rejects halves that would not be exact doubles', () => {
    assert.doesNotThrow(() => new FF1(key, 36, 20)); // v = 10: 36^10 < 2^52
    assert.throws(() => new FF1(key, 36, 22), { name: 'RangeError', message: /at most 2\^53.*36\^11/ });
    assert.doesNotThrow(() => new FF1(key, 2, 106)); // v = 53
    assert.throws(() => new FF1(key, 2, 108), /at most 2\^53/);
    assert.throws(() => new FF1(key, 36, 2 ** 32 - 1), /at most 2\^53/);
  });
});

describe('FF1: the key is never shown', () => {
  it('not in util.inspect, JSON.stringify, String() or the own properties', () => {
    const key = randomBytes(32);
    const ff1 = new FF1(key, 36, 12);
    ff1.encryptHalves(new Float64Array(3), new Float64Array(3), 3);
    const shown = [
      inspect(ff1),
      inspect(ff1, { showHidden: true, depth: Infinity, getters: true }),
      JSON.stringify(ff1),
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the point: what a careless log line would print
      String(ff1),
      // eslint-disable-next-line @typescript-eslint/no-base-to-string, @typescript-eslint/restrict-template-expressions -- the same
      `${ff1}`,
      Object.getOwnPropertyNames(ff1).join(','),
    ];
    // Any 8 consecutive key bytes, in hex with any separators, in decimal (how inspect prints a
    // Uint8Array), or the whole key in base64.
    const keyHex = key.toString('hex');
    const keyDecimal = Array.from(key).join(',');
    for (const text of shown) {
      const hexDigits = text.replace(/[^0-9a-f]/gi, '').toLowerCase();
      const decimals = (text.match(/\d+/g) ?? []).join(',');
      for (let i = 0; i + 8 <= key.length; i++) {
        assert.ok(!hexDigits.includes(keyHex.slice(2 * i, 2 * i + 16)), `key (hex) shown in ${text}`);
        assert.ok(!decimals.includes(Array.from(key.subarray(i, i + 8)).join(',')), `key (decimal) shown in ${text}`);
      }
      assert.ok(!decimals.includes(keyDecimal));
      assert.ok(!text.includes(key.toString('base64')) && !text.includes(key.toString('base64url')));
    }
    assert.deepEqual(Object.keys(ff1).sort(), ['length', 'radix', 'u', 'v']);
    assert.equal(JSON.stringify(ff1), '{"radix":36,"length":12,"u":6,"v":6}');
  });
  it('not in error messages', () => {
    const key = Buffer.from('00112233445566778899aabbccddeeff0011', 'hex'); // 18 bytes: invalid
    assert.throws(
      () => new FF1(key, 36, 12),
      (error: Error) => !error.message.includes('0011') && !error.message.includes(String(key[1])),
    );
  });
});
