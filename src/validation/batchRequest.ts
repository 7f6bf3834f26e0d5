/**
 * Reading a batch request (the JSON body of `POST /tracking-numbers`):
 * `{"orders": [{...the order's parameters..., "parcels": 3}, ...]}`.
 *
 * Each order goes through the same typia validator, with the same messages,
 * as the GET query (orderValidation.ts); the problems of the whole body are
 * reported at once, each located with a JSON Pointer (`/orders/3/weight`),
 * the first MAX_LISTED_PROBLEMS of them listed and the others counted.
 *
 * The body is read as it is walked (json.ts's pull reader), order by order:
 * reading stops at the first order past BATCH_LIMITS.maxOrders, before it is
 * read, and after the order that takes the numbers past
 * BATCH_LIMITS.maxNumbers; what follows is not read, so the work a body costs
 * is bounded by the limits, not by what it holds. Values the request does not
 * use (unknown members, values of the wrong JSON type) are checked as JSON but
 * not built.
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
import { pointerToken, readJson, type JsonReader } from './json.js';
import { ORDER_PARAMETERS, parameterIndex, type OrderValues } from './orderParameters.js';
import { checkOrder, duplicateDetail, requiredDetail, truncate } from './orderValidation.js';
import { isParcels } from './generated/parcelsValidator.js';
import { ProblemList } from './problemList.js';

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
  /** RFC 6901 JSON Pointer to the offending value in the body ("" for the body itself; a member whose name is over 100 characters is located at its object). */
  pointer: string;
  /** What is wrong and what is expected, for humans. */
  detail: string;
  /** The value as received, at most 100 characters: a JSON string's content, or a JSON number's text as written, as a string (0 gives "0", 12.50 gives "12.50"); absent for other types. */
  value?: string & tags.MaxLength<100>;
}

interface BatchOrder {
  values: OrderValues;
  parcels: number;
}

export type BatchRequestResult =
  | { ok: true; orders: BatchOrder[]; numbers: number }
  /** Problems: the first MAX_LISTED_PROBLEMS of them, and how many more were found. */
  | { ok: false; problems: BodyProblem[]; notListed: number }
  /** Not JSON: where and why. */
  | { ok: false; syntax: { offset: number; message: string } };

const PARCELS = 'parcels';
const MEMBERS = [...ORDER_PARAMETERS.map((entry) => entry.name), PARCELS].join(', ');
const PARCELS_DETAIL = `parcels must be a whole number from 1 to ${BATCH_LIMITS.maxNumbers} (a JSON number; default 1)`;
const ORDERS_DETAIL = `orders must be an array of 1 to ${BATCH_LIMITS.maxOrders} orders`;
const NOT_AN_OBJECT = 'the body must be a JSON object: {"orders": [...]}';
/** Longest member name put in a pointer; a longer one is located at its object. */
const MAX_POINTED_NAME_LENGTH = 100;
/** Slots whose parameter may be a JSON number. */
const JSON_NUMBER = ORDER_PARAMETERS.map((entry) => 'jsonNumber' in entry && entry.jsonNumber);
const NO_VALUES: readonly undefined[] = ORDER_PARAMETERS.map(() => undefined);
const NO_COUNTS: readonly number[] = ORDER_PARAMETERS.map(() => 0);

/** Nesting of what is read: the body, a member of it (orders), an order, a member of an order. */
const BODY = 0;
const BODY_MEMBER = 1;
const ORDER = 2;
const ORDER_MEMBER = 3;

function problem(pointer: string, detail: string, value?: string): BodyProblem {
  return value === undefined ? { pointer, detail } : { pointer, detail, value: truncate(value) };
}

/** A member the request does not have, in the object at `pointer`, which has `members`. */
function unknownMember(pointer: string, name: string, members: string): BodyProblem {
  if (name.length <= MAX_POINTED_NAME_LENGTH) {
    return problem(`${pointer}/${pointerToken(name)}`, `unknown member ${JSON.stringify(name)} (${members})`);
  }
  return problem(
    pointer,
    `unknown member ${JSON.stringify(truncate(name))}... of ${name.length} characters (${members})`,
  );
}

