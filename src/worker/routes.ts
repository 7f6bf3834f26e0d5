/**
 * The HTTP routes. uWS aborts the whole process when a handler throws, so
 * every handler is wrapped by `guarded`, which always answers. Handlers are
 * synchronous (`req` is only valid until they return) and return the status
 * they answered, which `guarded` counts.
 */
import { performance } from 'node:perf_hooks';
import { isLeaving, readNodeId, type ControlBlock } from '../core/controlBlock.js';
import { issuingSecondsLeft, NOT_ISSUING_REASONS, notIssuingReason, type NotIssuingReason } from '../core/issuing.js';
import { secondOf, SEQUENTIAL_GENERATION } from '../core/layout.js';
import { generationCharacter } from '../core/numberFormat.js';
import { parseTrackingNumber, upperCaseAscii } from '../core/trackingNumber.js';
import { API_ROUTES, ROUTE_INDEX, ROUTES, uwsPattern, type ApiRoute, type Route } from '../api/routes.js';
import { isAssignedCountryCode } from '../validation/countryCodes.js';
import { parameterIndex } from '../validation/orderParameters.js';
import { MAX_QUERY_LENGTH, parseRequestQuery, type ParameterProblem } from '../validation/orderQuery.js';
import { issuedAnswerBody } from './issuedAnswer.js';
import { issueOrders, type IssuingRoute, type ReadOrders } from './issueOrders.js';
import { batchHandler } from './batch.js';
import { ClientAccess } from '../clients/access.js';
import { ANSWERED_LATER, NO_CLIENT, type Handler, type RouteContext } from './context.js';
import type { HttpRequest, HttpResponse, TemplatedApp } from './uws.js';

/**
 * Larger header blocks are refused with 431 when uWS hands them over at all:
 * it does so only for heads that arrive in one read (up to about 100 KiB);
 * see docs/errors.md.
 */
const MAX_HEADER_BYTES = 16 * 1024;

export function registerRoutes(app: TemplatedApp, context: RouteContext): void {
  const { replies } = context;
  const guard = (handler: Handler, route: Route): ((res: HttpResponse, req: HttpRequest) => void) =>
    guarded(context, ROUTE_INDEX[route], handler);

  /** Each route's answer to its method, and to HEAD where a HEAD is safe (else 405: a HEAD must not issue a number). */
  const answers: Record<ApiRoute, { answer: Handler; head?: Handler }> = {
    'next-tracking-number': { answer: nextTrackingNumber(context) },
    batch: { answer: batchHandler(context, ROUTE_INDEX.batch) },
    'tracking-numbers': { answer: lookUpTrackingNumber(context) },
    healthz: { answer: (res) => replies.json(res, 200, '{"status":"ok"}'), head: (res) => replies.empty(res, 200) },
    readyz: {
      answer: readiness(context),
      head: (res) => replies.empty(res, notReadyReason(context.control) === undefined ? 200 : 503),
    },
    metrics: { answer: (res) => replies.text(res, 'text/plain; version=0.0.4', context.metrics()) },
    openapi: { answer: (res) => replies.json(res, 200, context.openApi) },
  };
  for (const { route, path, method } of API_ROUTES) {
    const pattern = uwsPattern(path);
    const allow = method.toUpperCase();
    const { answer, head = (res): number => replies.empty(res, 405, { Allow: allow }) } = answers[route];
    const notAllowed: Handler = (res) =>
      replies.problem(res, 'METHOD_NOT_ALLOWED', {
        detail: `this resource only answers ${allow}`,
        headers: { Allow: allow },
      });
    app[method](pattern, guard(answer, route));
    app.head(pattern, guard(head, route));
    app.any(pattern, guard(notAllowed, route));
  }
  app.head(
    '/*',
    guard((res) => replies.empty(res, 404), 'other'),
  );
  app.any(
    '/*',
    guard(
      (res, req) => replies.problem(res, 'NOT_FOUND', { detail: `no resource at ${req.getUrl().slice(0, 200)}` }),
      'other',
    ),
  );
}

function guarded(
  context: RouteContext,
  route: number,
  handler: Handler,
): (res: HttpResponse, req: HttpRequest) => void {
  const name = ROUTES[route]!;
  // Decided once per route, not per request: with a clients file, who may call it.
  const access = context.clients !== undefined && !ClientAccess.isOpen(name) ? context.clients.access : undefined;
  return (res, req) => {
    let status: number;
    try {
      status =
        headerBytes(req) > MAX_HEADER_BYTES
          ? context.replies.problem(res, 'HEADERS_TOO_LARGE', {
              detail: `the request headers exceed ${MAX_HEADER_BYTES} bytes`,
            })
          : access === undefined
            ? handler(res, req, NO_CLIENT)
            : admitted(res, req, access, name, handler, context);
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
      context.log.info({ method: req.getMethod(), url: req.getUrl(), route: name, status }, 'request');
    }
  };
}

