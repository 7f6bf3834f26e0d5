/**
 * The HTTP routes. uWS aborts the whole process when a handler throws, so
 * every handler is wrapped by `guarded`, which always answers. Handlers are
 * synchronous (`req` is only valid until they return) and return the status
 * they answered, which `guarded` counts.
 */
import { performance } from 'node:perf_hooks';
import type { Allocation } from '../core/allocator.js';
import { isLeaving, readNodeId, type ControlBlock } from '../core/controlBlock.js';
import {
  isDrawnNumberIssuable,
  NOT_ISSUING_REASONS,
  notIssuingReason,
  type NotIssuingReason,
} from '../core/issuing.js';
import { secondOf } from '../core/layout.js';
import { monotonicMs } from '../core/monotonicClock.js';
import { generationCharacter } from '../core/numberFormat.js';
import { SEQUENTIAL_GENERATION } from '../core/layout.js';
import { parseTrackingNumber, upperCaseAscii } from '../core/trackingNumber.js';
import { isAssignedCountryCode } from '../validation/countryCodes.js';
import { ROUTE_INDEX, ROUTES, type Route } from '../metrics.js';
import { parameterIndex } from '../validation/orderParameters.js';
import { parseRequestQuery, type ParameterProblem } from '../validation/orderQuery.js';
import { isoTimestamp } from './isoTimestamp.js';
import { issuedAnswerBody } from './issuedAnswer.js';
import { batchHandler } from './batch.js';
import { ANSWERED_LATER, notIssuing, ORIGIN, type Handler, type RouteContext } from './context.js';
import type { HttpRequest, HttpResponse, TemplatedApp } from './uws.js';

/**
 * Longer queries are refused with 414 before any parsing. The longest valid
 * query (a 200-character name of 3-byte characters, percent-encoded) is about
 * 2.2 KB; uWS v20.30 drops, without a status, a request whose head exceeds
 * 4 KiB when it arrives in several TCP segments, so the limit stays below that.
 */
const MAX_QUERY_LENGTH = 3072;
/**
 * Larger header blocks are refused with 431 when uWS hands them over at all:
 * it does so only for heads that arrive in one read (up to about 100 KiB);
 * see docs/errors.md.
 */
const MAX_HEADER_BYTES = 16 * 1024;

export function registerRoutes(app: TemplatedApp, context: RouteContext): void {
  const { replies } = context;
  const guard = (handler: Handler, route: Route = 'other'): ((res: HttpResponse, req: HttpRequest) => void) =>
    guarded(context, ROUTE_INDEX[route], handler);
  const onlyGet: Handler = (res) =>
    replies.problem(res, 'METHOD_NOT_ALLOWED', { detail: 'this resource only answers GET', headers: { Allow: 'GET' } });
  // A HEAD must not issue a number, and its answer must have no body.
  const headNotAllowed: Handler = (res) => replies.empty(res, 405, { Allow: 'GET' });

  /** One GET resource: its handler, a HEAD answer (405 unless given), and 405 for every other method. */
  const resource = (route: Route, path: string, get: Handler, head: Handler = headNotAllowed): void => {
    app.get(path, guard(get, route)).head(path, guard(head, route)).any(path, guard(onlyGet, route));
  };

  resource('next-tracking-number', '/next-tracking-number', nextTrackingNumber(context));
  const onlyPost: Handler = (res) =>
    replies.problem(res, 'METHOD_NOT_ALLOWED', {
      detail: 'this resource only answers POST',
      headers: { Allow: 'POST' },
    });
  app
    .post('/tracking-numbers', guard(batchHandler(context, ROUTE_INDEX.batch), 'batch'))
    .head(
      '/tracking-numbers',
      guard((res) => replies.empty(res, 405, { Allow: 'POST' }), 'batch'),
    )
    .any('/tracking-numbers', guard(onlyPost, 'batch'));
  resource('tracking-numbers', '/tracking-numbers/:number', lookUpTrackingNumber(context));
  resource(
    'healthz',
    '/healthz',
    (res) => replies.json(res, 200, '{"status":"ok"}'),
    (res) => replies.empty(res, 200),
  );
  resource('readyz', '/readyz', readiness(context), (res) =>
    replies.empty(res, notReadyReason(context.control) === undefined ? 200 : 503),
  );
  resource('metrics', '/metrics', (res) => replies.text(res, 'text/plain; version=0.0.4', context.metrics()));
  resource('openapi', '/openapi.json', (res) => replies.json(res, 200, context.openApi));
  app.head(
    '/*',
    guard((res) => replies.empty(res, 404)),
  );
  app.any(
    '/*',
    guard((res, req) => replies.problem(res, 'NOT_FOUND', { detail: `no resource at ${req.getUrl().slice(0, 200)}` })),
  );
}

