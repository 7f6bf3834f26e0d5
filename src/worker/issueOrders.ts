/**
 * Issuing numbers: the one path of both issuing routes, for one order or a
 * thousand. The GET and batch handlers only read their request and hand it
 * over; an order-level rule lands here, once.
 *
 *   1. the request as read: its orders, or every problem (400);
 *   2. draw the numbers from the shared clock, all or none (503 when this
 *      instance cannot issue now);
 *   3. encode them (the opaque format encrypts; a batch in one FF1 call);
 *   4. count them, and answer in the route's shape.
 */
import type { Allocation, Run } from '../core/allocator.js';
import { isDrawnNumberIssuable, NOT_ISSUING_REASONS, notIssuingReason } from '../core/issuing.js';
import { secondOf } from '../core/layout.js';
import { indexOf, type OrderValues } from '../validation/orderParameters.js';
import { monotonicMs } from '../core/monotonicClock.js';
import { listProblems } from '../validation/problemList.js';
import { NO_CLIENT, type RouteContext } from './context.js';
import { isoTimestamp } from './isoTimestamp.js';
import type { HttpResponse } from './uws.js';

/** An order to issue numbers for: its values, valid, and how many numbers (one per parcel). */
interface OrderToIssue {
  readonly values: OrderValues;
  readonly parcels: number;
}

/**
 * A request as its route read it: the orders and their total of numbers, or
 * what is wrong with it (and how many more problems the reader found and did
 * not keep).
 */
export type ReadOrders<Problem> =
  | { ok: true; orders: readonly OrderToIssue[]; numbers: number }
  | { ok: false; problems: readonly Problem[]; notListed?: number };

/** What differs between the issuing routes: how problems are reported, and the shape of the answer. */
export interface IssuingRoute<Problem> {
  /** The code of a request that breaks the rules. */
  readonly invalid: 'INVALID_PARAMETERS' | 'INVALID_BODY';
  /** A problem's parameter, for /metrics: its slot in the table, or -1. */
  slotOf(problem: Problem): number;
  /** The problem in a few words, for the answer's `detail`. */
  describe(problem: Problem): string;
  /** Counts the numbers issued. */
  count(context: RouteContext, numbers: number): void;
  /** The answer's body: the numbers in the order of the orders and their parcels. */
  body(orders: readonly OrderToIssue[], numbers: readonly string[], issuedAt: string): string;
}

/** Problems quoted in a 400's `detail`; more are listed in its `errors`. */
const MAX_DETAILED_PROBLEMS = 5;

/** The slot of the origin, which a tracking number starts with. */
const ORIGIN = indexOf('origin_country_id');

/** Issues the numbers of `read` for `client` (NO_CLIENT without a clients file) and answers; returns the status. */
export function issueOrders<Problem>(
  res: HttpResponse,
  context: RouteContext,
  route: IssuingRoute<Problem>,
  read: ReadOrders<Problem>,
  client: number,
): number {
  if (!read.ok) return invalid(res, context, route, read.problems, read.notListed);
  const clients = client === NO_CLIENT ? undefined : context.clients;
  if (clients !== undefined) {
    const nowMs = monotonicMs();
    const waitMs = clients.quotas.take(client, read.numbers, nowMs);
    if (waitMs > 0) return quotaExceeded(res, context, clients, client, read.numbers, waitMs, nowMs);
  }
  const now = Date.now();
  const second = secondOf(now);
  let numbers = draw(context, read.orders, read.numbers, second);
  // A draw that fails while the instance can issue lost a race with a switch of node ID: drawn again.
  for (let attempt = 1; numbers === undefined && attempt < DRAW_ATTEMPTS; attempt++) {
    if (notIssuingReason(context.control, second) !== undefined) break;
    numbers = draw(context, read.orders, read.numbers, second);
  }
  if (numbers === undefined) {
    clients?.quotas.giveBack(client, read.numbers);
    const reason = notIssuingReason(context.control, second) ?? 'no-node-id';
    return context.replies.problem(res, 'NOT_ISSUING', {
      detail: `${NOT_ISSUING_REASONS[reason]}; retry shortly or use another instance`,
      headers: { 'Retry-After': '1' },
    });
  }
  route.count(context, numbers.length);
  clients?.counters.issued(client, numbers.length);
  return context.replies.json(res, 200, route.body(read.orders, numbers, isoTimestamp(now)));
}

