/**
 * The order's parameters, declared once. Each entry gives a parameter's name,
 * its typia rules (a type), the messages for a value that breaks them, how it
 * is read from a query string and from JSON, how it is written in an answer,
 * and its description and example. Everything else is derived from this table:
 * - the GET query parser (orderQuery.ts) and the JSON body reader
 *   (batchRequest.ts), which find parameters by name and fill one array slot each;
 * - the typia validator of that array (templates/orderValidator.ts, compiled
 *   by `npm run generate`), shared by both, so a rule and its message are the
 *   same on either route;
 * - the answer bodies (worker/issuedAnswer.ts), the metric labels (metrics.ts)
 *   and the OpenAPI document (api/openapi.ts, from typia's JSON schemas).
 *
 * To add a parameter: add an entry here (with a `default` if requests may
 * leave it out), run `npm run generate`, and add a row to the readme's table;
 * then write the tests of its rule. The tests fail when something derived
 * from the table was not updated.
 *
 * Each entry carries its rules as a phantom type (never present at run time),
 * so that one literal declares both what typia checks and what the code reads.
 */
import type { tags } from 'typia';
import type { CountryCode } from './countryCodes.js';
import type { BareUuid, CalendarDate, FastPattern, NotNilUuid } from './tags.js';

/**
 * Limits shared with the rules: the length tags below use these literal types,
 * so the generated checks and this object cannot drift apart. `weightMaxKg` is
 * spelled out inside the weight pattern (a regex cannot be built from a number
 * type); a unit test checks both edges.
 */
const LIMITS = {
  /** A loaded pallet: heavier consignments go through freight, not parcels. */
  weightMaxKg: 1000,
  /** Counted in UTF-16 code units (String#length), see `customer_name`. */
  customerNameMaxLength: 200,
  customerSlugMaxLength: 200,
} as const;

/** What an entry says at run time. */
interface ParameterSpec {
  readonly name: string;
  /** For the OpenAPI document. */
  readonly description: string;
  /** A valid value, for the OpenAPI document and the readme's examples. */
  readonly example: string;
  /** The message for any value the rules refuse: what a valid value looks like. */
  readonly invalid: string;
  /**
   * More precise messages, picked when typia's error for the parameter is about
   * that tag; keys are tag type names as typia prints them in `expected`
   * ("string & CalendarDate", "string & MaxLength<200>").
   */
  readonly byTag?: Readonly<Record<string, string>>;
  /**
   * Every valid value is written in JSON as it is between quotes (the rules
   * allow no '"', '\', control character or surrogate), so answers paste it
   * without escaping. Unset: the value is escaped as JSON.stringify does.
   */
  readonly jsonSafe?: true;
  /**
   * A batch order may give it as a JSON number: the number is read as
   * written (its text, not its value) and must then pass the same rules.
   */
  readonly jsonNumber?: true;
  /** Applied to the decoded query value before validation (problems echo the value as received). */
  readonly repairQueryValue?: (value: string) => string;
  /**
   * The value of an order that does not give the parameter: a parameter with
   * a default is optional, one without is required. It must pass the rules
   * (a unit test checks), and answers echo it like a value received.
   */
  readonly default?: string;
}

declare const RULES: unique symbol;
declare const JSON_NUMBER_RULES: unique symbol;

/** An entry with its typia rules attached as phantom types. */
type Parameter<Spec extends ParameterSpec, Rules, JsonNumberRules> = Spec & {
  /** Never present: the typia type of the value (a string: decoded query text, or JSON text). */
  readonly [RULES]: Rules;
  /** Never present: what a JSON number must look like, for the schema (never: numbers are refused). */
  readonly [JSON_NUMBER_RULES]: JsonNumberRules;
};

/** A parameter whose value is a string that must satisfy `Rules`. */
function parameter<Rules extends string>() {
  return <const Spec extends ParameterSpec>(spec: Spec): Parameter<Spec, Rules, never> =>
    spec as Parameter<Spec, Rules, never>;
}

/** Like `parameter`, and a batch order may give it as a JSON number (schema: `JsonNumberRules`). */
function numericParameter<Rules extends string, JsonNumberRules extends number>() {
  return <const Spec extends Omit<ParameterSpec, 'jsonNumber'>>(
    spec: Spec,
  ): Parameter<Spec & { readonly jsonNumber: true }, Rules, JsonNumberRules> =>
    ({ ...spec, jsonNumber: true }) as unknown as Parameter<
      Spec & { readonly jsonNumber: true },
      Rules,
      JsonNumberRules
    >;
}

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

