/**
 * Parsing and validation of the `GET /next-tracking-number` query, driven by
 * the parameter table (orderParameters.ts).
 *
 * 1. splits/decodes the raw query (the rules of queryString.ts);
 * 2. picks the table's parameters: unknown parameters are ignored (clients may
 *    add tracking/cache-busting parameters); a known one given more than once
 *    is an error for that parameter (we will not guess which one was meant);
 *    a malformed percent-encoding is an error;
 * 3. applies a parameter's query repair, if it has one (created_at's '+');
 * 4. checks the order as the batch reader does (orderValidation.ts): defaults
 *    for optional parameters left out, one message per offending parameter,
 *    all at once, in table order.
 *
 * Raw (unencoded) non-ASCII characters are refused by requestQueryProblems,
 * which the route runs first: they can only come from bytes that the HTTP
 * server decoded for us, and not always faithfully.
 */
import { splitCanonicalQuery } from './canonicalQuery.js';
import { BY_LENGTH, ORDER_PARAMETERS, PARAMETER_COUNT, parameterIndex, type OrderValues } from './orderParameters.js';
import { checkOrder, truncate } from './orderValidation.js';
import { decodeFormComponent } from './queryString.js';

/**
 * Longer queries are refused (414) before any parsing. The longest valid
 * query (a 200-character name of 3-byte characters, percent-encoded) is about
 * 2.2 KB; uWS v20.30 drops, without a status, a request whose head exceeds
 * 4 KiB when it arrives in several TCP segments, so the limit stays below that.
 */
export const MAX_QUERY_LENGTH = 3072;

export interface ParameterProblem {
  parameter: string;
  /** What is wrong and what is expected, for humans. */
  detail: string;
  /** The value as received after decoding (still encoded if it could not be decoded), at most 100 characters. */
  value?: string;
}

export type OrderQueryResult = { ok: true; values: OrderValues } | { ok: false; problems: ParameterProblem[] };

const MALFORMED_ENCODING =
  "has malformed percent-encoding (each '%' must start a %XX escape, and the escaped bytes must be valid UTF-8)";

/** A fresh array per call is cheaper than storing new strings into a long-lived one (a write barrier each). */
const NO_VALUES: readonly undefined[] = ORDER_PARAMETERS.map(() => undefined);
const NO_COUNTS: readonly number[] = ORDER_PARAMETERS.map(() => 0);
/** Slots whose parameter has a query repair, and the repair. */
const REPAIRS = ORDER_PARAMETERS.flatMap((entry, index) =>
  'repairQueryValue' in entry ? [[index, entry.repairQueryValue] as const] : [],
);

/** Per name length, the character codes of the names of that length and their slots. */
const CODES_BY_LENGTH: readonly (readonly (readonly [readonly number[], number])[] | undefined)[] = BY_LENGTH.map(
  (group) => group?.map(([name, index]) => [Array.from(name, (c) => c.charCodeAt(0)), index] as const),
);

/**
 * Slot of the parameter whose raw (not encoded) name is raw[start, end), or -1.
 * Compares character codes in place: no slice of the name (measured faster
 * than a slice compared with ===, and than startsWith at a position).
 */
function parameterIndexAt(raw: string, start: number, end: number): number {
  const candidates = CODES_BY_LENGTH[end - start];
  if (candidates === undefined) return -1;
  next: for (let i = 0; i < candidates.length; i++) {
    const [codes, index] = candidates[i]!;
    for (let k = 0; k < codes.length; k++) if (raw.charCodeAt(start + k) !== codes[k]) continue next;
    return index;
  }
  return -1;
}

/** True when raw[start, end) holds a '%' or '+', i.e. decoding could change it. */
function isEncoded(raw: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = raw.charCodeAt(i);
    if (code === 37 || code === 43) return true; // '%', '+'
  }
  return false;
}

