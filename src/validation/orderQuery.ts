/**
 * Parsing and validation of the `GET /next-tracking-number` query.
 *
 * The rules themselves are compiled by typia from
 * src/validation/templates/orderQueryValidator.ts (imported here from its
 * generated copy); this module only:
 * 1. splits/decodes the raw query (the rules of queryString.ts),
 * 2. picks the 7 known parameters: unknown parameters are ignored (clients may
 *    add tracking/cache-busting parameters); a known one given more than once is
 *    an error for that parameter (we will not guess which one was meant); a
 *    missing one is an error; a malformed percent-encoding is an error;
 * 3. repairs the unencoded '+' of the spec's example URL in `created_at` (below),
 * 4. runs the typia validator and turns its errors into one human message per
 *    offending parameter, all parameters at once, in spec order.
 */
import type { CountryCode } from './countryCodes.js';
import { LIMITS, validateOrderQuery } from './generated/orderQueryValidator.js';
import { decodeFormComponent } from './queryString.js';

export { LIMITS };

export interface OrderQuery {
  origin_country_id: CountryCode;
  destination_country_id: CountryCode;
  /** Positive decimal kilograms as sent, e.g. "1.234" (at most 3 decimals, at most LIMITS.weightMaxKg). */
  weight: string;
  /** RFC 3339 date-time with offset, as sent (after the '+' repair), e.g. "2018-11-20T19:29:32+08:00". */
  created_at: string;
  /** UUID as sent (case preserved). */
  customer_id: string;
  customer_name: string;
  customer_slug: string;
}

export interface ParameterProblem {
  parameter: string;
  /** What is wrong and what is expected, for humans. */
  detail: string;
  /** The value as received after decoding (still encoded if it could not be decoded), at most 100 characters. */
  value?: string;
}

export type OrderQueryResult = { ok: true; query: OrderQuery } | { ok: false; problems: ParameterProblem[] };

/** The 7 parameters, in the order of the spec (and of reported problems). */
export const ORDER_PARAMETERS = [
  'origin_country_id',
  'destination_country_id',
  'weight',
  'created_at',
  'customer_id',
  'customer_name',
  'customer_slug',
] as const satisfies readonly (keyof OrderQuery)[];

export type OrderParameter = (typeof ORDER_PARAMETERS)[number];

/** Longest `value` echoed back in a problem. */
const MAX_ECHOED_VALUE_LENGTH = 100;

interface ParameterMessages {
  /** Default: what a valid value looks like. */
  readonly invalid: string;
  /**
   * More precise messages, picked when typia's error for the parameter is about
   * that tag; keys are tag type names as typia prints them in `expected`
   * ("string & CalendarDate", "string & MaxLength<200>").
   */
  readonly byTag?: Readonly<Record<string, string>>;
}

/** Every message about an invalid value, declared once. */
const MESSAGES: Readonly<Record<OrderParameter, ParameterMessages>> = {
  origin_country_id: {
    invalid: 'origin_country_id must be an assigned upper-case ISO 3166-1 alpha-2 country code (e.g. MY)',
  },
  destination_country_id: {
    invalid: 'destination_country_id must be an assigned upper-case ISO 3166-1 alpha-2 country code (e.g. ID)',
  },
  weight: {
    invalid: `weight must be a positive number of kilograms with at most 3 decimals, at most ${LIMITS.weightMaxKg} (e.g. 1.234)`,
  },
  created_at: {
    invalid: 'created_at must be an RFC 3339 date-time with offset (e.g. 2018-11-20T19:29:32+08:00)',
    byTag: { CalendarDate: 'created_at is not a real calendar date' },
  },
  customer_id: {
    invalid: 'customer_id must be a UUID: 32 hex digits grouped 8-4-4-4-12 (e.g. de619854-b59b-425e-9db4-943979e1bd49)',
    byTag: { NotNilUuid: 'customer_id must not be the nil UUID 00000000-0000-0000-0000-000000000000' },
  },
  customer_name: {
    invalid: `customer_name must be 1 to ${LIMITS.customerNameMaxLength} characters, not only whitespace, without control characters (e.g. RedBox Logistics)`,
    byTag: {
      MinLength: 'customer_name must not be empty',
      MaxLength: `customer_name must be at most ${LIMITS.customerNameMaxLength} characters (UTF-16 code units: an emoji counts 2)`,
    },
  },
  customer_slug: {
    invalid: `customer_slug must be lower-case kebab-case: a-z and 0-9 words joined by single hyphens, at most ${LIMITS.customerSlugMaxLength} characters (e.g. redbox-logistics)`,
    byTag: { MaxLength: `customer_slug must be at most ${LIMITS.customerSlugMaxLength} characters` },
  },
};

