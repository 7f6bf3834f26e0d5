import * as __typia_transform__isFormatUuid from "typia/lib/internal/_isFormatUuid";
import * as __typia_transform__validateReport from "typia/lib/internal/_validateReport";
import * as __typia_transform__createStandardSchema from "typia/lib/internal/_createStandardSchema";
import { type tags } from 'typia';
import type { CountryCode } from "../countryCodes.js";
/**
 * Limits shared with the runtime (re-exported by orderQuery.ts). The length tags
 * below use these literal types, so the generated checks and this object cannot
 * drift apart. `weightMaxKg` is spelled out inside the weight Pattern (a regex
 * cannot be built from a number type); a unit test checks both edges.
 */
export const LIMITS = {
    /** A loaded pallet: heavier consignments go through freight, not parcels. */
    weightMaxKg: 1000,
    /** Counted in UTF-16 code units (String#length), see `customer_name`. */
    customerNameMaxLength: 200,
    customerSlugMaxLength: 200,
} as const;
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
type FastPattern<V extends string> = tags.TagBase<{
    target: 'string';
    kind: 'pattern';
    value: V;
    validate: `/${V}/.test($input)`;
    exclusive: [
        'format',
        'pattern'
    ];
    schema: {
        pattern: V;
    };
}>;
/**
 * The date part of an RFC 3339 date-time names a real calendar day (Gregorian,
 * leap years: divisible by 4, except centuries not divisible by 400). Only
 * evaluated by typia after the Pattern below has matched, so positions 0-4, 5-7,
 * 8-10 are known to be YYYY, MM, DD.
 */
type CalendarDate = tags.TagBase<{
    target: 'string';
    kind: 'calendarDate';
    value: undefined;
    validate: `((y, m, d) => d <= (m === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : (m === 4 || m === 6 || m === 9 || m === 11) ? 30 : 31))(Number($input.slice(0, 4)), Number($input.slice(5, 7)), Number($input.slice(8, 10)))`;
}>;
/**
 * Narrows typia's `Format<"uuid">`, which also accepts a `urn:uuid:` prefix
 * (its regex is /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i):
 * exactly 36 characters, i.e. the bare 8-4-4-4-12 form.
 * Upper- and lower-case hex are both accepted (RFC 9562: input is case
 * insensitive); the value is passed on as received, not lower-cased. The version
 * and variant nibbles are not checked: customer ids are opaque to this service.
 */
type BareUuid = tags.TagBase<{
    target: 'string';
    kind: 'bareUuid';
    value: undefined;
    validate: `$input.length === 36`;
}>;
/**
 * Not the nil UUID (RFC 9562 section 5.9): it identifies nobody, and it is what a
 * client sends when it forgot to fill the field in. (The Max UUID ffffffff-...
 * is accepted: it is not a default any client library produces.)
 */
type NotNilUuid = tags.TagBase<{
    target: 'string';
    kind: 'notNilUuid';
    value: undefined;
    validate: `$input !== "00000000-0000-0000-0000-000000000000"`;
}>;
export interface ValidatedOrderQuery {
    /** Officially assigned ISO 3166-1 alpha-2 code, upper case (see countryCodes.ts: no XK, no UK). */
    origin_country_id: CountryCode;
    destination_country_id: CountryCode;
    /**
     * Kilograms as a plain decimal: 0.001 <= weight <= 1000, at most 3 decimals.
     * - the lookahead rejects zero in every spelling (0, 0.0, 0.00, 0.000);
     * - integer part is 0 or 1-999 without leading zeros, or exactly 1000 whose
     *   decimals may only be zeros (1000.000 ok, 1000.001 not);
     * - no sign, exponent, hex, spaces, leading dot (.5) or trailing dot (5.).
     */
    weight: string & FastPattern<'^(?!0(?:\\.0{1,3})?$)(?:(?:0|[1-9][0-9]{0,2})(?:\\.[0-9]{1,3})?|1000(?:\\.0{1,3})?)$'>;
    /**
     * RFC 3339 section 5.6 `date-time`, offset required:
     *   YYYY-MM-DD ('T' | 't') HH:MM:SS [.1-9 digits] ('Z' | 'z' | ('+' | '-') HH:MM)
     * - separator 'T'/'t' only: RFC 3339 allows a space "for readability" in a note,
     *   but a space is what an unencoded '+' becomes, so it is not accepted (the
     *   parser repairs the one unambiguous case, see orderQuery.ts), nor is a tab;
     * - seconds 00-59: leap second :60 is rejected; we cannot check it is a real
     *   one, and no client clock produces it for an order's creation time;
     * - fraction limited to 9 digits (nanoseconds);
     * - offset hours 00-23, minutes 00-59 (RFC 3339 grammar);
     * - month 01-12 / day 01-31 here, day-of-month per month and leap years in
     *   `CalendarDate`.
     */
    created_at: string & FastPattern<'^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,9})?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$'> & CalendarDate;
    /** 8-4-4-4-12 hex UUID, any case, no urn: prefix, not nil (see BareUuid, NotNilUuid). */
    customer_id: string & tags.Format<'uuid'> & BareUuid & NotNilUuid;
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
    customer_name: string & tags.MinLength<1> & tags.MaxLength<typeof LIMITS.customerNameMaxLength> & FastPattern<'^(?=[\\s\\S]*\\S)(?:[^\\u0000-\\u001F\\u007F-\\u009F\\uD800-\\uDFFF]|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF])+$'>;
    /** Lower-case kebab-case: `redbox-logistics`; no leading/trailing/double '-'. */
    customer_slug: string & tags.MaxLength<typeof LIMITS.customerSlugMaxLength> & FastPattern<'^[a-z0-9]+(?:-[a-z0-9]+)*$'>;
}
/**
 * `createValidate`, not `createValidateEquals`: unknown query parameters are
 * ignored, and orderQuery.ts only ever passes an object with the 7 known keys.
 */
