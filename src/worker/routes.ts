/**
 * The HTTP routes. uWS aborts the whole process when a handler throws, so
 * every handler is wrapped by `guarded`, which always answers. Handlers are
 * synchronous: `req` is only valid until they return.
 */
import { performance } from 'node:perf_hooks';
import { Allocator, type Allocation } from '../core/allocator.js';
import { clockSecond } from '../core/logicalClock.js';
import {
  isDraining,
  isLeaseTrusted,
  isLeaving,
  readGeneration,
  readLimit,
  readNodeId,
  type ControlBlock,
} from '../core/controlBlock.js';
import { monotonicMs } from '../core/monotonicClock.js';
import { secondOf } from '../core/layout.js';
import { decodeTrackingNumber, encodeTrackingNumber } from '../core/trackingNumber.js';
import { parameterIndex, parseOrderQuery } from '../validation/orderQuery.js';
import type { Logger } from '../logger.js';
import { ROUTE_INDEX, ROUTES, type Route, type WorkerMetrics } from '../metrics.js';
import { isoTimestamp } from './isoTimestamp.js';
import { issuedAnswerBody } from './issuedAnswer.js';
import { endWithoutBody, sendJson, sendProblem, type Answering } from './responses.js';
import type { HttpRequest, HttpResponse, TemplatedApp } from './uws.js';

/**
 * Longer queries are refused with 414 before any parsing. The longest valid
 * query (a 200-character name of 3-byte characters, percent-encoded) is about
 * 2.2 KB; uWS v20.30 drops, without a status, a request whose head exceeds
 * 4 KiB when it arrives in several TCP segments, so the limit stays below that.
 */
export const MAX_QUERY_LENGTH = 3072;
/**
 * Larger header blocks are refused with 431 when uWS hands them over at all:
 * it does so only for heads that arrive in one read (up to about 100 KiB);
 * see docs/errors.md.
 */
export const MAX_HEADER_BYTES = 16 * 1024;

export interface RouteContext {
  control: ControlBlock;
  allocator: Allocator;
  counters: WorkerMetrics;
  /** The /metrics text. */
  metrics: () => string;
  answering: Answering;
  log: Logger;
  /** Log every request (LOG_REQUESTS); off on the hot path by default. */
  logRequests: boolean;
}

type Handler = (res: HttpResponse, req: HttpRequest) => void;

export function registerRoutes(app: TemplatedApp, context: RouteContext): void {
  const guard = (handler: Handler, route: Route = 'other'): Handler => guarded(context, ROUTE_INDEX[route], handler);
  const { answering } = context;
  const onlyGet: Handler = (res) =>
    sendProblem(res, answering, 'METHOD_NOT_ALLOWED', {
      detail: 'this resource only answers GET',
      headers: { Allow: 'GET' },
    });
  // A HEAD must not issue a number, and its answer must have no body.
  const headNotAllowed: Handler = (res) => endWithoutBody(res, answering, 405, { Allow: 'GET' });

  /** One GET resource: its handler, a HEAD answer (405 unless given), and 405 for every other method. */
  const resource = (route: Route, path: string, get: Handler, head: Handler = headNotAllowed): void => {
    app.get(path, guard(get, route)).head(path, guard(head, route)).any(path, guard(onlyGet, route));
  };

  resource('next-tracking-number', '/next-tracking-number', nextTrackingNumber(context));
  resource('tracking-numbers', '/tracking-numbers/:number', lookUpTrackingNumber(context));
  resource(
    'healthz',
    '/healthz',
    (res) => sendJson(res, answering, 200, '{"status":"ok"}'),
    (res) => endWithoutBody(res, answering, 200),
  );
  resource('readyz', '/readyz', readiness(context), (res) =>
    endWithoutBody(res, answering, notReadyReason(context.control) === undefined ? 200 : 503),
  );
  resource('metrics', '/metrics', (res) => {
    answering.status = 200;
    res.writeHeader('Content-Type', 'text/plain; version=0.0.4').end(context.metrics(), answering.closeConnections);
  });
  app.head(
    '/*',
    guard((res) => endWithoutBody(res, answering, 404)),
  );
  app.any(
    '/*',
    guard((res, req) =>
      sendProblem(res, answering, 'NOT_FOUND', { detail: `no resource at ${req.getUrl().slice(0, 200)}` }),
    ),
  );
}

function guarded(context: RouteContext, route: number, handler: Handler): Handler {
  return (res, req) => {
    context.answering.status = 0;
    try {
      if (headerBytes(req) > MAX_HEADER_BYTES) {
        sendProblem(res, context.answering, 'HEADERS_TOO_LARGE', {
          detail: `the request headers exceed ${MAX_HEADER_BYTES} bytes`,
        });
        return;
      }
      handler(res, req);
    } catch (error) {
      context.log.error({ err: error }, 'request handler failed');
      try {
        sendProblem(res, context.answering, 'INTERNAL', { detail: 'the request could not be handled' });
      } catch {
        // The response was already (partly) written: close the connection.
        res.close();
      }
    }
    context.counters.request(route, context.answering.status);
    if (context.logRequests) {
      // Still inside the uWS callback, so req is valid.
      const status = context.answering.status;
      context.log.info({ method: req.getMethod(), url: req.getUrl(), route: ROUTES[route], status }, 'request');
    }
  };
}

