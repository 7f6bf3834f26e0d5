/**
 * The client's timing rules, pure: how long a `Retry-After` asks to wait, and
 * the jittered back-off between rounds over the base URLs. Nothing here reads
 * a clock or draws a random number itself: callers pass them in.
 */

/** Full jitter: a round's pause is drawn uniformly from [0, min(maxMs, baseMs * 2^(round - 1))). */
export interface Backoff {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Past 2^30 the cap has long been reached: it keeps 2 ** n finite and baseMs 0 from making NaN. */
const MAX_DOUBLINGS = 30;

/**
 * The pause before round `round` (1 is the first retry round; round 0, the
 * first try, has none), given `random` in [0, 1). "Full jitter": clients that
 * failed together do not come back together.
 */
export function backoffDelay(round: number, backoff: Backoff, random: () => number): number {
  if (!(round >= 1)) return 0;
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(round - 1, MAX_DOUBLINGS));
  const fraction = random();
  if (!(ceiling > 0) || !(fraction > 0)) return 0;
  return Math.floor(Math.min(fraction, 1) * ceiling);
}

const DAYS = 'Mon|Tue|Wed|Thu|Fri|Sat|Sun';
const LONG_DAYS = 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = MONTHS.join('|');
const TIME = '(\\d\\d):(\\d\\d):(\\d\\d)';
/** RFC 9110 section 5.6.7: `Sun, 06 Nov 1994 08:49:37 GMT`, what every sender must send. */
const IMF_FIXDATE = new RegExp(`^(?:${DAYS}), (\\d\\d) (${MONTH}) (\\d{4}) ${TIME} GMT$`);
/** Obsolete, still to be accepted: `Sunday, 06-Nov-94 08:49:37 GMT`. */
const RFC850_DATE = new RegExp(`^(?:${LONG_DAYS}), (\\d\\d)-(${MONTH})-(\\d\\d) ${TIME} GMT$`);
/** Obsolete, still to be accepted: `Sun Nov  6 08:49:37 1994` (C's asctime). */
const ASCTIME_DATE = new RegExp(`^(?:${DAYS}) (${MONTH}) ([ \\d]\\d) ${TIME} (\\d{4})$`);

/**
 * An HTTP-date (RFC 9110 section 5.6.7, all three formats) as milliseconds
 * since the epoch, or undefined when it is not one: a day the month does not
 * have, an hour past 23 and every other format (ISO 8601, a bare number) are
 * refused, where Date.parse would guess. The weekday is not checked against
 * the date. A two-digit year more than 50 years ahead of `nowMs` is read as
 * the last such year in the past, as the RFC says.
 */
function parseHttpDate(value: string, nowMs: number): number | undefined {
  let fields: (string | undefined)[];
  let match: RegExpExecArray | null;
  let twoDigitYear = false;
  if ((match = IMF_FIXDATE.exec(value)) !== null) {
    const [, day, month, year, hour, minute, second] = match;
    fields = [year, month, day, hour, minute, second];
  } else if ((match = RFC850_DATE.exec(value)) !== null) {
    const [, day, month, year, hour, minute, second] = match;
    fields = [year, month, day, hour, minute, second];
    twoDigitYear = true;
  } else if ((match = ASCTIME_DATE.exec(value)) !== null) {
    const [, month, day, hour, minute, second, year] = match;
    fields = [year, month, day, hour, minute, second];
  } else {
    return undefined;
  }
  const [yearText = '', month = '', dayText = '', ...clock] = fields;
  const [day, hour, minute, second] = [dayText.trim(), ...clock].map(Number) as [number, number, number, number];
  if (day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  const monthIndex = MONTHS.indexOf(month);
  let year = Number(yearText);
  if (twoDigitYear) year += Math.floor(new Date(nowMs).getUTCFullYear() / 100) * 100;
  // setUTCFullYear, not Date.UTC, which reads years 0..99 as 1900..1999.
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  // 31 Apr rolls over to 1 May: a day the month lacks shows as another month.
  if (date.getUTCMonth() !== monthIndex) return undefined;
  // Second 60 is in the grammar (a leap second): it carries into the next minute.
  date.setUTCHours(hour, minute, second, 0);
  if (twoDigitYear) {
    // "Appears to be more than 50 years in the future": the most recent such year in the past.
    const limit = new Date(nowMs);
    limit.setUTCFullYear(limit.getUTCFullYear() + 50);
    if (date.getTime() > limit.getTime()) date.setUTCFullYear(year - 100);
  }
  return date.getTime();
}

/**
 * How long a `Retry-After` header (RFC 9110 section 10.2.3) asks to wait, in
 * milliseconds: delay-seconds (digits only) or an HTTP-date, taken relative to
 * `nowMs` (a date in the past: 0). Undefined when absent or malformed
 * (negative, fractional, an ISO date, text): the caller then falls back to
 * its own back-off. A huge value is returned as it is (Infinity past what a
 * double holds): the caller's deadline decides.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = parseHttpDate(trimmed, nowMs);
  return date === undefined ? undefined : Math.max(0, date - nowMs);
}
