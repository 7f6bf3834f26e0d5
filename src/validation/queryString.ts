/**
 * application/x-www-form-urlencoded query parsing for raw uWS query strings.
 *
 * This is parsing, not validation: it turns `a=1&b=x+y` into decoded name/value
 * pairs and flags malformed percent-encoding instead of guessing. Rules live in
 * the typia template (src/validation/templates/).
 *
 * Why not uWS's `req.getQuery(key)`: it decodes in place (corrupting the raw
 * query), keeps only the first of duplicate keys and turns bad `%` escapes into
 * garbage. Why not URLSearchParams: it silently replaces malformed escapes and
 * invalid UTF-8 with U+FFFD, and it is slower.
 *
 * Behaviour:
 * - input is the query WITHOUT the leading '?' (what uWS `req.getQuery()` gives);
 *   a '?' at the start would be part of the first name;
 * - split on '&'; empty segments (`a=1&&b=2`, trailing '&') are skipped;
 * - each segment splits at its FIRST '='; a segment without '=' has value "";
 * - names and values are decoded the same way: '+' becomes a space, then
 *   %XX escapes are decoded as UTF-8 bytes;
 * - malformed encoding gives `undefined` for that name or value, never a
 *   replacement character: a '%' not followed by two hex digits (`%ZZ`, `%4`
 *   at the end), or escapes whose bytes are not well-formed UTF-8 (`%FF`,
 *   `%C3%28`, overlong `%C0%AF`, surrogates `%ED%A0%80`, truncated `%E2%82`,
 *   a multi-byte sequence interrupted by a literal character).
 * - characters that arrive unencoded (including non-ASCII) are kept as they are.
 *
 * Fast path: a segment part with no '%' and no '+' is returned as a slice.
 *
 * parseOrderQuery (orderQuery.ts) splits the query by these rules in its own
 * single pass (no pair objects on the hot path); the tests state them for any
 * query in a reference parser (test/helpers/queryString.ts).
 */

const PERCENT = 37; // '%'
const PLUS = 43; // '+'

/**
 * Decodes one form-urlencoded name or value: '+' to space, %XX escapes as UTF-8.
 * Returns `undefined` for malformed percent-encoding. Never throws.
 *
 * One hand-written pass instead of `replaceAll("+", " ")` + `decodeURIComponent`
 * in a try/catch: that pair costs ~250 ns per escaped value here, throws on the
 * failure path, and accepts what we must check anyway; this decodes and
 * validates together (same acceptance as decodeURIComponent, checked by tests).
 *
 * The result is built from UTF-16 code units in one String.fromCharCode call,
 * not by concatenation: a concatenated (cons) string must be flattened by
 * every regex that later tests it, which cost more than the decoding itself.
 */
export function decodeFormComponent(encoded: string): string | undefined {
  const firstPercent = encoded.indexOf('%');
  const firstPlus = encoded.indexOf('+');
  if (firstPercent === -1 && firstPlus === -1) return encoded; // fast path: nothing to decode
  const length = encoded.length;
  const units: number[] = [];
  let index = 0;
  while (index < length) {
    const code = encoded.charCodeAt(index);
    if (code === PLUS) {
      units.push(32);
      index++;
    } else if (code === PERCENT) {
      const lead = escapedByteAt(encoded, index);
      if (lead < 0) return undefined;
      let end = index + 3;
      let codePoint: number;
      if (lead < 0x80) {
        codePoint = lead;
      } else {
        // Well-formed UTF-8 only (Unicode Table 3-7): no overlongs, no
        // surrogates, nothing above U+10FFFF, and every byte of a multi-byte
        // sequence escaped.
        let continuation: number;
        let min = 0x80;
        let max = 0xbf;
        if (lead >= 0xc2 && lead <= 0xdf) {
          continuation = 1;
          codePoint = lead & 0x1f;
        } else if (lead >= 0xe0 && lead <= 0xef) {
          continuation = 2;
          codePoint = lead & 0x0f;
          if (lead === 0xe0)
            min = 0xa0; // overlong
          else if (lead === 0xed) max = 0x9f; // UTF-16 surrogates
        } else if (lead >= 0xf0 && lead <= 0xf4) {
          continuation = 3;
          codePoint = lead & 0x07;
          if (lead === 0xf0)
            min = 0x90; // overlong
          else if (lead === 0xf4) max = 0x8f; // above U+10FFFF
        } else {
          return undefined; // 0x80-0xC1 (continuation byte or overlong lead), 0xF5-0xFF
        }
        for (; continuation > 0; continuation--) {
          const byte = escapedByteAt(encoded, end);
          if (byte < min || byte > max) return undefined; // also catches -1 (no escape)
          codePoint = (codePoint << 6) | (byte & 0x3f);
          min = 0x80;
          max = 0xbf;
          end += 3;
        }
      }
      if (codePoint < 0x10000) units.push(codePoint);
      else units.push(0xd7c0 + (codePoint >> 10), 0xdc00 | (codePoint & 0x3ff));
      index = end;
    } else {
      units.push(code);
      index++;
    }
  }
  return String.fromCharCode(...units);
}

/** 0-15 for an ASCII hex digit, -1 otherwise (including NaN past the end). */
function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87; // a-f, A-F
  return -1;
}

/** The byte of a `%XX` escape starting at `index`, or -1 if there is none. */
function escapedByteAt(text: string, index: number): number {
  if (text.charCodeAt(index) !== PERCENT) return -1;
  const high = hexValue(text.charCodeAt(index + 1));
  const low = hexValue(text.charCodeAt(index + 2));
  return high < 0 || low < 0 ? -1 : (high << 4) | low;
}