const CREATED_AT = 3; // index of created_at in ORDER_PARAMETERS

/**
 * The spec's example URL carries `created_at=2018-11-20T19:29:32+08:00`
 * unencoded; form decoding turns that '+' into a space, giving
 * `2018-11-20T19:29:32 08:00`. Users paste that URL, so we read the space back
 * as '+' when, and only when, the value ends with a time, one space and an
 * HH:MM offset. A space can never be valid there, and '-' offsets and 'Z' are not
 * affected by form encoding. The validator still checks the repaired value; a
 * problem echoes the value as received. Sending %2B08:00 is the correct form.
 */
const UNENCODED_PLUS_OFFSET = /^(.*\d\d:\d\d:\d\d(?:\.\d+)?) (\d\d:\d\d)$/s;

function repairUnencodedPlusOffset(value: string): string {
  // Cheap test first: the regex only runs when there is a space 6 from the end.
  if (value.length < 14 || value.charCodeAt(value.length - 6) !== 32) return value;
  const match = UNENCODED_PLUS_OFFSET.exec(value);
  return match === null ? value : `${match[1]}+${match[2]}`;
}

/**
 * Index in ORDER_PARAMETERS, or -1 for a parameter we ignore. Dispatches on the
 * length first: names come from slices of the query, so each `===` is a content
 * comparison, and a plain 7-way switch was 10% of parseOrderQuery.
 */
export function parameterIndex(name: string): number {
  switch (name.length) {
    case 17:
      return name === 'origin_country_id' ? 0 : -1;
    case 22:
      return name === 'destination_country_id' ? 1 : -1;
    case 6:
      return name === 'weight' ? 2 : -1;
    case 10:
      return name === 'created_at' ? 3 : -1;
    case 11:
      return name === 'customer_id' ? 4 : -1;
    case 13:
      return name === 'customer_name' ? 5 : name === 'customer_slug' ? 6 : -1;
    default:
      return -1;
  }
}

/**
 * Index in ORDER_PARAMETERS of the raw (not encoded) name raw[start, end), or
 * -1. Only names of a known length are sliced; a slice compared with `===` is
 * faster here than startsWith(name, start) or a charCodeAt loop (measured).
 */
