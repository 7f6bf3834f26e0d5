/**
 * The request-body JSON reader against JSON.parse: the same texts accepted
 * and refused, the same values (numbers compared by value, their text kept as
 * written), members in order with duplicates kept.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { JsonNumber, JsonObject, parseJson, pointerToken, type JsonValue } from '../../src/validation/json.js';

/** Our value as JSON.parse would give it (the last duplicate wins, as in JSON.parse). */
function plain(value: JsonValue): unknown {
  if (value instanceof JsonNumber) return Number(value.text);
  if (value instanceof JsonObject) {
    const object: Record<string, unknown> = {};
    value.names.forEach((name, i) => {
      Object.defineProperty(object, name, { value: plain(value.values[i]!), enumerable: true, configurable: true });
    });
    return object;
  }
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

function jsonParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function agrees(text: string): void {
  const ours = parseJson(text);
  const theirs = jsonParse(text);
  assert.equal(ours.ok, theirs.ok, `${JSON.stringify(text)}: ours ${JSON.stringify(ours)}`);
  if (ours.ok && theirs.ok) assert.deepEqual(plain(ours.value), theirs.value, JSON.stringify(text));
}

describe('parseJson', () => {
  it('reads what JSON.parse reads, and refuses what it refuses: generated JSON, reformatted', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.constantFrom(undefined, 1, '\t', ' \r\n'), (value, indent) => {
        agrees(JSON.stringify(value, null, indent));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with JSON.parse on mutated JSON (inserted, deleted and replaced characters)', () => {
    const junk = fc.constantFrom(...'{}[]:,"\\/ \t\n\r0123456789-+.eE truefalsenul\u0000\u001f\u00e9\ud800x'.split(''));
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.nat(), fc.nat({ max: 3 }), junk, (value, at, deleted, inserted) => {
        const text = JSON.stringify(value);
        const position = at % (text.length + 1);
        agrees(text.slice(0, position) + inserted + text.slice(position + deleted));
        agrees(text.slice(0, position) + text.slice(position + 1 + deleted));
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with JSON.parse on hand-picked edge cases', () => {
    for (const text of [
      '',
      ' ',
      '0',
      '-0',
      '01',
      '1.',
      '.5',
      '1e',
      '1e+',
      '1E-2',
      '-',
      '--1',
      '+1',
      'NaN',
      'Infinity',
      '1e400',
      'tru',
      'true false',
      'nul',
      '"\\u00e9"',
      '"\\u00G9"',
      '"\\ud800"',
      '"\\x41"',
      '"a\tb"',
      '"unterminated',
      '[1,]',
      '[,1]',
      '{"a":1,}',
      '{"a" 1}',
      "{'a':1}",
      '{a:1}',
      '{"a":1}}',
      '[]',
      '{}',
      '\u00a0{}',
      '\ufeff{}',
      '{"__proto__":1}',
    ]) {
      agrees(text);
    }
  });

  it('keeps members in order, duplicates included, and numbers as written', () => {
    const result = parseJson('{"b":1.10,"a":"x","b":1e400,"c":[-0,2E3]}');
    assert.ok(result.ok);
    const object = result.value as JsonObject;
    assert.deepEqual(object.names, ['b', 'a', 'b', 'c']);
    assert.deepEqual(
      object.values.map((v) =>
        v instanceof JsonNumber ? v.text : Array.isArray(v) ? v.map((n) => (n as JsonNumber).text) : v,
      ),
      ['1.10', 'x', '1e400', ['-0', '2E3']],
    );
  });

  it('says where a text goes wrong, and refuses nesting deeper than the documented 32 levels without a stack overflow', () => {
    assert.deepEqual(parseJson('{"a":1 "b":2}'), {
      ok: false,
      offset: 7,
      message: "expected ',' or '}' after an object member",
    });
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const result = parseJson(deep);
    assert.ok(!result.ok && result.message.includes('nested deeper'));
    assert.ok(parseJson(`${'['.repeat(32)}${']'.repeat(32)}`).ok);
    assert.ok(!parseJson(`${'['.repeat(33)}${']'.repeat(33)}`).ok);
  });

  it('escapes member names as JSON Pointer tokens (RFC 6901)', () => {
    assert.equal(pointerToken('a/b~c'), 'a~1b~0c');
  });
});