/** Running total of headerBytes; module state so that the callback is one function, not a closure per request. */
let headerBytesTotal = 0;
const addHeaderBytes = (name: string, value: string): void => {
  headerBytesTotal += name.length + value.length + 4;
};

function headerBytes(req: HttpRequest): number {
  headerBytesTotal = 0;
  req.forEach(addHeaderBytes);
  return headerBytesTotal;
}

function nextTrackingNumber(context: RouteContext): Handler {
  const answer = issueTrackingNumber(context);
  const { counters } = context;
  return (res, req) => {
    const started = performance.now();
    answer(res, req);
    counters.latency((performance.now() - started) / 1000);
  };
}

function issueTrackingNumber(context: RouteContext): Handler {
  const drawn: Allocation = { nodeId: 0, second: 0, counter: 0 };
  return (res, req) => {
    const raw = req.getQuery() ?? '';
    if (raw.length > MAX_QUERY_LENGTH) {
      sendProblem(res, context.answering, 'URI_TOO_LONG', {
        detail: `the query string has ${raw.length} characters; at most ${MAX_QUERY_LENGTH} are accepted`,
      });
      return;
    }
    const parsed = parseOrderQuery(raw);
    if (!parsed.ok) {
      for (const problem of parsed.problems) context.counters.invalid(parameterIndex(problem.parameter));
      sendProblem(res, context.answering, 'INVALID_PARAMETERS', {
        detail: parsed.problems.map((p) => p.detail).join('; '),
        extensions: { errors: parsed.problems },
      });
      return;
    }
    if (isDraining(context.control)) {
      notIssuing(res, context, 'this instance is shutting down');
      return;
    }
    const now = Date.now();
    if (!context.allocator.next(secondOf(now), drawn)) {
      notIssuing(
        res,
        context,
        context.allocator.failure === 'reservation-exhausted'
          ? 'the reserved seconds are used up (the wall clock jumped ahead, or the high-water mark could not be stored); retry shortly'
          : 'this instance holds no node ID right now; retry shortly or use another instance',
      );
      return;
    }
    // Checked after drawing, like the generation: had the lease run out while the primary
    // could not fence (a frozen process wakes every thread at once), the number is dropped.
    if (!isLeaseTrusted(context.control, monotonicMs())) {
      notIssuing(res, context, 'the node ID lease was not renewed in time; retry shortly or use another instance');
      return;
    }
    context.counters.issued();
    const order = parsed.query;
    const trackingNumber = encodeTrackingNumber(order.origin_country_id, drawn.second, drawn.nodeId, drawn.counter);
    sendJson(res, context.answering, 200, issuedAnswerBody(trackingNumber, isoTimestamp(now), order));
  };
}

function notIssuing(res: HttpResponse, context: RouteContext, detail: string): void {
  sendProblem(res, context.answering, 'NOT_ISSUING', { detail, headers: { 'Retry-After': '1' } });
}

function lookUpTrackingNumber(context: RouteContext): Handler {
  return (res, req) => {
    const given = req.getParameter(0) ?? '';
    const decoded = decodeTrackingNumber(given.toUpperCase());
    if (!decoded.ok) {
      const code = decoded.reason === 'check-character' ? 'CHECK_CHARACTER_MISMATCH' : 'MALFORMED_TRACKING_NUMBER';
      sendProblem(res, context.answering, code, {
        detail: decoded.detail,
        extensions: { reason: decoded.reason, tracking_number: given.slice(0, 64) },
      });
      return;
    }
    sendJson(
      res,
      context.answering,
      200,
      JSON.stringify({
        tracking_number: decoded.trackingNumber,
        valid: true,
        origin_country_id: decoded.origin,
        issued_at: new Date(decoded.issuedAtMs).toISOString(),
        node_id: decoded.nodeId,
        sequence: decoded.counter,
      }),
    );
  };
}

/** Why this instance cannot issue right now, or undefined when it can. */
function notReadyReason(control: ControlBlock): string | undefined {
  if (isLeaving(control)) return 'shutting down';
  if (readGeneration(control) === 0) return 'no node ID held';
  if (!isLeaseTrusted(control, monotonicMs())) return 'node ID lease not renewed in time';
  // The wall clock too: workers move the clock up to it on their next draw.
  if (Math.max(clockSecond(control), secondOf(Date.now())) >= readLimit(control)) return 'reserved seconds used up';
  return undefined;
}

function readiness(context: RouteContext): Handler {
  return (res) => {
    const { control } = context;
    const reason = notReadyReason(control);
    if (reason === undefined) {
      sendJson(res, context.answering, 200, JSON.stringify({ status: 'ready', node_id: readNodeId(control) }));
    } else {
      sendJson(res, context.answering, 503, JSON.stringify({ status: 'not-ready', reason }));
    }
  };
}