function parameterIndexAt(raw: string, start: number, end: number): number {
  const length = end - start;
  if (length !== 17 && length !== 22 && length !== 6 && length !== 10 && length !== 11 && length !== 13) return -1;
  return parameterIndex(raw.slice(start, end));
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
 * Splits and decodes exactly as parseQueryString (queryString.ts) does, in the
 * same pass that picks the known parameters, so that the hot path builds no
 * pair objects, slices only the values it keeps, and decodes only what holds
 * a '%' or '+'.
 */
export function parseOrderQuery(rawQuery: string): OrderQueryResult {
  // Decoded value (undefined when malformed) and raw value of the LAST
  // occurrence, and the number of occurrences, per known parameter. (Fresh
  // arrays: storing new strings into long-lived ones costs a write barrier each.)
  const values: (string | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined, undefined];
  const rawValues: string[] = ['', '', '', '', '', '', ''];
  const counts = [0, 0, 0, 0, 0, 0, 0];
  // Names whose own encoding is malformed: they cannot be attributed to a
  // parameter, but the query is malformed, so they are reported too.
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
        values[index] = nextPercent < end || nextPlus < end ? decodeFormComponent(rawValue) : rawValue;
        rawValues[index] = rawValue;
      }
    }
    start = end + 1;
  }

  // Only the 7 known keys; missing, duplicated and malformed ones are left
  // undefined, which typia rejects (we report our own message for those below).
  // (No per-call closures here: this is the hot path.)
  const createdAt = counts[CREATED_AT] === 1 ? values[CREATED_AT] : undefined;
  const candidate = {
    origin_country_id: counts[0] === 1 ? values[0] : undefined,
    destination_country_id: counts[1] === 1 ? values[1] : undefined,
    weight: counts[2] === 1 ? values[2] : undefined,
    created_at: createdAt === undefined ? undefined : repairUnencodedPlusOffset(createdAt),
    customer_id: counts[4] === 1 ? values[4] : undefined,
    customer_name: counts[5] === 1 ? values[5] : undefined,
    customer_slug: counts[6] === 1 ? values[6] : undefined,
  };
  const validation = validateOrderQuery(candidate);
  // Success implies every parameter was present once, decodable and valid.
  if (validation.success && malformedNames === undefined) return { ok: true, query: validation.data };
  const expectedErrors = validation.success ? [] : validation.errors;

  // Failure path: group typia's errors by parameter ("$input.weight" -> 2).
  const expectedByParameter: (string[] | undefined)[] = [];
  for (const error of expectedErrors) {
    const index = error.path.startsWith('$input.') ? parameterIndex(error.path.slice(7)) : -1;
    if (index < 0) continue;
    (expectedByParameter[index] ??= []).push(error.expected);
  }

  const problems: ParameterProblem[] = [];
  for (let index = 0; index < ORDER_PARAMETERS.length; index++) {
    const parameter = ORDER_PARAMETERS[index]!;
    const count = counts[index]!;
    if (count === 0) {
      problems.push({ parameter, detail: `${parameter} is required` });
    } else if (count > 1) {
      problems.push({ parameter, detail: `${parameter} is given ${count} times (expected once)` });
    } else if (values[index] === undefined) {
      problems.push({
        parameter,
        detail: `${parameter} has malformed percent-encoding (each '%' must start a %XX escape, and the escaped bytes must be valid UTF-8)`,
        value: truncate(rawValues[index]!),
      });
    } else {
      const expected = expectedByParameter[index];
      if (expected === undefined) continue;
      // values[] holds created_at as received, before the '+' repair.
      problems.push({ parameter, detail: detailFor(parameter, expected), value: truncate(values[index]!) });
    }
  }
  for (const rawName of malformedNames ?? []) {
    problems.push({
      parameter: truncate(rawName),
      detail: `the parameter name ${JSON.stringify(truncate(rawName))} has malformed percent-encoding (each '%' must start a %XX escape, and the escaped bytes must be valid UTF-8)`,
    });
  }
  return { ok: false, problems };
}

/** The message for a parameter typia rejected, given typia's `expected` strings for it. */
function detailFor(parameter: OrderParameter, expected: readonly string[]): string {
  const messages = MESSAGES[parameter];
  if (messages.byTag !== undefined) {
    for (const [tag, message] of Object.entries(messages.byTag)) {
      // A failing single tag is reported as "string & Tag" or "string & Tag<...>";
      // composite descriptions start with "(" and never match.
      const prefix = `string & ${tag}`;
      for (const e of expected) {
        if (e === prefix || e.startsWith(`${prefix}<`)) return message;
      }
    }
  }
  return messages.invalid;
}

/** At most MAX_ECHOED_VALUE_LENGTH UTF-16 units, without splitting a surrogate pair. */
function truncate(value: string): string {
  if (value.length <= MAX_ECHOED_VALUE_LENGTH) return value;
  let end = MAX_ECHOED_VALUE_LENGTH;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return value.slice(0, end);
}
