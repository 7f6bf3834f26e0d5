/**
 * The HTTP routes. uWS aborts the whole process when a handler throws, so
 * every handler is wrapped by `guarded`, which always answers. Handlers are
 * synchronous: `req` is only valid until they return.
 */
import { Allocator, type Allocation } from '../core/allocator.js';
import { clockSecond } from '../core/logicalClock.js';
import { isDraining, readGeneration, readLimit, readNodeId, type ControlBlock } from '../core/controlBlock.js';
import { secondOf, unixMsOfSecond } from '../core/layout.js';
import { decodeTrackingNumber, encodeTrackingNumber } from '../core/trackingNumber.js';
import { parseOrderQuery } from '../validation/orderQuery.js';
import type { Logger } from '../logger.js';
import type { IssuedCounter } from '../metrics.js';
import { sendJson, sendProblem, type Answering } from './responses.js';
import type { HttpRequest, HttpResponse, TemplatedApp } from './uws.js';

/** Longer queries are refused with 414 before any parsing. */
export const MAX_QUERY_LENGTH = 4096;
/**
 * Larger header blocks are refused with 431. (uWS itself accepts up to about
 * 512 KiB and drops the connection, without a status, beyond that.)
 */
export const MAX_HEADER_BYTES = 16 * 1024;

export interface RouteContext {
  control: ControlBlock;
  allocator: Allocator;
  issued: IssuedCounter;
  /** The /metrics text. */
  metrics: () => string;
  answering: Answering;
  log: Logger;
}

type Handler = (res: HttpResponse, req: HttpRequest) => void;

export function registerRoutes(app: TemplatedApp, context: RouteContext): void {
  const guard = (handler: Handler): Handler => guarded(context, handler);
  const onlyGet = guard((res) =>
    sendProblem(res, context.answering, 'METHOD_NOT_ALLOWED', {
      detail: 'this resource only answers GET',
      headers: { Allow: 'GET' },
    }),
  );
  app
    .get('/next-tracking-number', guard(nextTrackingNumber(context)))
    .any('/next-tracking-number', onlyGet)
    .get('/tracking-numbers/:number', guard(lookUpTrackingNumber(context)))
    .any('/tracking-numbers/:number', onlyGet)
    .get('/healthz', guard((res) => sendJson(res, context.answering, 200, '{"status":"ok"}')))
    .any('/healthz', onlyGet)
    .get('/readyz', guard(readiness(context)))
    .any('/readyz', onlyGet)
    .get(
      '/metrics',
      guard((res) => {
        const text = context.metrics();
        res.writeHeader('Content-Type', 'text/plain; version=0.0.4').end(text, context.answering.closeConnections);
      }),
    )
    .any('/metrics', onlyGet)
    .any(
      '/*',
      guard((res, req) =>
        sendProblem(res, context.answering, 'NOT_FOUND', {
          detail: `no resource at ${req.getUrl().slice(0, 200)}`,
        }),
      ),
    );
}

function guarded(context: RouteContext, handler: Handler): Handler {
  return (res, req) => {
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
          ? 'the reserved seconds are used up (clock far behind, or extreme load); retry shortly'
          : 'this instance holds no node ID right now; retry shortly or use another instance',
      );
      return;
    }
    context.issued.increment();
    const order = parsed.query;
    const trackingNumber = encodeTrackingNumber(order.origin_country_id, drawn.second, drawn.nodeId, drawn.counter);
    sendJson(
      res,
      context.answering,
      200,
      `{"tracking_number":"${trackingNumber}","created_at":"${new Date(now).toISOString()}","order":${JSON.stringify(order)}}`,
    );
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
        issued_at: new Date(unixMsOfSecond(decoded.second)).toISOString(),
        node_id: decoded.nodeId,
        sequence: decoded.counter,
      }),
    );
  };
}

function readiness(context: RouteContext): Handler {
  return (res) => {
    const { control } = context;
    const reason = isDraining(control)
      ? 'shutting down'
      : readGeneration(control) === 0
        ? 'no node ID held'
        : clockSecond(control) >= readLimit(control)
          ? 'reserved seconds used up'
          : undefined;
    if (reason === undefined) {
      sendJson(res, context.answering, 200, JSON.stringify({ status: 'ready', node_id: readNodeId(control) }));
    } else {
      sendJson(res, context.answering, 503, JSON.stringify({ status: 'not-ready', reason }));
    }
  };
}
