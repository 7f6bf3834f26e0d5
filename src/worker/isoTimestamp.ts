/**
 * `new Date(ms).toISOString()` without a Date and a full format per call: the
 * text up to the seconds is built once per second, and the milliseconds come
 * from a table. The hot path stamps every answer with its issue time; at tens
 * of thousands of answers per second almost all of them fall in the second
 * already cached. Same output as toISOString for every ms it accepts.
 */

/** "000Z" .. "999Z". */
const MILLISECOND_SUFFIXES = Array.from({ length: 1000 }, (_, ms) => `${String(ms).padStart(3, '0')}Z`);

let cachedSecondStartMs = Number.NaN;
/** toISOString of cachedSecondStartMs without its trailing "000Z", e.g. "2026-11-25T16:33:52.". */
let cachedPrefix = '';

/** The ISO 8601 UTC text of a Unix time in whole milliseconds (as Date.now() gives, not negative). */
export function isoTimestamp(ms: number): string {
  const millisecond = ms % 1000;
  const secondStartMs = ms - millisecond;
  if (secondStartMs !== cachedSecondStartMs) {
    const iso = new Date(secondStartMs).toISOString();
    cachedPrefix = iso.slice(0, iso.length - 4);
    cachedSecondStartMs = secondStartMs;
  }
  return cachedPrefix + MILLISECOND_SUFFIXES[millisecond]!;
}