/** The parameters, in the order of the spec (and of answers and reported problems). */
export const ORDER_PARAMETERS = [
  /** Officially assigned ISO 3166-1 alpha-2 code, upper case (see countryCodes.ts: no XK, no UK). */
  parameter<CountryCode>()({
    name: 'origin_country_id',
    description:
      'Where the parcel is sent from: an officially assigned ISO 3166-1 alpha-2 code, upper case (MY; not my, MYS, XX or XK). The tracking number starts with it.',
    example: 'MY',
    invalid: 'origin_country_id must be an assigned upper-case ISO 3166-1 alpha-2 country code (e.g. MY)',
    jsonSafe: true,
  }),
  parameter<CountryCode>()({
    name: 'destination_country_id',
    description: 'Where the parcel goes: an officially assigned ISO 3166-1 alpha-2 code, upper case.',
    example: 'ID',
    invalid: 'destination_country_id must be an assigned upper-case ISO 3166-1 alpha-2 country code (e.g. ID)',
    jsonSafe: true,
  }),
  /**
   * Kilograms as a plain decimal: 0.001 <= weight <= 1000, at most 3 decimals.
   * - the lookahead rejects zero in every spelling (0, 0.0, 0.00, 0.000);
   * - integer part is 0 or 1-999 without leading zeros, or exactly 1000 whose
   *   decimals may only be zeros (1000.000 ok, 1000.001 not);
   * - no sign, exponent, hex, spaces, leading dot (.5) or trailing dot (5.).
   * A string, never converted: `1e3`, `0x10`, ` 5`, which Number() accepts,
   * never get the chance.
   */
  numericParameter<
    string & FastPattern<'^(?!0(?:\\.0{1,3})?$)(?:(?:0|[1-9][0-9]{0,2})(?:\\.[0-9]{1,3})?|1000(?:\\.0{1,3})?)$'>,
    number & tags.ExclusiveMinimum<0> & tags.Maximum<typeof LIMITS.weightMaxKg>
  >()({
    name: 'weight',
    description: `Kilograms: a positive decimal with at most 3 decimals, at most ${LIMITS.weightMaxKg} (1.234; not 0, 1e3, 0x10, 01, .5). A batch order may give it as a JSON number, read as written: 1.234, not 1.234e0. Answers give it as a string, as received.`,
    example: '1.234',
    invalid: `weight must be a positive number of kilograms with at most 3 decimals, at most ${LIMITS.weightMaxKg} (e.g. 1.234)`,
    jsonSafe: true,
  }),
  /**
   * RFC 3339 section 5.6 `date-time`, offset required:
   *   YYYY-MM-DD ('T' | 't') HH:MM:SS [.1-9 digits] ('Z' | 'z' | ('+' | '-') HH:MM)
   * - separator 'T'/'t' only: RFC 3339 allows a space "for readability" in a note,
   *   but a space is what an unencoded '+' becomes, so it is not accepted (the
   *   query parser repairs the one unambiguous case, below), nor is a tab;
   * - seconds 00-59: leap second :60 is rejected; we cannot check it is a real
   *   one, and no client clock produces it for an order's creation time;
   * - fraction limited to 9 digits (nanoseconds);
   * - offset hours 00-23, minutes 00-59 (RFC 3339 grammar);
   * - month 01-12 / day 01-31 here, day-of-month per month and leap years in
   *   `CalendarDate`.
   */
  parameter<
    string &
      FastPattern<'^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,9})?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$'> &
      CalendarDate
  >()({
    name: 'created_at',
    description:
      "When the order was created: an RFC 3339 date-time with offset and a real calendar date. In a query string, encode its '+' as %2B; an unencoded '+' before the HH:MM offset (read as a space) is accepted as '+'.",
    example: '2018-11-20T19:29:32+08:00',
    invalid: 'created_at must be an RFC 3339 date-time with offset (e.g. 2018-11-20T19:29:32+08:00)',
    byTag: { CalendarDate: 'created_at is not a real calendar date' },
    jsonSafe: true,
    repairQueryValue: repairUnencodedPlusOffset,
  }),
  /** 8-4-4-4-12 hex UUID, any case, no urn: prefix, not nil (see BareUuid, NotNilUuid). */
  parameter<string & BareUuid & NotNilUuid>()({
    name: 'customer_id',
    description: 'The customer: a UUID, 8-4-4-4-12 hex digits in either case, not the nil UUID.',
    example: 'de619854-b59b-425e-9db4-943979e1bd49',
    invalid: 'customer_id must be a UUID: 32 hex digits grouped 8-4-4-4-12 (e.g. de619854-b59b-425e-9db4-943979e1bd49)',
    byTag: { NotNilUuid: 'customer_id must not be the nil UUID 00000000-0000-0000-0000-000000000000' },
    jsonSafe: true,
  }),
  /**
   * 1..200 UTF-16 code units (String#length, what typia's length tags count; an
   * emoji outside the BMP counts 2). Code units, not code points, because the
   * limit protects storage/log line size, where UTF-16 length bounds UTF-8 size
   * (<= 3 bytes per unit), and it costs nothing to compute.
   * Length is checked before the Pattern so a huge value never reaches the regex.
   * Pattern:
   * - the lookahead requires at least one non-whitespace character (JS \s:
   *   Unicode White_Space plus BOM);
   * - no control characters: C0 U+0000-U+001F, DEL U+007F, C1 U+0080-U+009F;
   * - no lone (unpaired) surrogates, which cannot be encoded in UTF-8.
   * Leading/trailing spaces are kept as received.
   */
  parameter<
    string &
      tags.MinLength<1> &
      tags.MaxLength<typeof LIMITS.customerNameMaxLength> &
      FastPattern<'^(?=[\\s\\S]*\\S)(?:[^\\u0000-\\u001F\\u007F-\\u009F\\uD800-\\uDFFF]|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF])+$'>
  >()({
    name: 'customer_name',
    description: `The customer's name: 1 to ${LIMITS.customerNameMaxLength} UTF-16 code units (an emoji counts 2), not only spaces, no control characters; kept as received.`,
    example: 'RedBox Logistics',
    invalid: `customer_name must be 1 to ${LIMITS.customerNameMaxLength} characters, not only whitespace, without control characters (e.g. RedBox Logistics)`,
    byTag: {
      MinLength: 'customer_name must not be empty',
      MaxLength: `customer_name must be at most ${LIMITS.customerNameMaxLength} characters (UTF-16 code units: an emoji counts 2)`,
    },
  }),
  /** Lower-case kebab-case: `redbox-logistics`; no leading/trailing/double '-'. */
  parameter<string & tags.MaxLength<typeof LIMITS.customerSlugMaxLength> & FastPattern<'^[a-z0-9]+(?:-[a-z0-9]+)*$'>>()(
    {
      name: 'customer_slug',
      description: `The customer's slug: lower-case kebab-case (a-z and 0-9 words joined by single hyphens), at most ${LIMITS.customerSlugMaxLength} characters.`,
      example: 'redbox-logistics',
      invalid: `customer_slug must be lower-case kebab-case: a-z and 0-9 words joined by single hyphens, at most ${LIMITS.customerSlugMaxLength} characters (e.g. redbox-logistics)`,
      byTag: { MaxLength: `customer_slug must be at most ${LIMITS.customerSlugMaxLength} characters` },
      jsonSafe: true,
    },
  ),
] as const;