/**
 * Parses and validates the raw query string (as uWS gives it: no leading '?').
 * Total: never throws; returns every offending parameter at once.
 *
 * Splits and decodes exactly as parseQueryString (test/helpers/queryString.ts)
 * does, in the same pass that picks the known parameters, so that the hot path
 * builds no pair objects, slices only the values it keeps, and decodes only
 * what holds a '%' or '+'.
 */
export function parseOrderQuery(rawQuery: string): OrderQueryResult {
  return parse(rawQuery, false);
}

/**
 * parseOrderQuery for a query as it arrived in a request: raw non-ASCII
 * characters are refused first (rawNonAsciiProblems), at no cost for the usual
 * query, whose one regex pass proves it ASCII.
 */
export function parseRequestQuery(rawQuery: string): OrderQueryResult {
  return parse(rawQuery, true);
}

function parse(rawQuery: string, asciiOnly: boolean): OrderQueryResult {
  const canonical = splitCanonicalQuery(rawQuery);
  if (canonical === null && asciiOnly) {
    const problems = rawNonAsciiProblems(rawQuery);
    if (problems !== undefined) return { ok: false, problems };
  }
  return validateSplit(canonical === null ? splitQuery(rawQuery) : decodeCanonical(canonical));
}

/** The usual query's values, decoded: only those holding a '%' or '+' need it. */
function decodeCanonical(canonical: RegExpExecArray): Split {
  const values: (string | undefined)[] = NO_VALUES.slice();
  const counts = NO_COUNTS.slice();
  let undecodable: string[] | undefined;
  for (let index = 0; index < PARAMETER_COUNT; index++) {
    const rawValue = canonical[index + 1];
    if (rawValue === undefined) continue;
    counts[index] = 1;
    const value = rawValue.indexOf('%') >= 0 || rawValue.indexOf('+') >= 0 ? decodeFormComponent(rawValue) : rawValue;
    values[index] = value;
    if (value === undefined) (undecodable ??= [])[index] = rawValue;
  }
  return { values, counts, undecodable, malformedNames: undefined };
}

interface Split {
  values: (string | undefined)[];
  counts: number[];
  undecodable: string[] | undefined;
  malformedNames: string[] | undefined;
}

/** Any query: picks the parameters in one pass. */
function splitQuery(rawQuery: string): Split {
  const values: (string | undefined)[] = NO_VALUES.slice();
  const counts = NO_COUNTS.slice();
  let undecodable: string[] | undefined;
  let malformedNames: string[] | undefined;
  const length = rawQuery.length;
  // Positions of the next '=', '%' and '+' at or after a point already passed;
  // each is searched again only once the scan has gone past it, so a long run
  // of segments never rescans the rest of the string, and a query without any
  // '%' or '+' (most of them) costs one search for each.
  let nextEquals = -1;
  let nextPercent = -1;
  let nextPlus = -1;
  let start = 0;
  while (start < length) {
    let end = rawQuery.indexOf('&', start);
    if (end === -1) end = length;
    if (end > start) {
      if (nextEquals < start) {
        nextEquals = rawQuery.indexOf('=', start);
        if (nextEquals === -1) nextEquals = length; // none left: sentinel past every segment
      }
      const nameEnd = nextEquals < end ? nextEquals : end;
      let index = parameterIndexAt(rawQuery, start, nameEnd);
      if (index < 0 && isEncoded(rawQuery, start, nameEnd)) {
        // An encoded name: decode it, then it may still be one of ours.
        const rawName = rawQuery.slice(start, nameEnd);
        const name = decodeFormComponent(rawName);
        if (name === undefined) (malformedNames ??= []).push(rawName);
        else index = parameterIndex(name);
      }
      if (index >= 0) {
        const valueStart = nameEnd < end ? nameEnd + 1 : end;
        const rawValue = rawQuery.slice(valueStart, end);
        if (nextPercent < valueStart) {
          nextPercent = rawQuery.indexOf('%', valueStart);
          if (nextPercent === -1) nextPercent = length;
        }
        if (nextPlus < valueStart) {
          nextPlus = rawQuery.indexOf('+', valueStart);
          if (nextPlus === -1) nextPlus = length;
        }
        counts[index]! += 1;
        const value = nextPercent < end || nextPlus < end ? decodeFormComponent(rawValue) : rawValue;
        values[index] = value;
        if (value === undefined) (undecodable ??= [])[index] = rawValue;
      }
    }
    start = end + 1;
  }
  return { values, counts, undecodable, malformedNames };
}

