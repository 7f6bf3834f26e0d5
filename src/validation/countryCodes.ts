/**
 * ISO 3166-1 alpha-2 codes that are *officially assigned* (249 codes, ISO 3166
 * Maintenance Agency; the same set as Debian's iso-codes 4.15 and tzdata's
 * iso3166.tab, which the unit tests do not depend on but which were used to
 * check this list).
 *
 * Deliberately NOT included:
 * - XK (Kosovo): a *user-assigned* code (the XA-XZ range is reserved for users),
 *   widely used but not officially assigned by ISO.
 * - UK: exceptionally reserved (for the United Kingdom's request); the assigned
 *   code is GB.
 * - EU, UN, EZ...: exceptionally reserved, not countries.
 * - AA, QM-QZ, XA-XZ, ZZ: user-assigned ranges.
 * - Transitional / deleted codes (AN, CS, YU, ...).
 *
 * This is the single hand-written copy of the list: the `CountryCode` type is
 * derived from it, and the typia template imports that type, so typia inlines the
 * union into the generated validator at generate time.
 */
export const ASSIGNED_COUNTRY_CODES = [
  "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
  "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ",
  "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ",
  "DE", "DJ", "DK", "DM", "DO", "DZ",
  "EC", "EE", "EG", "EH", "ER", "ES", "ET",
  "FI", "FJ", "FK", "FM", "FO", "FR",
  "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY",
  "HK", "HM", "HN", "HR", "HT", "HU",
  "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT",
  "JE", "JM", "JO", "JP",
  "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ",
  "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY",
  "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ",
  "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
  "OM",
  "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY",
  "QA",
  "RE", "RO", "RS", "RU", "RW",
  "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ",
  "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ",
  "UA", "UG", "UM", "US", "UY", "UZ",
  "VA", "VC", "VE", "VG", "VI", "VN", "VU",
  "WF", "WS",
  "YE", "YT",
  "ZA", "ZM", "ZW",
] as const;

/** One of the 249 officially assigned ISO 3166-1 alpha-2 codes (upper case). */
export type CountryCode = (typeof ASSIGNED_COUNTRY_CODES)[number];
