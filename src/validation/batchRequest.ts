/**
 * Reading a batch request (the JSON body of `POST /tracking-numbers`):
 * `{"orders": [{...the order's parameters..., "parcels": 3}, ...]}`.
 *
 * Each order goes through the same typia validator, with the same messages,
 * as the GET query (orderValidation.ts); every problem of the whole body is
 * reported at once, each located with a JSON Pointer (`/orders/3/weight`).
 *
 * JSON types: every parameter is a JSON string; a parameter marked
 * `jsonNumber` in the table (weight) may also be a JSON number, read as
 * written (1.234 and "1.234" are the same; 1.234e0 is refused, as "1.234e0"
 * is). `parcels` is a JSON number, a whole number from 1 to
 * BATCH_LIMITS.maxNumbers (1, 1.0 and 1e0 are all one), default 1. A member
 * given twice, a member the request does not have and a value of another
 * JSON type are refused, each at its pointer.
 */
import type { tags } from 'typia';
import { JsonNumber, JsonObject, pointerToken, type JsonValue } from './json.js';
import { ORDER_PARAMETERS, parameterIndex, type OrderValues } from './orderParameters.js';
import { checkOrder, duplicateDetail, requiredDetail, truncate } from './orderValidation.js';
import { isParcels } from './generated/parcelsValidator.js';

export const BATCH_LIMITS = {
  /** Orders in one request. */
  maxOrders: 1000,
  /** Numbers in one request, all orders together (also the most parcels of one order). */
  maxNumbers: 10_000,
  /** Bytes of a request body, checked while it arrives. */
  maxBodyBytes: 1024 * 1024,
  /**
   * The whole body must have arrived within this time of the request head.
   * uWebSockets.js itself drops a connection whose request is still incomplete
   * 8 to 12 s after it began (measured: a byte a second does not extend it),
   * without a word; this answers 408 before that can happen.
   */
  bodyTimeoutMs: 6_000,
} as const;

/** How many numbers an order asks for: one per parcel. */
export type Parcels = number & tags.Type<'uint32'> & tags.Minimum<1> & tags.Maximum<typeof BATCH_LIMITS.maxNumbers>;

export interface BodyProblem {
  /** RFC 6901 JSON Pointer to the offending value in the body ("" for the body itself). */
  pointer: string;
  /** What is wrong and what is expected, for humans. */
  detail: string;
  /** The value as received, when it is a string or a number (a number as written), at most 100 characters. */
  value?: string;
}

interface BatchOrder {
  values: OrderValues;
  parcels: number;
}

export type BatchRequestResult =
  { ok: true; orders: BatchOrder[]; numbers: number } | { ok: false; problems: BodyProblem[] };

const PARCELS = 'parcels';
const MEMBERS = [...ORDER_PARAMETERS.map((entry) => entry.name), PARCELS].join(', ');
const PARCELS_DETAIL = `parcels must be a whole number from 1 to ${BATCH_LIMITS.maxNumbers} (a JSON number; default 1)`;
const ORDERS_DETAIL = `orders must be an array of 1 to ${BATCH_LIMITS.maxOrders} orders`;
/** Slots whose parameter may be a JSON number. */
const JSON_NUMBER = ORDER_PARAMETERS.map((entry) => 'jsonNumber' in entry && entry.jsonNumber);
const NO_VALUES: readonly undefined[] = ORDER_PARAMETERS.map(() => undefined);
const NO_COUNTS: readonly number[] = ORDER_PARAMETERS.map(() => 0);

/** The value as a problem echoes it: strings and numbers' text, truncated; nothing for other types. */
function echo(value: JsonValue): string | undefined {
  if (typeof value === 'string') return truncate(value);
  if (value instanceof JsonNumber) return truncate(value.text);
  return undefined;
}

function problem(pointer: string, detail: string, value?: JsonValue): BodyProblem {
  const echoed = value === undefined ? undefined : echo(value);
  return echoed === undefined ? { pointer, detail } : { pointer, detail, value: echoed };
}

