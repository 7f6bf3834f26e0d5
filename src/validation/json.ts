/**
 * A strict JSON (RFC 8259) reader for request bodies: it accepts exactly what
 * JSON.parse accepts (tests compare the two on generated and mutated texts),
 * but reads by pulling (JsonReader): the reader of a request walks the body
 * value by value and member by member, so that it
 * - sees an object's members in order, duplicates included, and can refuse a
 *   duplicate key at its JSON Pointer;
 * - gets a number's text as written (`1.10` stays `1.10`, `1e400` is not
 *   Infinity), so that a weight sent as a number obeys the same rules as the
 *   string;
 * - builds only what it needs, checks the syntax of the rest without building
 *   it (skip), and stops where the request's limits say so: the work a body
 *   costs is bounded by those limits, not by how much the body holds.
 * Nesting is limited (MAX_DEPTH): values are skipped by recursion.
 *
 * Why not a package: the JSON readers that report duplicate keys are either
 * lenient (comments, trailing commas) or throw at the first duplicate without
 * its position, and none stops where its caller likes; a small exact reader,
 * checked against JSON.parse, is less to trust.
 */

export type JsonResult<T> = { ok: true; value: T } | { ok: false; offset: number; message: string };

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

/**
 * Runs `read`, which pulls what it wants from a reader of `text` (already
 * decoded from UTF-8): the whole text, or a part of it, as it may stop early.
 * A syntax error becomes its offset and message; nothing else is caught.
 */
