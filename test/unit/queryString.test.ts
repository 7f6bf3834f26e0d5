import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeFormComponent } from '../../src/validation/queryString.js';
import { parseQueryString, type QueryPair } from '../helpers/queryString.js';

/** What the WHATWG-style reference does: '+' to space, then strict percent-decoding. */
function referenceDecode(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

function pairs(raw: string): [string | undefined, string | undefined][] {
  return parseQueryString(raw).map((pair: QueryPair) => [pair.name, pair.value]);
}

describe('parseQueryString: splitting', () => {
  const cases: [raw: string, expected: [string | undefined, string | undefined][]][] = [
    ['', []],
    ['a=1', [['a', '1']]],
    [
      'a=1&b=2',
      [
        ['a', '1'],
        ['b', '2'],
      ],
    ],
    [
      'a=1&&b=2',
      [
        ['a', '1'],
        ['b', '2'],
      ],
    ],
    ['&a=1&', [['a', '1']]],
    ['&&&', []],
    ['a', [['a', '']]],
    [
      'a&b=2',
      [
        ['a', ''],
        ['b', '2'],
      ],
    ],
    ['a=', [['a', '']]],
    ['=x', [['', 'x']]],
    ['a=b=c', [['a', 'b=c']]],
    ['a==', [['a', '=']]],
    [
      'a=1&a=2',
      [
        ['a', '1'],
        ['a', '2'],
      ],
    ],
    [
      'a&b&c=3',
      [
        ['a', ''],
        ['b', ''],
        ['c', '3'],
      ],
    ],
    ['?a=1', [['?a', '1']]], // no leading '?' expected: it is part of the name
    ['a=1#frag', [['a', '1#frag']]], // uWS never passes a fragment; nothing special
    ['é=ü', [['é', 'ü']]], // unencoded non-ASCII is kept
  ];
  for (const [raw, expected] of cases) {
    it(JSON.stringify(raw), () => assert.deepEqual(pairs(raw), expected));
  }

  it('keeps the raw (still encoded) value', () => {
    assert.deepEqual(parseQueryString('a=x+y%21&b&c=%ZZ'), [
      { name: 'a', value: 'x y!', rawValue: 'x+y%21', rawName: 'a' },
      { name: 'b', value: '', rawValue: '', rawName: 'b' },
      { name: 'c', value: undefined, rawValue: '%ZZ', rawName: 'c' },
    ]);
  });

  it('flags a malformed name without losing the value', () => {
    assert.deepEqual(pairs('%ZZ=1&b=2'), [
      [undefined, '1'],
      ['b', '2'],
    ]);
  });

  it("splits a very long run of segments without '=' (a rescan per segment would hang here)", () => {
    const raw = 'a&'.repeat(200_000) + 'b=1';
    const result = parseQueryString(raw);
    assert.equal(result.length, 200_001);
    assert.deepEqual(result.at(-1), { name: 'b', value: '1', rawValue: '1', rawName: 'b' });
  });
});

describe('decodeFormComponent', () => {
  const decoded: [encoded: string, expected: string][] = [
    ['plain', 'plain'],
    ['RedBox+Logistics', 'RedBox Logistics'],
    ['RedBox%20Logistics', 'RedBox Logistics'],
    ['a++b', 'a  b'],
    ['%2B08:00', '+08:00'],
    ['%2b', '+'],
    ['%2B+%2B', '+ +'],
    ['%25', '%'],
    ['%2525', '%25'], // decoded once only
    ['%41%42%43', 'ABC'],
    ['%7e%7E', '~~'],
    ['%00', '\u0000'], // decodes; the validator decides whether NUL is acceptable
    ['caf%C3%A9', 'café'],
    ['%E2%82%AC', '€'],
    ['%F0%9F%98%80', '😀'],
    ['%F4%8F%BF%BF', '\u{10FFFF}'],
    ['%EF%BF%BD', '\uFFFD'], // a real U+FFFD is fine
    ['%E4%B8%AD%E6%96%87+x', '中文 x'],
  ];
  for (const [encoded, expected] of decoded) {
    it(`decodes ${encoded}`, () => assert.equal(decodeFormComponent(encoded), expected));
  }

  const malformed: [encoded: string, why: string][] = [
    ['%', 'bare %'],
    ['abc%', '% at the end'],
    ['%4', 'truncated escape'],
    ['a%4', 'truncated escape at the end'],
    ['%ZZ', 'non-hex digits'],
    ['%G1', 'non-hex first digit'],
    ['%1G', 'non-hex second digit'],
    ['% 1', 'space in escape'],
    ['%-1', 'sign in escape'],
    ['%FF', 'byte never valid in UTF-8'],
    ['%C0%AF', "overlong encoding of '/'"],
    ['%C1%BF', 'overlong 2-byte lead'],
    ['%E0%80%AF', 'overlong 3-byte'],
    ['%F0%80%80%AF', 'overlong 4-byte'],
    ['%80', 'lone continuation byte'],
    ['%BF%BF', 'continuation bytes only'],
    ['%C3', 'truncated 2-byte sequence'],
    ['%C3%28', 'invalid continuation byte'],
    ['%C3(', 'sequence interrupted by a literal character'],
    ['%E2%82', 'truncated 3-byte sequence'],
    ['%E2%82x', '3-byte sequence interrupted'],
    ['%E2%82%4', '3-byte sequence with truncated escape'],
    ['%ED%A0%80', 'UTF-8-encoded high surrogate'],
    ['%ED%BF%BF', 'UTF-8-encoded low surrogate'],
    ['%F4%90%80%80', 'above U+10FFFF'],
    ['%F5%80%80%80', 'F5 lead byte'],
    ['%F0%9F%98', 'truncated 4-byte sequence'],
    ['ok+%ZZ+ok', 'valid parts around a bad escape'],
  ];
  for (const [encoded, why] of malformed) {
    it(`rejects ${encoded} (${why})`, () => {
      assert.equal(decodeFormComponent(encoded), undefined);
      assert.equal(referenceDecode(encoded), undefined, 'decodeURIComponent agrees');
    });
  }

  it('agrees with decodeURIComponent on random %-heavy input', () => {
    const piece = fc.oneof(
      fc.constantFrom('%', '%2', '%C3', '%A9', '%28', '%E2', '%82', '%AC', '%F0', '%9F', '%98', '%ED', '%A0', '%80'),
      fc.constantFrom('%FF', '%ZZ', '%zz', '%0', '%25', '%2B', '+', 'a', 'é', '😀', '=', ' '),
      fc.integer({ min: 0, max: 255 }).map((byte) => `%${byte.toString(16).padStart(2, '0')}`),
      fc.integer({ min: 0, max: 255 }).map((byte) => `%${byte.toString(16).padStart(2, '0').toUpperCase()}`),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const encoded = parts.join('');
        assert.equal(decodeFormComponent(encoded), referenceDecode(encoded));
      }),
      { numRuns: 20_000 },
    );
  });

  it('inverts encodeURIComponent for any Unicode string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        assert.equal(decodeFormComponent(encodeURIComponent(text)), text);
        // form style: spaces as '+'
        assert.equal(decodeFormComponent(encodeURIComponent(text).replaceAll('%20', '+')), text);
      }),
      { numRuns: 2_000 },
    );
  });

  it('never throws, on any UTF-16 input including lone surrogates', () => {
    const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(anyUnit, fc.constantFrom('%', '+', '&', '=')) }), (text) => {
        const result = decodeFormComponent(text);
        assert.ok(result === undefined || typeof result === 'string');
        assert.doesNotThrow(() => parseQueryString(text));
      }),
      { numRuns: 5_000 },
    );
  });
});