/**
 * With a clients file: the handler's answer for a caller whose Bearer token is
 * in the file and whose line grants the route; 401 or 403 for anyone else.
 */
function admitted(
  res: HttpResponse,
  req: HttpRequest,
  access: ClientAccess,
  route: Route,
  handler: Handler,
  context: RouteContext,
): number {
  const authorization = req.getHeader('authorization');
  const client = access.clientOf(authorization);
  if (client < 0) {
    // RFC 6750: a request without credentials gets the bare challenge; a bad token, invalid_token.
    return context.replies.problem(res, 'UNAUTHORIZED', {
      detail:
        authorization === ''
          ? 'this instance serves the clients of its clients file only: send Authorization: Bearer <token>'
          : 'the Authorization header does not carry the Bearer token of a known client',
      headers: {
        'WWW-Authenticate':
          authorization === '' ? 'Bearer realm="tracknum"' : 'Bearer realm="tracknum", error="invalid_token"',
      },
    });
  }
  if (!access.may(client, route)) {
    return context.replies.problem(res, 'FORBIDDEN', {
      detail: `client ${access.nameOf(client)} may not use ${route}: its line in the clients file does not grant it`,
    });
  }
  return handler(res, req, client);
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
  return (res, req, client) => {
    const started = performance.now();
    const status = answer(res, req, client);
    counters.latency((performance.now() - started) / 1000);
    return status;
  };
}

/** The GET's side of the issuing path: problems by parameter, one number with its order. */
const SINGLE: IssuingRoute<ParameterProblem> = {
  invalid: 'INVALID_PARAMETERS',
  slotOf: (problem) => parameterIndex(problem.parameter),
  describe: (problem) => problem.detail,
  count: (context) => context.counters.issued(),
  body: (orders, numbers, issuedAt) => issuedAnswerBody(numbers[0]!, issuedAt, orders[0]!.values),
};

function issueTrackingNumber(context: RouteContext): Handler {
  return (res, req, client) => {
    const raw = req.getQuery() ?? '';
    if (raw.length > MAX_QUERY_LENGTH) {
      return context.replies.problem(res, 'URI_TOO_LONG', {
        detail: `the query string has ${raw.length} characters; at most ${MAX_QUERY_LENGTH} are accepted`,
      });
    }
    const parsed = parseRequestQuery(raw);
    const read: ReadOrders<ParameterProblem> = parsed.ok
      ? { ok: true, orders: [{ values: parsed.values, parcels: 1 }], numbers: 1 }
      : parsed;
    return issueOrders(res, context, SINGLE, read, client);
  };
}

/** At most 64 UTF-16 units of `text` for an answer, never half a surrogate pair. */
function echoed(text: string): string {
  if (text.length <= 64) return text;
  const code = text.charCodeAt(63);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? 63 : 64);
}

/**
 * Says whether a number is well formed, its origin, format and key
 * generation, and nothing more: never when, where or in which order it was
 * issued (operators decode with the key: tracknum decode), nor whether it was
 * issued at all: `valid` means well formed with a matching check character.
 *
 * uWS hands the path parameter over as sent: percent-encoded characters are
 * decoded here (as UTF-8) before the number is measured, checked and echoed.
 */
function lookUpTrackingNumber(context: RouteContext): Handler {
  const { replies } = context;
  return (res, req) => {
    const sent = req.getParameter(0) ?? '';
    let given: string;
    try {
      given = sent.includes('%') ? decodeURIComponent(sent) : sent;
    } catch {
      return replies.problem(res, 'MALFORMED_TRACKING_NUMBER', {
        detail: 'the number is not valid percent-encoding: each % must start %XX, and the bytes must be UTF-8',
        extensions: { reason: 'characters', tracking_number: echoed(sent) },
      });
    }
    const number = upperCaseAscii(given);
    const refuse = (reason: string, detail: string): number =>
      replies.problem(res, reason === 'check-character' ? 'CHECK_CHARACTER_MISMATCH' : 'MALFORMED_TRACKING_NUMBER', {
        detail,
        extensions: { reason, tracking_number: echoed(given) },
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
  return notIssuingReason(control, secondOf(Date.now()));
}

function readiness(context: RouteContext): Handler {
  const { control, replies } = context;
  return (res) => {
    const reason = notReadyReason(control);
    return reason === undefined
      ? replies.json(
          res,
          200,
          JSON.stringify({
            status: 'ready',
            node_id: readNodeId(control),
            issuing_seconds_left: issuingSecondsLeft(control, secondOf(Date.now())),
          }),
        )
      : replies.json(res, 503, JSON.stringify({ status: 'not-ready', reason: NOT_ISSUING_REASONS[reason] }));
  };
}
