/**
 * The reference query-string parser of the tests: the splitting rules of
 * src/validation/queryString.ts, stated for any query, one pair object per
 * segment. parseOrderQuery applies the same rules in its own pass.
 */
import { decodeFormComponent } from '../../src/validation/queryString.js';

/** One `name=value` segment of a query string. */
export interface QueryPair {
  /** Decoded name, or `undefined` when its percent-encoding is malformed. */
  readonly name: string | undefined;
  /** Decoded value ("" when the segment has no '='), or `undefined` when malformed. */
  readonly value: string | undefined;
  /** The value as it appears in the raw query, still encoded. */
  readonly rawValue: string;
  /** The name as received (still encoded). */
  readonly rawName: string;
}

const AMPERSAND = '&';
const EQUALS = '=';

/** Splits and decodes a raw query string (no leading '?'). Never throws. */
export function parseQueryString(raw: string): QueryPair[] {
  const pairs: QueryPair[] = [];
  const length = raw.length;
  // Position of the next '=' at or after `start`; cached across segments so a
  // long run of segments without '=' does not rescan the rest of the string.
  let nextEquals = -1;
  let start = 0;
  while (start < length) {
    let end = raw.indexOf(AMPERSAND, start);
    if (end === -1) end = length;
    if (end > start) {
      if (nextEquals < start) {
        nextEquals = raw.indexOf(EQUALS, start);
        if (nextEquals === -1) nextEquals = length; // none left: sentinel past every segment
      }
      let rawName: string;
      let rawValue: string;
      if (nextEquals < end) {
        rawName = raw.slice(start, nextEquals);
        rawValue = raw.slice(nextEquals + 1, end);
      } else {
        rawName = raw.slice(start, end);
        rawValue = '';
      }
      pairs.push({ name: decodeFormComponent(rawName), value: decodeFormComponent(rawValue), rawValue, rawName });
    }
    start = end + 1;
  }
  return pairs;
}
