/**
 * The request-body JSON reader against JSON.parse: the same texts accepted
 * and refused, whether read whole (every value built through the pull
 * reader's methods, as the batch reader does) or skipped (checked without
 * being built), refused at the same place for the same reason; the same
 * values, numbers compared by value and their text kept as written; members
 * in order with duplicates kept.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { pointerToken, readJson, type JsonReader } from '../../src/validation/json.js';

/** A number as read: its text. */
class Num {
  constructor(readonly text: string) {}
}
/** An object as read: its members in order, duplicates kept. */
class Obj {
  readonly members: [string, Value][] = [];
}
type Value = string | Num | boolean | null | Value[] | Obj;

/** A whole value, built with the reader's methods. */
function build(reader: JsonReader, depth: number): Value {
  switch (reader.peek()) {
    case 'string':
      return reader.string();
    case 'number':
      return new Num(reader.number());
    case 'object': {
      const object = new Obj();
      if (reader.openObject(depth)) {
        do object.members.push([reader.memberName(), build(reader, depth + 1)]);
        while (reader.nextMember());
      }
      return object;
    }
    case 'array': {
      const array: Value[] = [];
      if (reader.openArray(depth)) {
        do array.push(build(reader, depth + 1));
        while (reader.nextElement());
      }
      return array;
    }
    case 'other':
      return reader.literal();
  }
}

const parseJson = (text: string) =>
  readJson(text, (reader) => {
    const value = build(reader, 0);
    reader.end();
    return value;
  });

/** The text checked without being built (JsonReader.skip), as the batch reader checks what it does not use. */
const checkJson = (text: string) =>
  readJson(text, (reader) => {
    reader.skip(0);
    reader.end();
    return null;
  });

/** Our value as JSON.parse would give it (the last duplicate wins, as in JSON.parse). */
function plain(value: Value): unknown {
  if (value instanceof Num) return Number(value.text);
  if (value instanceof Obj) {
    const object: Record<string, unknown> = {};
    for (const [name, member] of value.members) {
      Object.defineProperty(object, name, { value: plain(member), enumerable: true, configurable: true });
    }
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
  // Skipping refuses what reading refuses, at the same place, for the same reason.
  const skipped = checkJson(text);
  assert.deepEqual(
    skipped.ok ? { ok: true } : skipped,
    ours.ok ? { ok: true } : ours,
    `${JSON.stringify(text)}: skipped`,
  );
}

describe('the JSON reader', () => {
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
      '"\\u00\u0010\u0010"',
      '"\\u0\u0019\u0019"',
      '"\\u00e"',
      '"\\uABCDx"',
      '"a\\u0041\\n\\"b"',
      '{"a":"\\u"}',
      '["\\',
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
    const object = result.value as Obj;
    assert.deepEqual(
      object.members.map(([name]) => name),
      ['b', 'a', 'b', 'c'],
    );
    assert.deepEqual(
      object.members.map(([, v]) => (v instanceof Num ? v.text : Array.isArray(v) ? v.map((n) => (n as Num).text) : v)),
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
    for (const read of [parseJson, checkJson]) {
      const result = read(deep);
      assert.ok(!result.ok && result.message.includes('nested deeper'));
      assert.ok(read(`${'['.repeat(32)}${']'.repeat(32)}`).ok);
      assert.ok(!read(`${'['.repeat(33)}${']'.repeat(33)}`).ok);
      assert.ok(!read(`${'{"a":'.repeat(33)}1${'}'.repeat(33)}`).ok);
    }
  });

  it('escapes member names as JSON Pointer tokens (RFC 6901)', () => {
    assert.equal(pointerToken('a/b~c'), 'a~1b~0c');
  });
});

describe('reading part of a text', () => {
  it('stops where its caller stops: what follows is not read, even when it is not JSON', () => {
    const text = '{"orders":[1,2,3,{"x":[1,2]},';
    const read = readJson(text, (reader) => {
      const seen: string[] = [];
      reader.openObject(0);
      seen.push(reader.memberName());
      reader.openArray(1);
      for (let i = 0; i < 3; i += 1) {
        seen.push(reader.number());
        reader.nextElement();
      }
      return seen;
    });
    assert.deepEqual(read, { ok: true, value: ['orders', '1', '2', '3'] });
    assert.deepEqual(
      readJson(text, (reader) => reader.skip(0)),
      { ok: false, offset: text.length, message: 'unexpected end of the body: expected a value' },
    );
  });
});