type Entries = typeof ORDER_PARAMETERS;
type Entry = Entries[number];
type RulesOf<P> = P extends { readonly [RULES]: infer Rules } ? Rules : never;
type JsonNumberRulesOf<P> = P extends { readonly [JSON_NUMBER_RULES]: infer Rules } ? Rules : never;
type ValuesOf<T extends readonly unknown[]> = { -readonly [I in keyof T]: RulesOf<T[I]> };

export type OrderParameter = Entry['name'];

/** The values of an order, in table order: what the parsers fill and typia validates. */
export type OrderValues = ValuesOf<Entries>;

/** An order as an object (answers, the OpenAPI document). */
export type Order = { -readonly [P in Entry as P['name']]: RulesOf<P> };

/** Entries with a default: a request may leave them out. */
type OptionalEntry = Extract<Entry, { readonly default: string }>;

/** An order's fields as a batch request may give them (some may be JSON numbers, some may be left out). */
export type JsonOrderFields = {
  -readonly [P in Exclude<Entry, OptionalEntry> as P['name']]: RulesOf<P> | JsonNumberRulesOf<P>;
} & {
  -readonly [P in OptionalEntry as P['name']]?: RulesOf<P> | JsonNumberRulesOf<P>;
};

/** The names, in table order. */
export const ORDER_PARAMETER_NAMES: readonly OrderParameter[] = ORDER_PARAMETERS.map((entry) => entry.name);

/** How many parameters an order has. */
export const PARAMETER_COUNT = ORDER_PARAMETERS.length;

/** Per slot, the value of an order that leaves the parameter out, or undefined when it is required. */
export const DEFAULTS: readonly (string | undefined)[] = ORDER_PARAMETERS.map((entry) =>
  'default' in entry ? (entry as ParameterSpec).default : undefined,
);

/** An order of the table's examples: for the OpenAPI document, the readme and the tests. */
export const EXAMPLE_ORDER = Object.fromEntries(ORDER_PARAMETERS.map((entry) => [entry.name, entry.example])) as Order;

/** Index in the table of the parameter named `name` (exactly), or -1. */
export function parameterIndex(name: string): number {
  const candidates = BY_LENGTH[name.length];
  if (candidates === undefined) return -1;
  for (const [candidate, index] of candidates) if (candidate === name) return index;
  return -1;
}

/**
 * Names grouped by length, for lookups straight from a slice of a query or
 * JSON text: most names are told apart by their length alone.
 */
export const BY_LENGTH: readonly (readonly (readonly [string, number])[] | undefined)[] = (() => {
  const groups: [string, number][][] = [];
  ORDER_PARAMETERS.forEach(({ name }, index) => (groups[name.length] ??= []).push([name, index]));
  return Array.from({ length: groups.length }, (_, length) => groups[length]);
})();

/** Index of a parameter the code needs by role (e.g. the origin, which the tracking number starts with). */
export function indexOf(name: OrderParameter): number {
  return ORDER_PARAMETER_NAMES.indexOf(name);
}
