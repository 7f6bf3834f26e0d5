/**
 * A strict JSON (RFC 8259) reader for request bodies: it accepts exactly what
 * JSON.parse accepts (tests compare the two on generated and mutated texts),
 * but keeps what JSON.parse throws away:
 * - an object's members in order, duplicates included, so that the reader of
 *   the request can refuse a duplicate key at its JSON Pointer;
 * - a number's text as written (`1.10` stays `1.10`, `1e400` is not Infinity),
 *   so that a weight sent as a number obeys the same rules as the string.
 * Nesting is limited (MAX_DEPTH): bodies are read by recursion.
 *
 * Why not a package: the JSON readers that report duplicate keys are either
 * lenient (comments, trailing commas) or throw at the first duplicate without
 * its position; a small exact reader, checked against JSON.parse, is less to
 * trust.
 */

/** A JSON number, as written. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/** A JSON object: its members in order, duplicates kept. */
export class JsonObject {
  readonly names: string[] = [];
  readonly values: JsonValue[] = [];
}

export type JsonValue = string | JsonNumber | boolean | null | JsonValue[] | JsonObject;

export type JsonResult = { ok: true; value: JsonValue } | { ok: false; offset: number; message: string };

/** Deepest nesting of arrays and objects read: far more than any request needs. */
const MAX_DEPTH = 32;

class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Parses `text` (already decoded from UTF-8). Never throws. */
export function parseJson(text: string): JsonResult {
  const reader = new Reader(text);
  try {
    reader.skipWhitespace();
    const value = reader.value(0);
    reader.skipWhitespace();
    if (reader.at < text.length) reader.fail('unexpected text after the JSON value');
    return { ok: true, value };
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { ok: false, offset: error.offset, message: error.message };
    throw error;
  }
}

const QUOTE = 34;
const BACKSLASH = 92;

class Reader {
  at = 0;

  constructor(readonly text: string) {}

  fail(message: string, offset = this.at): never {
    throw new JsonSyntaxError(offset, message);
  }

  skipWhitespace(): void {
    const text = this.text;
    let at = this.at;
    for (;;) {
      const code = text.charCodeAt(at);
      if (code !== 32 && code !== 10 && code !== 13 && code !== 9) break;
      at++;
    }
    this.at = at;
  }

  value(depth: number): JsonValue {
    const code = this.text.charCodeAt(this.at);
    if (code === QUOTE) return this.string();
    if (code === 123) return this.object(depth + 1); // {
    if (code === 91) return this.array(depth + 1); // [
    if (code === 45 || (code >= 48 && code <= 57)) return this.number(); // - 0-9
    if (this.text.startsWith('true', this.at)) return this.literal(4, true);
    if (this.text.startsWith('false', this.at)) return this.literal(5, false);
    if (this.text.startsWith('null', this.at)) return this.literal(4, null);
    return this.fail(Number.isNaN(code) ? 'unexpected end of the body: expected a value' : 'expected a value');
  }

  literal<T>(length: number, value: T): T {
    this.at += length;
    return value;
  }

  object(depth: number): JsonObject {
    if (depth > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`);
    const object = new JsonObject();
    this.at++; // {
    this.skipWhitespace();
    if (this.text.charCodeAt(this.at) === 125) {
      this.at++;
      return object;
    }
    for (;;) {
      if (this.text.charCodeAt(this.at) !== QUOTE) this.fail('expected a member name (a string in double quotes)');
      object.names.push(this.string());
      this.skipWhitespace();
      if (this.text.charCodeAt(this.at) !== 58) this.fail("expected ':' after a member name");
      this.at++;
      this.skipWhitespace();
      object.values.push(this.value(depth));
      this.skipWhitespace();
      const code = this.text.charCodeAt(this.at);
      this.at++;
      if (code === 125) return object; // }
      if (code !== 44) this.fail("expected ',' or '}' after an object member", this.at - 1);
      this.skipWhitespace();
    }
  }

  array(depth: number): JsonValue[] {
    if (depth > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`);
    const array: JsonValue[] = [];
    this.at++; // [
    this.skipWhitespace();
    if (this.text.charCodeAt(this.at) === 93) {
      this.at++;
      return array;
    }
    for (;;) {
      array.push(this.value(depth));
      this.skipWhitespace();
      const code = this.text.charCodeAt(this.at);
      this.at++;
      if (code === 93) return array; // ]
      if (code !== 44) this.fail("expected ',' or ']' after an array element", this.at - 1);
      this.skipWhitespace();
    }
  }

  string(): string {
    const text = this.text;
    const start = this.at + 1;
    // Fast path: no escape before the closing quote.
    for (let at = start; ; at++) {
      const code = text.charCodeAt(at);
      if (code === QUOTE) {
        this.at = at + 1;
        return text.slice(start, at);
      }
      if (code === BACKSLASH) break;
      if (code < 0x20) this.fail('unescaped control character in a string', at);
      if (Number.isNaN(code)) this.fail('unterminated string', this.at);
    }
    let value = '';
    let at = start;
    let copyFrom = start;
    for (;;) {
      const code = text.charCodeAt(at);
      if (code === QUOTE) {
        this.at = at + 1;
        return value + text.slice(copyFrom, at);
      }
      if (Number.isNaN(code)) this.fail('unterminated string', start - 1);
      if (code < 0x20) this.fail('unescaped control character in a string', at);
      if (code !== BACKSLASH) {
        at++;
        continue;
      }
      value += text.slice(copyFrom, at);
      const escape = text.charCodeAt(at + 1);
      switch (escape) {
        case QUOTE:
          value += '"';
          break;
        case BACKSLASH:
          value += '\\';
          break;
        case 47:
          value += '/';
          break;
        case 98:
          value += '\b';
          break;
        case 102:
          value += '\f';
          break;
        case 110:
          value += '\n';
          break;
        case 114:
          value += '\r';
          break;
        case 116:
          value += '\t';
          break;
        case 117: {
          const hex = text.slice(at + 2, at + 6);
          if (!/^[0-9A-Fa-f]{4}$/.test(hex)) this.fail('a \\u escape needs 4 hex digits', at);
          value += String.fromCharCode(parseInt(hex, 16));
          at += 4;
          break;
        }
        default:
          this.fail('invalid escape in a string', at);
      }
      at += 2;
      copyFrom = at;
    }
  }

  number(): JsonNumber {
    const text = this.text;
    const start = this.at;
    let at = start;
    if (text.charCodeAt(at) === 45) at++; // -
    const first = text.charCodeAt(at);
    if (first === 48) at++;
    else if (first >= 49 && first <= 57) at = digits(text, at);
    else this.fail('expected a digit', at);
    if (text.charCodeAt(at) === 46) {
      const end = digits(text, at + 1);
      if (end === at + 1) this.fail("expected a digit after '.'", end);
      at = end;
    }
    const exponent = text.charCodeAt(at);
    if (exponent === 101 || exponent === 69) {
      at++;
      const sign = text.charCodeAt(at);
      if (sign === 43 || sign === 45) at++;
      const end = digits(text, at);
      if (end === at) this.fail('expected a digit in the exponent', end);
      at = end;
    }
    this.at = at;
    return new JsonNumber(text.slice(start, at));
  }
}

/** Index after the run of ASCII digits starting at `at`. */
function digits(text: string, at: number): number {
  for (;;) {
    const code = text.charCodeAt(at);
    if (code < 48 || code > 57 || Number.isNaN(code)) return at;
    at++;
  }
}

/** RFC 6901: a member name as a JSON Pointer token. */
export function pointerToken(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}