export const validateOrderQuery = (() => { const _iv1 = new Set(["AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW"]); const _iv2 = new Set(["AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW"]); const _vv3 = new Set(["AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW"]); const _vv4 = new Set(["AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW"]); const _io0 = (input: any): boolean => true === _iv1.has(input.origin_country_id) && true === _iv2.has(input.destination_country_id) && ("string" === typeof input.weight && /^(?!0(?:\.0{1,3})?$)(?:(?:0|[1-9][0-9]{0,2})(?:\.[0-9]{1,3})?|1000(?:\.0{1,3})?)$/.test(input.weight)) && ("string" === typeof input.created_at && (/^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,9})?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$/.test(input.created_at) && ((y, m, d) => d <= (m === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : (m === 4 || m === 6 || m === 9 || m === 11) ? 30 : 31))(Number(input.created_at.slice(0, 4)), Number(input.created_at.slice(5, 7)), Number(input.created_at.slice(8, 10))))) && ("string" === typeof input.customer_id && (__typia_transform__isFormatUuid._isFormatUuid(input.customer_id) && input.customer_id.length === 36 && input.customer_id !== "00000000-0000-0000-0000-000000000000")) && ("string" === typeof input.customer_name && (1 <= input.customer_name.length && input.customer_name.length <= 200 && /^(?=[\s\S]*\S)(?:[^\u0000-\u001F\u007F-\u009F\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])+$/.test(input.customer_name))) && ("string" === typeof input.customer_slug && (input.customer_slug.length <= 200 && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(input.customer_slug))); const _vo0 = (input: any, _path: string, _exceptionable: boolean = true): boolean => [true === _vv3.has(input.origin_country_id) || _report(_exceptionable, {
        path: _path + ".origin_country_id",
        expected: "(\"AD\" | \"AE\" | \"AF\" | \"AG\" | \"AI\" | \"AL\" | \"AM\" | \"AO\" | \"AQ\" | \"AR\" | \"AS\" | \"AT\" | \"AU\" | \"AW\" | \"AX\" | \"AZ\" | \"BA\" | \"BB\" | \"BD\" | \"BE\" | \"BF\" | \"BG\" | \"BH\" | \"BI\" | \"BJ\" | \"BL\" | \"BM\" | \"BN\" | \"BO\" | \"BQ\" | \"BR\" | \"BS\" | \"BT\" | \"BV\" | \"BW\" | \"BY\" | \"BZ\" | \"CA\" | \"CC\" | \"CD\" | \"CF\" | \"CG\" | \"CH\" | \"CI\" | \"CK\" | \"CL\" | \"CM\" | \"CN\" | \"CO\" | \"CR\" | \"CU\" | \"CV\" | \"CW\" | \"CX\" | \"CY\" | \"CZ\" | \"DE\" | \"DJ\" | \"DK\" | \"DM\" | \"DO\" | \"DZ\" | \"EC\" | \"EE\" | \"EG\" | \"EH\" | \"ER\" | \"ES\" | \"ET\" | \"FI\" | \"FJ\" | \"FK\" | \"FM\" | \"FO\" | \"FR\" | \"GA\" | \"GB\" | \"GD\" | \"GE\" | \"GF\" | \"GG\" | \"GH\" | \"GI\" | \"GL\" | \"GM\" | \"GN\" | \"GP\" | \"GQ\" | \"GR\" | \"GS\" | \"GT\" | \"GU\" | \"GW\" | \"GY\" | \"HK\" | \"HM\" | \"HN\" | \"HR\" | \"HT\" | \"HU\" | \"ID\" | \"IE\" | \"IL\" | \"IM\" | \"IN\" | \"IO\" | \"IQ\" | \"IR\" | \"IS\" | \"IT\" | \"JE\" | \"JM\" | \"JO\" | \"JP\" | \"KE\" | \"KG\" | \"KH\" | \"KI\" | \"KM\" | \"KN\" | \"KP\" | \"KR\" | \"KW\" | \"KY\" | \"KZ\" | \"LA\" | \"LB\" | \"LC\" | \"LI\" | \"LK\" | \"LR\" | \"LS\" | \"LT\" | \"LU\" | \"LV\" | \"LY\" | \"MA\" | \"MC\" | \"MD\" | \"ME\" | \"MF\" | \"MG\" | \"MH\" | \"MK\" | \"ML\" | \"MM\" | \"MN\" | \"MO\" | \"MP\" | \"MQ\" | \"MR\" | \"MS\" | \"MT\" | \"MU\" | \"MV\" | \"MW\" | \"MX\" | \"MY\" | \"MZ\" | \"NA\" | \"NC\" | \"NE\" | \"NF\" | \"NG\" | \"NI\" | \"NL\" | \"NO\" | \"NP\" | \"NR\" | \"NU\" | \"NZ\" | \"OM\" | \"PA\" | \"PE\" | \"PF\" | \"PG\" | \"PH\" | \"PK\" | \"PL\" | \"PM\" | \"PN\" | \"PR\" | \"PS\" | \"PT\" | \"PW\" | \"PY\" | \"QA\" | \"RE\" | \"RO\" | \"RS\" | \"RU\" | \"RW\" | \"SA\" | \"SB\" | \"SC\" | \"SD\" | \"SE\" | \"SG\" | \"SH\" | \"SI\" | \"SJ\" | \"SK\" | \"SL\" | \"SM\" | \"SN\" | \"SO\" | \"SR\" | \"SS\" | \"ST\" | \"SV\" | \"SX\" | \"SY\" | \"SZ\" | \"TC\" | \"TD\" | \"TF\" | \"TG\" | \"TH\" | \"TJ\" | \"TK\" | \"TL\" | \"TM\" | \"TN\" | \"TO\" | \"TR\" | \"TT\" | \"TV\" | \"TW\" | \"TZ\" | \"UA\" | \"UG\" | \"UM\" | \"US\" | \"UY\" | \"UZ\" | \"VA\" | \"VC\" | \"VE\" | \"VG\" | \"VI\" | \"VN\" | \"VU\" | \"WF\" | \"WS\" | \"YE\" | \"YT\" | \"ZA\" | \"ZM\" | \"ZW\")",
        value: input.origin_country_id
    }), true === _vv4.has(input.destination_country_id) || _report(_exceptionable, {
        path: _path + ".destination_country_id",
        expected: "(\"AD\" | \"AE\" | \"AF\" | \"AG\" | \"AI\" | \"AL\" | \"AM\" | \"AO\" | \"AQ\" | \"AR\" | \"AS\" | \"AT\" | \"AU\" | \"AW\" | \"AX\" | \"AZ\" | \"BA\" | \"BB\" | \"BD\" | \"BE\" | \"BF\" | \"BG\" | \"BH\" | \"BI\" | \"BJ\" | \"BL\" | \"BM\" | \"BN\" | \"BO\" | \"BQ\" | \"BR\" | \"BS\" | \"BT\" | \"BV\" | \"BW\" | \"BY\" | \"BZ\" | \"CA\" | \"CC\" | \"CD\" | \"CF\" | \"CG\" | \"CH\" | \"CI\" | \"CK\" | \"CL\" | \"CM\" | \"CN\" | \"CO\" | \"CR\" | \"CU\" | \"CV\" | \"CW\" | \"CX\" | \"CY\" | \"CZ\" | \"DE\" | \"DJ\" | \"DK\" | \"DM\" | \"DO\" | \"DZ\" | \"EC\" | \"EE\" | \"EG\" | \"EH\" | \"ER\" | \"ES\" | \"ET\" | \"FI\" | \"FJ\" | \"FK\" | \"FM\" | \"FO\" | \"FR\" | \"GA\" | \"GB\" | \"GD\" | \"GE\" | \"GF\" | \"GG\" | \"GH\" | \"GI\" | \"GL\" | \"GM\" | \"GN\" | \"GP\" | \"GQ\" | \"GR\" | \"GS\" | \"GT\" | \"GU\" | \"GW\" | \"GY\" | \"HK\" | \"HM\" | \"HN\" | \"HR\" | \"HT\" | \"HU\" | \"ID\" | \"IE\" | \"IL\" | \"IM\" | \"IN\" | \"IO\" | \"IQ\" | \"IR\" | \"IS\" | \"IT\" | \"JE\" | \"JM\" | \"JO\" | \"JP\" | \"KE\" | \"KG\" | \"KH\" | \"KI\" | \"KM\" | \"KN\" | \"KP\" | \"KR\" | \"KW\" | \"KY\" | \"KZ\" | \"LA\" | \"LB\" | \"LC\" | \"LI\" | \"LK\" | \"LR\" | \"LS\" | \"LT\" | \"LU\" | \"LV\" | \"LY\" | \"MA\" | \"MC\" | \"MD\" | \"ME\" | \"MF\" | \"MG\" | \"MH\" | \"MK\" | \"ML\" | \"MM\" | \"MN\" | \"MO\" | \"MP\" | \"MQ\" | \"MR\" | \"MS\" | \"MT\" | \"MU\" | \"MV\" | \"MW\" | \"MX\" | \"MY\" | \"MZ\" | \"NA\" | \"NC\" | \"NE\" | \"NF\" | \"NG\" | \"NI\" | \"NL\" | \"NO\" | \"NP\" | \"NR\" | \"NU\" | \"NZ\" | \"OM\" | \"PA\" | \"PE\" | \"PF\" | \"PG\" | \"PH\" | \"PK\" | \"PL\" | \"PM\" | \"PN\" | \"PR\" | \"PS\" | \"PT\" | \"PW\" | \"PY\" | \"QA\" | \"RE\" | \"RO\" | \"RS\" | \"RU\" | \"RW\" | \"SA\" | \"SB\" | \"SC\" | \"SD\" | \"SE\" | \"SG\" | \"SH\" | \"SI\" | \"SJ\" | \"SK\" | \"SL\" | \"SM\" | \"SN\" | \"SO\" | \"SR\" | \"SS\" | \"ST\" | \"SV\" | \"SX\" | \"SY\" | \"SZ\" | \"TC\" | \"TD\" | \"TF\" | \"TG\" | \"TH\" | \"TJ\" | \"TK\" | \"TL\" | \"TM\" | \"TN\" | \"TO\" | \"TR\" | \"TT\" | \"TV\" | \"TW\" | \"TZ\" | \"UA\" | \"UG\" | \"UM\" | \"US\" | \"UY\" | \"UZ\" | \"VA\" | \"VC\" | \"VE\" | \"VG\" | \"VI\" | \"VN\" | \"VU\" | \"WF\" | \"WS\" | \"YE\" | \"YT\" | \"ZA\" | \"ZM\" | \"ZW\")",
        value: input.destination_country_id
    }), "string" === typeof input.weight && (/^(?!0(?:\.0{1,3})?$)(?:(?:0|[1-9][0-9]{0,2})(?:\.[0-9]{1,3})?|1000(?:\.0{1,3})?)$/.test(input.weight) || _report(_exceptionable, {
        path: _path + ".weight",
        expected: "string & FastPattern<\"^(?!0(?:\\\\.0{1,3})?$)(?:(?:0|[1-9][0-9]{0,2})(?:\\\\.[0-9]{1,3})?|1000(?:\\\\.0{1,3})?)$\">",
        value: input.weight
    })) || _report(_exceptionable, {
        path: _path + ".weight",
        expected: "(string & FastPattern<\"^(?!0(?:\\\\.0{1,3})?$)(?:(?:0|[1-9][0-9]{0,2})(?:\\\\.[0-9]{1,3})?|1000(?:\\\\.0{1,3})?)$\">)",
        value: input.weight
    }), "string" === typeof input.created_at && (/^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,9})?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$/.test(input.created_at) || _report(_exceptionable, {
        path: _path + ".created_at",
        expected: "string & FastPattern<\"^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\\\.[0-9]{1,9})?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$\">",
        value: input.created_at
    })) && (((y, m, d) => d <= (m === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : (m === 4 || m === 6 || m === 9 || m === 11) ? 30 : 31))(Number(input.created_at.slice(0, 4)), Number(input.created_at.slice(5, 7)), Number(input.created_at.slice(8, 10))) || _report(_exceptionable, {
        path: _path + ".created_at",
        expected: "string & CalendarDate",
        value: input.created_at
    })) || _report(_exceptionable, {
        path: _path + ".created_at",
        expected: "(string & FastPattern<\"^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\\\.[0-9]{1,9})?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$\"> & CalendarDate)",
        value: input.created_at
    }), "string" === typeof input.customer_id && (__typia_transform__isFormatUuid._isFormatUuid(input.customer_id) || _report(_exceptionable, {
        path: _path + ".customer_id",
        expected: "string & Format<\"uuid\">",
        value: input.customer_id
    })) && (input.customer_id.length === 36 || _report(_exceptionable, {
        path: _path + ".customer_id",
        expected: "string & BareUuid",
        value: input.customer_id
    })) && (input.customer_id !== "00000000-0000-0000-0000-000000000000" || _report(_exceptionable, {
        path: _path + ".customer_id",
        expected: "string & NotNilUuid",
        value: input.customer_id
    })) || _report(_exceptionable, {
        path: _path + ".customer_id",
        expected: "(string & Format<\"uuid\"> & BareUuid & NotNilUuid)",
        value: input.customer_id
    }), "string" === typeof input.customer_name && (1 <= input.customer_name.length || _report(_exceptionable, {
        path: _path + ".customer_name",
        expected: "string & MinLength<1>",
        value: input.customer_name
    })) && (input.customer_name.length <= 200 || _report(_exceptionable, {
        path: _path + ".customer_name",
        expected: "string & MaxLength<200>",
        value: input.customer_name
    })) && (/^(?=[\s\S]*\S)(?:[^\u0000-\u001F\u007F-\u009F\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])+$/.test(input.customer_name) || _report(_exceptionable, {
        path: _path + ".customer_name",
        expected: "string & FastPattern<\"^(?=[\\\\s\\\\S]*\\\\S)(?:[^\\\\u0000-\\\\u001F\\\\u007F-\\\\u009F\\\\uD800-\\\\uDFFF]|[\\\\uD800-\\\\uDBFF][\\\\uDC00-\\\\uDFFF])+$\">",
        value: input.customer_name
    })) || _report(_exceptionable, {
        path: _path + ".customer_name",
        expected: "(string & MinLength<1> & MaxLength<200> & FastPattern<\"^(?=[\\\\s\\\\S]*\\\\S)(?:[^\\\\u0000-\\\\u001F\\\\u007F-\\\\u009F\\\\uD800-\\\\uDFFF]|[\\\\uD800-\\\\uDBFF][\\\\uDC00-\\\\uDFFF])+$\">)",
        value: input.customer_name
    }), "string" === typeof input.customer_slug && (input.customer_slug.length <= 200 || _report(_exceptionable, {
        path: _path + ".customer_slug",
        expected: "string & MaxLength<200>",
        value: input.customer_slug
    })) && (/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(input.customer_slug) || _report(_exceptionable, {
        path: _path + ".customer_slug",
        expected: "string & FastPattern<\"^[a-z0-9]+(?:-[a-z0-9]+)*$\">",
        value: input.customer_slug
    })) || _report(_exceptionable, {
        path: _path + ".customer_slug",
        expected: "(string & MaxLength<200> & FastPattern<\"^[a-z0-9]+(?:-[a-z0-9]+)*$\">)",
        value: input.customer_slug
    })].every((flag: boolean) => flag); const __is = (input: any): input is ValidatedOrderQuery => "object" === typeof input && null !== input && _io0(input); let errors: any; let _report: any; return __typia_transform__createStandardSchema._createStandardSchema((input: any): import("typia").IValidation<ValidatedOrderQuery> => {
    if (false === __is(input)) {
        errors = [];
        _report = (__typia_transform__validateReport._validateReport as any)(errors);
        ((input: any, _path: string, _exceptionable: boolean = true) => ("object" === typeof input && null !== input || _report(true, {
            path: _path + "",
            expected: "ValidatedOrderQuery",
            value: input
        })) && _vo0(input, _path + "", true) || _report(true, {
            path: _path + "",
            expected: "ValidatedOrderQuery",
            value: input
        }))(input, "$input", true);
        const success = 0 === errors.length;
        return success ? {
            success,
            data: input
        } : {
            success,
            errors,
            data: input
        } as any;
    }
    return {
        success: true,
        data: input
    } as any;
}); })();
