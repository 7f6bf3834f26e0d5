/**
 * Checking an order: what a request carried for each of the table's
 * parameters (read by the GET query parser or the batch body reader) becomes
 * the order's values, or one problem per offending parameter, with the same
 * messages on either route. Defaults fill the optional parameters left out;
 * the generated typia validator checks the rules.
 */
import type { OrderValues } from './orderParameters.js';
import { DEFAULTS, ORDER_PARAMETERS, PARAMETER_COUNT } from './orderParameters.js';
import { validateOrderValues } from './generated/orderValidator.js';

/** What a request carried for an order, slot by slot (slots in table order). */
export interface CarriedOrder {
  /** How many times each parameter was given. */
  counts: readonly number[];
  /** The value of each parameter given once (overwritten: defaults filled, the others cleared). */
  values: unknown[];
  /** Why a value was refused before the rules (bad encoding, a wrong JSON type), per slot. */
  refused?: readonly (string | undefined)[] | undefined;
  /** The value a problem echoes, per slot, where it is not `values`' (the value before a repair, a JSON number's text). */
  echoed?: readonly (string | undefined)[] | undefined;
}

/** A problem of one parameter: its slot, what is wrong, and the value as received (at most 100 characters). */
interface SlotProblem {
  slot: number;
  detail: string;
  value?: string;
}

export type OrderCheck = { ok: true; values: OrderValues } | { ok: false; problems: SlotProblem[] };

/**
 * The order's values, or every problem at once in table order: a required
 * parameter missing, any parameter given more than once, refused before the
 * rules, or breaking them. Total: never throws.
 */
export function checkOrder(carried: CarriedOrder): OrderCheck {
  const { counts, values, refused } = carried;
  for (let index = 0; index < PARAMETER_COUNT; index++) {
    const count = counts[index];
    if (count === 0) values[index] = DEFAULTS[index];
    else if (count !== 1 || refused?.[index] !== undefined) values[index] = undefined;
  }
  const validation = validateOrderValues(values);
  if (validation.success) return { ok: true, values: validation.data };

  const expectedByIndex = expectedBySlot(validation.errors);
  const problems: SlotProblem[] = [];
  for (let index = 0; index < PARAMETER_COUNT; index++) {
    const { name } = ORDER_PARAMETERS[index]!;
    const count = counts[index]!;
    const refusal = refused?.[index];
    const expected = expectedByIndex[index];
    const value = carried.echoed?.[index] ?? values[index];
    const echo = typeof value === 'string' ? { value: truncate(value) } : {};
    if (count === 0 && DEFAULTS[index] === undefined) problems.push({ slot: index, detail: requiredDetail(name) });
    else if (count > 1) problems.push({ slot: index, detail: duplicateDetail(name, count) });
    else if (refusal !== undefined) problems.push({ slot: index, detail: refusal, ...echo });
    else if (expected !== undefined) problems.push({ slot: index, detail: detailFor(index, expected), ...echo });
  }
  return { ok: false, problems };
}

/** Longest `value` echoed back in a problem. */
const MAX_ECHOED_VALUE_LENGTH = 100;

/** typia's error path for slot i of the values: "$input[3]". */
const SLOT_PATH = /^\$input\[(\d+)\]$/;

/**
 * typia's `expected` strings of a failed validation, grouped by slot: what
 * each refused parameter failed on (undefined for those it accepted).
 */
function expectedBySlot(errors: readonly { path: string; expected: string }[]): (string[] | undefined)[] {
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
function detailFor(index: number, expected: readonly string[]): string {
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

/** At most `length` UTF-16 units (MAX_ECHOED_VALUE_LENGTH unless given), without splitting a surrogate pair. */
export function truncate(value: string, length = MAX_ECHOED_VALUE_LENGTH): string {
  if (value.length <= length) return value;
  let end = length;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return value.slice(0, end);
}