/** Reads and validates a body, decoded from UTF-8. Total: never throws. */
export function readBatchRequest(text: string): BatchRequestResult {
  const read = readJson(text, readBody);
  return read.ok ? read.value : { ok: false, syntax: { offset: read.offset, message: read.message } };
}

function invalid(problems: ProblemList<BodyProblem>): BatchRequestResult {
  return { ok: false, problems: problems.listed, notListed: problems.notListed };
}

function readBody(reader: JsonReader): BatchRequestResult {
  if (reader.peek() !== 'object') {
    reader.skip(BODY);
    reader.end();
    return invalid(ProblemList.join([problem('', NOT_AN_OBJECT)]));
  }
  /** Members the request does not have. */
  const unknown = new ProblemList<BodyProblem>();
  const orderProblems = new ProblemList<BodyProblem>();
  let ordersCount = 0;
  let orders: OrdersRead | undefined;
  if (reader.openObject(BODY)) {
    do {
      const name = reader.memberName();
      if (name === 'orders' && ordersCount++ === 0) {
        orders = readOrders(reader, orderProblems);
        // Past a limit: the rest is not read.
        if (orders.stopped !== undefined) return invalid(ProblemList.join([orders.stopped], unknown, orderProblems));
      } else {
        if (name !== 'orders') {
          if (unknown.room) unknown.add(unknownMember('', name, 'a request has orders'));
          else unknown.skip();
        }
        reader.skip(BODY_MEMBER);
      }
    } while (reader.nextMember());
  }
  reader.end();

  if (ordersCount === 0) return invalid(ProblemList.join([problem('/orders', requiredDetail('orders'))], unknown));
  // Two lists of orders: which one was meant? Their orders' problems are left out.
  if (ordersCount > 1) {
    return invalid(ProblemList.join([problem('/orders', duplicateDetail('orders', ordersCount))], unknown));
  }
  if (orders === undefined || orders.orders.length + orders.invalid === 0) {
    return invalid(ProblemList.join([problem('/orders', ORDERS_DETAIL)], unknown));
  }
  const problems = ProblemList.join([], unknown, orderProblems);
  if (problems.size > 0) return invalid(problems);
  return { ok: true, orders: orders.orders, numbers: orders.numbers };
}

interface OrdersRead {
  /** The valid orders. */
  orders: BatchOrder[];
  /** How many orders were invalid. */
  invalid: number;
  /** Numbers asked for, by the orders whose parcels are valid. */
  numbers: number;
  /** Reading stopped at a limit: the problem. */
  stopped?: BodyProblem;
}

/** The value of `orders`: the orders, read one by one until a limit stops the reading. */
function readOrders(reader: JsonReader, problems: ProblemList<BodyProblem>): OrdersRead {
  const read: OrdersRead = { orders: [], invalid: 0, numbers: 0 };
  if (reader.peek() !== 'array') {
    reader.skip(BODY_MEMBER);
    return read;
  }
  if (!reader.openArray(BODY_MEMBER)) return read;
  let index = 0;
  do {
    if (index === BATCH_LIMITS.maxOrders) {
      read.stopped = problem(
        '/orders',
        `${ORDERS_DETAIL}; this one has more (reading stopped at /orders/${index}): split it into several requests`,
      );
      return read;
    }
    const { order, parcels } = readOrder(reader, index, problems);
    if (order === undefined) read.invalid += 1;
    else read.orders.push(order);
    read.numbers += parcels;
    if (read.numbers > BATCH_LIMITS.maxNumbers) {
      read.stopped = problem(
        '/orders',
        `the orders ask for more than ${BATCH_LIMITS.maxNumbers} numbers in all (${read.numbers} up to /orders/${index}, where reading stopped): split them into several requests`,
      );
      return read;
    }
    index += 1;
  } while (reader.nextElement());
  return read;
}