/** Repairs and checks the values the split found; the problems, all at once, when they are not valid. */
function validateSplit({ values, counts, undecodable, malformedNames }: Split): OrderQueryResult {
  // Values as received, of the slots a repair changed (problems echo them).
  let echoed: string[] | undefined;
  for (const [index, repair] of REPAIRS) {
    const value = values[index];
    if (value === undefined) continue;
    const repaired = repair(value);
    if (repaired === value) continue;
    (echoed ??= [])[index] = value;
    values[index] = repaired;
  }
  let refused: string[] | undefined;
  if (undecodable !== undefined) {
    const echoedRaw = (echoed ??= []);
    refused = [];
    undecodable.forEach((raw, index) => {
      refused![index] = `${ORDER_PARAMETERS[index]!.name} ${MALFORMED_ENCODING}`;
      echoedRaw[index] = raw;
    });
  }
  const checked = checkOrder({ counts, values, refused, echoed });
  if (checked.ok && malformedNames === undefined) return checked;
  const problems: ParameterProblem[] = checked.ok
    ? []
    : checked.problems.map(({ slot, ...problem }) => ({ parameter: ORDER_PARAMETERS[slot]!.name, ...problem }));
  for (const rawName of malformedNames ?? []) {
    problems.push({
      parameter: truncate(rawName),
      detail: `the parameter name ${JSON.stringify(truncate(rawName))} ${MALFORMED_ENCODING}`,
    });
  }
  return { ok: false, problems };
}

/** Index of the first character of `raw` outside ASCII, or -1. */
function firstNonAscii(raw: string): number {
  // One native pass for the usual all-ASCII query: the UTF-8 length equals the
  // UTF-16 length only when every character is below U+0080.
  if (Buffer.byteLength(raw, 'utf8') === raw.length) return -1;
  for (let i = 0; i < raw.length; i++) if (raw.charCodeAt(i) > 0x7f) return i;
  return -1;
}

/**
 * Problems with characters that arrived unencoded outside ASCII, one per query
 * segment that holds any, named after its parameter (decoded when it can be),
 * or undefined when there are none.
 *
 * A URI carries only ASCII (RFC 3986): other characters must be sent
 * percent-encoded as UTF-8. uWebSockets.js hands the query over as text decoded
 * from UTF-8, turning invalid bytes into U+FFFD: a raw byte 0xFF would reach the
 * rules as a valid customer_name character. So any raw non-ASCII character is
 * refused, wherever it is (unknown parameters too), before parsing.
 */
function rawNonAsciiProblems(rawQuery: string): ParameterProblem[] | undefined {
  if (firstNonAscii(rawQuery) < 0) return undefined;
  const problems: ParameterProblem[] = [];
  for (const segment of rawQuery.split('&')) {
    if (firstNonAscii(segment) < 0) continue;
    const equals = segment.indexOf('=');
    const rawName = equals < 0 ? segment : segment.slice(0, equals);
    const name = decodeFormComponent(rawName) ?? rawName;
    problems.push({
      parameter: truncate(name),
      detail: `${truncate(name)} holds characters sent unencoded outside ASCII; percent-encode them as UTF-8 (e.g. %C3%A9 for é)`,
      value: truncate(equals < 0 ? '' : segment.slice(equals + 1)),
    });
  }
  return problems;
}