function guarded(
  context: RouteContext,
  route: number,
  handler: Handler,
): (res: HttpResponse, req: HttpRequest) => void {
  return (res, req) => {
    let status: number;
    try {
      status =
        headerBytes(req) > MAX_HEADER_BYTES
          ? context.replies.problem(res, 'HEADERS_TOO_LARGE', {
              detail: `the request headers exceed ${MAX_HEADER_BYTES} bytes`,
            })
          : handler(res, req);
    } catch (error) {
      context.log.error({ err: error }, 'request handler failed');
      status = 500;
      try {
        context.replies.problem(res, 'INTERNAL', { detail: 'the request could not be handled' });
      } catch {
        // The response was already (partly) written: close the connection.
        res.close();
      }
    }
    // A handler that answers later (a request body) counts and logs its answer itself.
    if (status === ANSWERED_LATER) return;
    context.counters.request(route, status);
    if (context.logRequests) {
      // Still inside the uWS callback, so req is valid.
      context.log.info({ method: req.getMethod(), url: req.getUrl(), route: ROUTES[route], status }, 'request');
    }
  };
}

function headerBytes(req: HttpRequest): number {
  let total = 0;
  req.forEach((name, value) => {
    total += name.length + value.length + 4;
  });
  return total;
}

function nextTrackingNumber(context: RouteContext): Handler {
  const answer = issueTrackingNumber(context);
  const { counters } = context;
  return (res, req) => {
    const started = performance.now();
    const status = answer(res, req);
    counters.latency((performance.now() - started) / 1000);
    return status;
  };
}

function issueTrackingNumber(context: RouteContext): Handler {
  const { control, allocator, encoder, replies, counters } = context;
  const drawn: Allocation = { nodeId: 0, second: 0, counter: 0 };
  return (res, req) => {
    const raw = req.getQuery() ?? '';
    if (raw.length > MAX_QUERY_LENGTH) {
      return replies.problem(res, 'URI_TOO_LONG', {
        detail: `the query string has ${raw.length} characters; at most ${MAX_QUERY_LENGTH} are accepted`,
      });
    }
    const parsed = parseRequestQuery(raw);
    if (!parsed.ok) return invalidParameters(res, context, parsed.problems);
    const now = Date.now();
    const second = secondOf(now);
    if (!allocator.next(second, drawn) || !isDrawnNumberIssuable(control, monotonicMs())) {
      // 'no-node-id' when the node ID changed under the draw and all is well again.
      return notIssuing(res, context, notIssuingReason(control, second, monotonicMs()) ?? 'no-node-id');
    }
    counters.issued();
    const values = parsed.values;
    const trackingNumber = encoder.encode(values[ORIGIN]!, drawn.second, drawn.nodeId, drawn.counter);
    return replies.json(res, 200, issuedAnswerBody(trackingNumber, isoTimestamp(now), values));
  };
}

function invalidParameters(res: HttpResponse, context: RouteContext, problems: readonly ParameterProblem[]): number {
  for (const problem of problems) context.counters.invalid(parameterIndex(problem.parameter));
  return context.replies.problem(res, 'INVALID_PARAMETERS', {
    detail: problems.map((p) => p.detail).join('; '),
    extensions: { errors: problems },
  });
}

/**
 * Says whether a number is well formed, its origin, format and key
 * generation, and nothing more: never when, where or in which order it was
 * issued (operators decode with the key: tracknum decode).
 */
function lookUpTrackingNumber(context: RouteContext): Handler {
  const { replies } = context;
  return (res, req) => {
    const given = req.getParameter(0) ?? '';
    const number = upperCaseAscii(given);
    const refuse = (reason: string, detail: string): number =>
      replies.problem(res, reason === 'check-character' ? 'CHECK_CHARACTER_MISMATCH' : 'MALFORMED_TRACKING_NUMBER', {
        detail,
        extensions: { reason, tracking_number: given.slice(0, 64) },
      });
    const parsed = parseTrackingNumber(number);
    if (!parsed.ok) return refuse(parsed.reason, parsed.detail);
    if (!isAssignedCountryCode(parsed.origin)) {
      return refuse(
        'country',
        `the first two characters, ${parsed.origin}, are not an assigned ISO 3166-1 alpha-2 country code`,
      );
    }
    return replies.json(
      res,
      200,
      JSON.stringify({
        tracking_number: number,
        valid: true,
        origin_country_id: parsed.origin,
        format: parsed.generation === SEQUENTIAL_GENERATION ? 'sequential' : 'opaque',
        generation: generationCharacter(parsed.generation),
      }),
    );
  };
}

/** Why load balancers should send this instance nothing now, or undefined when it is ready. */
function notReadyReason(control: ControlBlock): NotIssuingReason | undefined {
  // Leaving, numbers are still issued for a while (SHUTDOWN_DELAY), but the instance is not ready.
  if (isLeaving(control)) return 'shutting-down';
  return notIssuingReason(control, secondOf(Date.now()), monotonicMs());
}

function readiness(context: RouteContext): Handler {
  const { control, replies } = context;
  return (res) => {
    const reason = notReadyReason(control);
    return reason === undefined
      ? replies.json(res, 200, JSON.stringify({ status: 'ready', node_id: readNodeId(control) }))
      : replies.json(res, 503, JSON.stringify({ status: 'not-ready', reason: NOT_ISSUING_REASONS[reason] }));
  };
}