/**
 * One order: its values and parcels when valid, else undefined with its
 * problems added; and the numbers it asks for (its parcels, 1 by default, 0
 * when they are not valid), which count against the limit even when the rest
 * of the order is invalid.
 */
function readOrder(
  reader: JsonReader,
  index: number,
  problems: ProblemList<BodyProblem>,
): { order: BatchOrder | undefined; parcels: number } {
  const pointer = `/orders/${index}`;
  if (reader.peek() !== 'object') {
    reader.skip(ORDER);
    problems.add(problem(pointer, `each order must be a JSON object with the members ${MEMBERS}`));
    return { order: undefined, parcels: 0 };
  }
  const values: unknown[] = NO_VALUES.slice();
  const counts = NO_COUNTS.slice();
  // A value of another JSON type than the parameter takes: refused before the rules, echoed if a number.
  let refused: string[] | undefined;
  let echoed: (string | undefined)[] | undefined;
  let parcelsCount = 0;
  /** The parcels as a number (NaN when not a JSON number), and as echoed. */
  let parcels = Number.NaN;
  let parcelsEcho: string | undefined;
  let unknown: ProblemList<BodyProblem> | undefined;
  if (reader.openObject(ORDER)) {
    do {
      const name = reader.memberName();
      const kind = reader.peek();
      const slot = parameterIndex(name);
      if (slot >= 0) {
        counts[slot]! += 1;
        if (kind === 'string') values[slot] = reader.string();
        else if (kind === 'number' && JSON_NUMBER[slot]) values[slot] = reader.number();
        else {
          const types = JSON_NUMBER[slot] ? 'a JSON string or number' : 'a JSON string';
          (refused ??= [])[slot] = `${ORDER_PARAMETERS[slot]!.invalid}; it must be ${types}`;
          (echoed ??= [])[slot] = kind === 'number' ? truncate(reader.number()) : undefined;
          if (kind !== 'number') reader.skip(ORDER_MEMBER);
        }
      } else if (name === PARCELS) {
        parcelsCount += 1;
        parcelsEcho = undefined;
        parcels = Number.NaN;
        if (kind === 'number') {
          parcelsEcho = reader.number();
          parcels = Number(parcelsEcho);
        } else if (kind === 'string') parcelsEcho = reader.string();
        else reader.skip(ORDER_MEMBER);
      } else {
        unknown ??= new ProblemList();
        if (unknown.room) unknown.add(unknownMember(pointer, name, `an order has ${MEMBERS}`));
        else unknown.skip();
        reader.skip(ORDER_MEMBER);
      }
    } while (reader.nextMember());
  }
  const checked = checkOrder({ counts, values, refused, echoed });
  const parcelsValid = parcelsCount === 0 || (parcelsCount === 1 && isParcels(parcels));
  const numbers = parcelsCount === 0 ? 1 : parcelsValid ? parcels : 0;
  if (checked.ok && parcelsValid && unknown === undefined) {
    return { order: { values: checked.values, parcels: numbers }, parcels: numbers };
  }

  const before = problems.size;
  if (!checked.ok) {
    for (const { slot, ...found } of checked.problems) {
      // A full list only counts: no pointer is built for a problem not listed.
      if (problems.room) problems.add({ pointer: `${pointer}/${ORDER_PARAMETERS[slot]!.name}`, ...found });
      else problems.skip();
    }
  }
  if (parcelsCount > 1) problems.add(problem(`${pointer}/${PARCELS}`, duplicateDetail(PARCELS, parcelsCount)));
  else if (!parcelsValid) problems.add(problem(`${pointer}/${PARCELS}`, PARCELS_DETAIL, parcelsEcho));
  if (unknown !== undefined) {
    for (const found of unknown.listed) problems.add(found);
    problems.skip(unknown.notListed);
  }
  // Never silent: an order that failed always leaves a problem, or the request would pass without it.
  if (problems.size === before) problems.add(problem(pointer, 'the order is invalid'));
  return { order: undefined, parcels: numbers };
}