export function readJson<T>(text: string, read: (reader: JsonReader) => T): JsonResult<T> {
  try {
    return { ok: true, value: read(new JsonReader(text)) };
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { ok: false, offset: error.offset, message: error.message };
    throw error;
  }
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const COLON = 58;

/** What the next value is, from its first character. */
export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'other';

/**
 * A pull reader: its caller walks the text value by value and member by
 * member, reading the strings and numbers it needs (string(), number()),
 * checking the syntax of what it does not without building it (skip()), and
 * stopping where it likes. Every method throws a syntax error (caught by
 * readJson) where the text stops being JSON; each leaves the reader after the
 * whitespace that follows what it read.
 *
 * `depth` is the nesting of the value being read: 0 for the whole text, 1 for
 * a member of the outermost object, and so on; a container deeper than
 * MAX_DEPTH is refused. An object is walked as:
 *
 *     if (reader.openObject(depth)) do { name = reader.memberName(); ...the value... } while (reader.nextMember());
 *
 * and an array the same way with openArray() and nextElement().
 */
export class JsonReader {
  at = 0;

  constructor(readonly text: string) {
    this.skipWhitespace();
  }

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

  /** What the next value is (anything but an object, an array, a string or a number is 'other'). */
  peek(): JsonKind {
    const code = this.text.charCodeAt(this.at);
    if (code === OPEN_BRACE) return 'object';
    if (code === OPEN_BRACKET) return 'array';
    if (code === QUOTE) return 'string';
    if (code === 45 || (code >= 48 && code <= 57)) return 'number';
    return 'other';
  }

  /** Checks that nothing but whitespace follows. */
  end(): void {
    if (this.at < this.text.length) this.fail('unexpected text after the JSON value');
  }

  /** Checks a whole value, keeping nothing of it. */
  skip(depth: number): void {
    switch (this.peek()) {
      case 'string':
        this.skipString();
        return;
      case 'number':
        this.at = this.numberEnd();
        this.skipWhitespace();
        return;
      case 'object':
        if (this.openObject(depth)) {
          do {
            if (this.text.charCodeAt(this.at) !== QUOTE)
              this.fail('expected a member name (a string in double quotes)');
            this.skipString();
            this.colon();
            this.skip(depth + 1);
          } while (this.nextMember());
        }
        return;
      case 'array':
        if (this.openArray(depth)) {
          do this.skip(depth + 1);
          while (this.nextElement());
        }
        return;
      case 'other':
        this.literal();
    }
  }

  /** Reads `true`, `false` or `null`. */
  literal(): boolean | null {
    const text = this.text;
    let value: boolean | null;
    if (text.startsWith('true', this.at)) value = true;
    else if (text.startsWith('false', this.at)) value = false;
    else if (text.startsWith('null', this.at)) value = null;
    else return this.fail(this.at >= text.length ? 'unexpected end of the body: expected a value' : 'expected a value');
    this.at += value === false ? 5 : 4;
    this.skipWhitespace();
    return value;
  }

  /** Enters an object; true when it has members (read them), false when it is empty (and already left). */
  openObject(depth: number): boolean {
    if (depth + 1 > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`);
    this.at++; // {
    this.skipWhitespace();
    if (this.text.charCodeAt(this.at) !== CLOSE_BRACE) return true;
    this.at++;
    this.skipWhitespace();
    return false;
  }

  /** A member's name, and the ':' after it: the reader is then at the member's value. */
  memberName(): string {
    if (this.text.charCodeAt(this.at) !== QUOTE) this.fail('expected a member name (a string in double quotes)');
    const name = this.string();
    this.colon();
    return name;
  }

  /** After a member's value: true when another member follows, false at the end of the object (left). */
  nextMember(): boolean {
    return this.next(CLOSE_BRACE, "expected ',' or '}' after an object member");
  }

  /** Enters an array; true when it has elements (read them), false when it is empty (and already left). */
  openArray(depth: number): boolean {
    if (depth + 1 > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`);
    this.at++; // [
    this.skipWhitespace();
    if (this.text.charCodeAt(this.at) !== CLOSE_BRACKET) return true;
    this.at++;
    this.skipWhitespace();
    return false;
  }

  /** After an element: true when another element follows, false at the end of the array (left). */
  nextElement(): boolean {
    return this.next(CLOSE_BRACKET, "expected ',' or ']' after an array element");
  }

  private next(close: number, message: string): boolean {
    const code = this.text.charCodeAt(this.at);
    this.at++;
    if (code !== close && code !== COMMA) this.fail(message, this.at - 1);
    this.skipWhitespace();
    return code === COMMA;
  }

  private colon(): void {
    if (this.text.charCodeAt(this.at) !== COLON) this.fail("expected ':' after a member name");
    this.at++;
    this.skipWhitespace();
  }

  /** Reads a string. */
  string(): string {
    const value = this.stringValue();
    this.skipWhitespace();
    return value;
  }

  private stringValue(): string {
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
    // Escapes: checked here, then decoded by JSON.parse, which reads such a string exactly as this reader does.
    const quote = this.at;
    const end = this.stringEnd();
    this.at = end + 1;
    return JSON.parse(text.slice(quote, end + 1)) as string;
  }

  /** Checks a string, keeping nothing of it. */
  private skipString(): void {
    this.at = this.stringEnd() + 1;
    this.skipWhitespace();
  }

  /** Checks the string that starts here, and returns the index of its closing quote. */
  private stringEnd(): number {
    const text = this.text;
    const start = this.at + 1;
    let at = start;
    for (;;) {
      const code = text.charCodeAt(at);
      if (code === QUOTE) return at;
      if (Number.isNaN(code)) this.fail('unterminated string', start - 1);
      if (code < 0x20) this.fail('unescaped control character in a string', at);
      at += code === BACKSLASH ? this.escapeLength(at) : 1;
    }
  }

  /** The length of the escape whose backslash is at `at` (2, or 6 for \\u and its 4 hex digits), checked. */
  private escapeLength(at: number): number {
    const text = this.text;
    const escape = text.charCodeAt(at + 1);
    if (escape !== 117) {
      if (!ESCAPES.has(escape)) this.fail('invalid escape in a string', at);
      return 2;
    }
    for (let digit = at + 2; digit < at + 6; digit++) {
      const code = text.charCodeAt(digit);
      const letter = code | 0x20; // a-f, or A-F in lower case
      if (!((code >= 48 && code <= 57) || (letter >= 97 && letter <= 102))) {
        this.fail('a \\u escape needs 4 hex digits', at);
      }
    }
    return 6;
  }

  /** Reads a number: its text, as written. */
  number(): string {
    const start = this.at;
    this.at = this.numberEnd();
    const number = this.text.slice(start, this.at);
    this.skipWhitespace();
    return number;
  }

  private numberEnd(): number {
    const text = this.text;
    let at = this.at;
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
    return at;
  }
}

/** The characters that may follow a backslash, \\u aside: " \\ / b f n r t. */
const ESCAPES = new Set([...'"\\/bfnrt'].map((character) => character.charCodeAt(0)));

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
