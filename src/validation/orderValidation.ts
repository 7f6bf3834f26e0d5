/**
 * Validating an order's values (an array in the order of the parameter table)
 * with the generated typia validator, and the one message per parameter that
 * the GET query parser and the batch body reader both report.
 */
import { ORDER_PARAMETERS, PARAMETER_COUNT } from './orderParameters.js';
import { validateOrderValues } from './generated/orderValidator.js';

export { validateOrderValues };

/** Longest `value` echoed back in a problem. */
const MAX_ECHOED_VALUE_LENGTH = 100;

/** typia's error path for slot i of the values: "$input[3]". */
const SLOT_PATH = /^\$input\[(\d+)\]$/;

/**
 * typia's `expected` strings of a failed validation, grouped by slot: what
 * each refused parameter failed on (undefined for those it accepted).
 */
export function expectedBySlot(errors: readonly { path: string; expected: string }[]): (string[] | undefined)[] {
  const grouped: (string[] | undefined)[] = [];
  for (const error of errors) {
    const match = SLOT_PATH.exec(error.path);
    const index = match === null ? -1 : Number(match[1]);
    if (index < 0 || index >= PARAMETER_COUNT) continue;
    (grouped[index] ??= []).push(error.expected);
  }
  return grouped;
}

/** The message for the parameter in slot `index` that typia refused, given typia's `expected` strings for it. */
export function detailFor(index: number, expected: readonly string[]): string {
  const entry = ORDER_PARAMETERS[index]!;
  const byTag: Readonly<Record<string, string>> | undefined = 'byTag' in entry ? entry.byTag : undefined;
  if (byTag !== undefined) {
    for (const [tag, message] of Object.entries(byTag)) {
      // A failing single tag is reported as "string & Tag" or "string & Tag<...>";
      // composite descriptions start with "(" and never match.
      const prefix = `string & ${tag}`;
      for (const e of expected) {
        if (e === prefix || e.startsWith(`${prefix}<`)) return message;
      }
    }
  }
  return entry.invalid;
}

/** The message for a parameter given more than once. */
export function duplicateDetail(name: string, count: number): string {
  return `${name} is given ${count} times (expected once)`;
}

/** The message for a missing parameter. */
export function requiredDetail(name: string): string {
  return `${name} is required`;
}

/** At most MAX_ECHOED_VALUE_LENGTH UTF-16 units, without splitting a surrogate pair. */
export function truncate(value: string): string {
  if (value.length <= MAX_ECHOED_VALUE_LENGTH) return value;
  let end = MAX_ECHOED_VALUE_LENGTH;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return value.slice(0, end);
}