/** Reads and validates a parsed body. Total: never throws. */
export function readBatchRequest(body: JsonValue): BatchRequestResult {
  if (!(body instanceof JsonObject)) {
    return { ok: false, problems: [problem('', 'the body must be a JSON object: {"orders": [...]}')] };
  }
  const problems: BodyProblem[] = [];
  let orders: JsonValue | undefined;
  let ordersCount = 0;
  body.names.forEach((name, index) => {
    if (name === 'orders') {
      ordersCount += 1;
      orders = body.values[index];
    } else {
      problems.push(problem(`/${pointerToken(name)}`, `unknown member ${JSON.stringify(name)} (a request has orders)`));
    }
  });
  if (ordersCount === 0) problems.unshift(problem('/orders', requiredDetail('orders')));
  if (ordersCount > 1) problems.unshift(problem('/orders', duplicateDetail('orders', ordersCount)));
  if (ordersCount !== 1) return { ok: false, problems };
  if (!Array.isArray(orders) || orders.length === 0)
    return { ok: false, problems: [problem('/orders', ORDERS_DETAIL)] };

  const limitProblems: BodyProblem[] = [];
  if (orders.length > BATCH_LIMITS.maxOrders) {
    limitProblems.push(
      problem('/orders', `${ORDERS_DETAIL}; this request has ${orders.length}: split it into several requests`),
    );
  }
  const read: BatchOrder[] = [];
  let numbers = 0;
  orders.forEach((order, index) => {
    const result = readOrder(order, `/orders/${index}`, problems);
    if (result === undefined) return;
    read.push(result);
    numbers += result.parcels;
  });
  if (numbers > BATCH_LIMITS.maxNumbers) {
    limitProblems.push(
      problem(
        '/orders',
        `the orders ask for ${numbers} numbers in all; at most ${BATCH_LIMITS.maxNumbers} per request: split it into several requests`,
      ),
    );
  }
  problems.unshift(...limitProblems);
  return problems.length === 0 ? { ok: true, orders: read, numbers } : { ok: false, problems };
}

/** One order: its values and parcels when valid, else undefined with its problems added. */
function readOrder(order: JsonValue, pointer: string, problems: BodyProblem[]): BatchOrder | undefined {
  if (!(order instanceof JsonObject)) {
    problems.push(problem(pointer, `each order must be a JSON object with the members ${MEMBERS}`));
    return undefined;
  }
  const values: unknown[] = NO_VALUES.slice();
  const counts = NO_COUNTS.slice();
  // A value of another JSON type than the parameter takes: refused before the rules, echoed if a number.
  let refused: string[] | undefined;
  let echoed: (string | undefined)[] | undefined;
  let parcels: JsonValue | undefined;
  let parcelsCount = 0;
  const unknown: BodyProblem[] = [];
  const { names } = order;
  for (let member = 0; member < names.length; member++) {
    const name = names[member]!;
    const value = order.values[member]!;
    const index = parameterIndex(name);
    if (index >= 0) {
      counts[index]! += 1;
      if (typeof value === 'string') values[index] = value;
      else if (value instanceof JsonNumber && JSON_NUMBER[index]) values[index] = value.text;
      else {
        const types = JSON_NUMBER[index] ? 'a JSON string or number' : 'a JSON string';
        (refused ??= [])[index] = `${ORDER_PARAMETERS[index]!.invalid}; it must be ${types}`;
        (echoed ??= [])[index] = echo(value);
      }
    } else if (name === PARCELS) {
      parcelsCount += 1;
      parcels = value;
    } else {
      unknown.push(
        problem(`${pointer}/${pointerToken(name)}`, `unknown member ${JSON.stringify(name)} (an order has ${MEMBERS})`),
      );
    }
  }
  const checked = checkOrder({ counts, values, refused, echoed });
  const parcelCount = parcels instanceof JsonNumber ? Number(parcels.text) : Number.NaN;
  const parcelsValid = parcelsCount === 0 || (parcelsCount === 1 && isParcels(parcelCount));
  if (checked.ok && parcelsValid && unknown.length === 0) {
    return { values: checked.values, parcels: parcelsCount === 0 ? 1 : parcelCount };
  }

  const before = problems.length;
  if (!checked.ok) {
    for (const { slot, ...found } of checked.problems) {
      problems.push({ pointer: `${pointer}/${ORDER_PARAMETERS[slot]!.name}`, ...found });
    }
  }
  if (parcelsCount > 1) problems.push(problem(`${pointer}/${PARCELS}`, duplicateDetail(PARCELS, parcelsCount)));
  else if (!parcelsValid) problems.push(problem(`${pointer}/${PARCELS}`, PARCELS_DETAIL, parcels));
  problems.push(...unknown);
  // Never silent: an order that failed always leaves a problem, or the request would pass without it.
  if (problems.length === before) problems.push(problem(pointer, 'the order is invalid'));
  return undefined;
}
