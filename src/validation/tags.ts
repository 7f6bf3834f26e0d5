/**
 * typia tags of our own, used by the parameter table (orderParameters.ts).
 * Types only: typia reads them at generate time and pastes each `validate`
 * expression into the generated validator.
 */
import type { tags } from 'typia';

/**
 * typia's `tags.Pattern`, but compiled to a regex LITERAL.
 *
 * `tags.Pattern<V>` generates `RegExp("V").test($input)`, which builds a RegExp
 * object from the source string on every call (about 280 ns each here, i.e.
 * most of the validator's cost with four patterns on the hot path). A literal
 * `/V/` is compiled once per site; each evaluation only clones it (~0 ns extra).
 * Same kind, exclusivity and JSON-schema output as `tags.Pattern`, so typia
 * treats it as a pattern everywhere else. V must not contain '/' or a line
 * terminator (it is pasted between slashes); none of ours do.
 */
export type FastPattern<V extends string> = tags.TagBase<{
  target: 'string';
  kind: 'pattern';
  value: V;
  validate: `/${V}/.test($input)`;
  exclusive: ['format', 'pattern'];
  schema: { pattern: V };
}>;

/**
 * The date part of an RFC 3339 date-time names a real calendar day (Gregorian,
 * leap years: divisible by 4, except centuries not divisible by 400). Only
 * evaluated by typia after the pattern of `created_at` has matched, so
 * positions 0-3, 5-6 and 8-9 are known to be the digits of YYYY, MM and DD;
 * they are read as character codes, which costs no substring.
 */
export type CalendarDate = tags.TagBase<{
  target: 'string';
  kind: 'calendarDate';
  value: undefined;
  validate: `((y, m, d) => d <= (m === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : (m === 4 || m === 6 || m === 9 || m === 11) ? 30 : 31))($input.charCodeAt(0) * 1000 + $input.charCodeAt(1) * 100 + $input.charCodeAt(2) * 10 + $input.charCodeAt(3) - 53328, $input.charCodeAt(5) * 10 + $input.charCodeAt(6) - 528, $input.charCodeAt(8) * 10 + $input.charCodeAt(9) - 528)`;
}>;

/**
 * A UUID in its bare 8-4-4-4-12 hex form, either case: typia's
 * `Format<"uuid">` also accepts a `urn:uuid:` prefix and matches
 * case-insensitively (`/.../i`, measured 3 times slower than listing both
 * cases). Upper- and lower-case hex are both accepted (RFC 9562: input is
 * case insensitive); the value is passed on as received. The version and
 * variant nibbles are not checked: customer ids are opaque to this service.
 * The schema says `format: uuid` and gives the exact pattern.
 */
export type BareUuid = tags.TagBase<{
  target: 'string';
  kind: 'bareUuid';
  value: undefined;
  validate: `/^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/.test($input)`;
  exclusive: ['format', 'pattern'];
  schema: { format: 'uuid'; pattern: '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$' };
}>;

/**
 * Not the nil UUID (RFC 9562 section 5.9): it identifies nobody, and it is what a
 * client sends when it forgot to fill the field in. (The Max UUID ffffffff-...
 * is accepted: it is not a default any client library produces.)
 */
export type NotNilUuid = tags.TagBase<{
  target: 'string';
  kind: 'notNilUuid';
  value: undefined;
  validate: `$input !== "00000000-0000-0000-0000-000000000000"`;
  schema: { not: { const: '00000000-0000-0000-0000-000000000000' } };
}>;