/**
 * 429: the client's quota cannot cover `numbers` at `nowMs`. Retry-After says when it
 * will (none when the request is larger than the whole burst); the RateLimit
 * fields of the IETF httpapi draft say what the quota is and what is left.
 */
function quotaExceeded(
  res: HttpResponse,
  context: RouteContext,
  clients: NonNullable<RouteContext['clients']>,
  client: number,
  numbers: number,
  waitMs: number,
  nowMs: number,
): number {
  clients.counters.refused(client, numbers);
  const { quotaPerSecond, burst } = clients.quotas.policy(client);
  const { remaining, fullInMs } = clients.quotas.state(client, nowMs);
  const window = Math.max(1, Math.ceil(burst / quotaPerSecond));
  const headers: Record<string, string> = {
    'RateLimit-Policy': `"numbers";q=${burst};w=${window}`,
    RateLimit: `"numbers";r=${remaining};t=${Math.ceil(fullInMs / 1000)}`,
  };
  if (waitMs !== Infinity) headers['Retry-After'] = String(Math.max(1, Math.ceil(waitMs / 1000)));
  const name = clients.access.nameOf(client);
  return context.replies.problem(res, 'QUOTA_EXCEEDED', {
    detail:
      waitMs === Infinity
        ? `the request asks for ${numbers} numbers, more than client ${name}'s burst of ${burst}: split it`
        : `client ${name}'s quota (${quotaPerSecond} numbers a second, ${burst} at once) has ${remaining} numbers left now, and the request asks for ${numbers}`,
    headers,
  });
}

/** Draws tried for one request before it is refused. */
const DRAW_ATTEMPTS = 3;

const drawn: Allocation = { nodeId: 0, second: 0, counter: 0 };
const runs: Run[] = [];

/**
 * The numbers of the orders, encoded, or undefined when they cannot all be
 * issued now. One number is drawn alone (the GET); more, as runs of whole
 * blocks. Either way the draining flag is checked after drawing, the node
 * ID's generation inside the allocator, the limit inside the clock.
 */
function draw(
  context: RouteContext,
  orders: readonly OrderToIssue[],
  count: number,
  second: number,
): string[] | undefined {
  const { allocator, encoder, control } = context;
  if (count === 1) {
    if (!allocator.next(second, drawn) || !isDrawnNumberIssuable(control)) return undefined;
    return [encoder.encode(orders[0]!.values[ORIGIN]!, drawn.second, drawn.nodeId, drawn.counter)];
  }
  if (!allocator.drawRuns(second, count, runs) || !isDrawnNumberIssuable(control)) return undefined;
  const origins = new Array<string>(count);
  let next = 0;
  for (const order of orders) {
    const origin = order.values[ORIGIN]!;
    for (let parcel = 0; parcel < order.parcels; parcel++) origins[next++] = origin;
  }
  return encoder.encodeRuns(runs, origins);
}

/**
 * The 400 of a request that breaks the rules: the problems it lists (bounded
 * in number and bytes) in `errors`, the number left out in
 * `errors_not_listed`, the first few in `detail`. /metrics counts the listed ones.
 */
function invalid<Problem>(
  res: HttpResponse,
  context: RouteContext,
  route: IssuingRoute<Problem>,
  problems: readonly Problem[],
  notListedBefore?: number,
): number {
  const { listed, notListed } = listProblems(problems, notListedBefore);
  for (const problem of listed) context.counters.invalid(route.slotOf(problem));
  const quoted = listed.slice(0, MAX_DETAILED_PROBLEMS).map((problem) => route.describe(problem));
  const more = listed.length + notListed - quoted.length;
  if (more > 0) quoted.push(`and ${more} more`);
  const extensions = notListed > 0 ? { errors: listed, errors_not_listed: notListed } : { errors: listed };
  return context.replies.problem(res, route.invalid, { detail: quoted.join('; '), extensions });
}
