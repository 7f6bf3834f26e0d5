/**
 * A typed client of tracknum's HTTP API that fails over between instances
 * (or load balancers): `import { createClient } from 'tracknum/client'`.
 *
 * Only fetch, AbortController and timers at run time: its types come from
 * the server's contract (type-only imports, erased from the JavaScript), so
 * the client loads nothing of the server. Answers are not validated at run
 * time; the server is held to the contract by its own tests.
 *
 * Guide: docs/client.md.
 */
import type { BatchIssued, BatchRequest, Issued, Lookup } from '../api/contract.js';
import type { Order } from '../validation/orderParameters.js';
import { TracknumClientError, type Attempt, type FailureKind, type TracknumProblem } from './errors.js';
import { backoffDelay, parseRetryAfter, type Backoff } from './retry.js';

export type { BatchIssued, Issued, Lookup, Order };
export type { Problems } from '../api/contract.js';
export type { Attempt, FailureKind, ProblemCode, TracknumProblem } from './errors.js';
export { TracknumClientError };

/** One order of a batch: the seven parameters (`weight` may be a JSON number) and `parcels` (default 1). */
export type BatchOrder = BatchRequest['orders'][number];

export interface ClientOptions {
  /**
   * Where to send calls: instances or load balancers (`http://10.0.0.11:3000`,
   * a path prefix allowed), tried in turn. At least one; no credentials, query
   * or fragment in them.
   */
  readonly baseUrls: readonly string[];
  /** One attempt's limit, from sending the request to the answer's last byte, in ms. Default 2,000. */
  readonly timeoutMs?: number | undefined;
  /** A whole call's limit, over every attempt and pause, in ms. Default 10,000; a call may set its own. */
  readonly deadlineMs?: number | undefined;
  /** Rounds over the base URLs after the first round. Default 2: at most 3 attempts per URL. */
  readonly retries?: number | undefined;
  /** Full-jitter pause between rounds: up to min(maxMs, baseMs * 2^(round - 1)). Default 100 and 2,000 ms. */
  readonly backoff?: Partial<Backoff> | undefined;
  /** Sent as `Authorization: Bearer <token>`; never part of an error. */
  readonly token?: string | undefined;
  /** Default: the global fetch (Node's undici, which keeps connections alive). */
  readonly fetch?: typeof globalThis.fetch | undefined;
  /** Called after every attempt, successful or not (for logs and metrics). An exception fails the call. */
  readonly onAttempt?: ((attempt: Attempt) => void) | undefined;
}

export interface CallOptions {
  /** Aborting it stops the call at once: it rejects with a `TracknumClientError` of kind `aborted`. */
  readonly signal?: AbortSignal | undefined;
  /** This call's deadline instead of the client's. */
  readonly deadlineMs?: number | undefined;
}

export interface TracknumClient {
  /**
   * `GET /next-tracking-number`: a new number for `order`.
   *
   * A retried call may cost a number nobody receives: when an attempt times
   * out or its connection breaks after the request went out, the instance may
   * have issued a number whose answer was lost; the retry issues another.
   * Numbers stay unique; only the lost one is never used.
   */
  next(order: Order, options?: CallOptions): Promise<Issued>;
  /**
   * `POST /tracking-numbers`: numbers for up to 1,000 orders (10,000 numbers),
   * grouped per order in the order given. All or nothing on the server; a
   * retry after a lost answer costs that answer's numbers, as with `next`.
   */
  batch(orders: readonly BatchOrder[], options?: CallOptions): Promise<BatchIssued>;
  /** `GET /tracking-numbers/{number}`: what a well-formed number tells; a mistyped one rejects (422). */
  lookup(trackingNumber: string, options?: CallOptions): Promise<Lookup>;
}

const DEFAULTS = { timeoutMs: 2_000, deadlineMs: 10_000, retries: 2, backoff: { baseMs: 100, maxMs: 2_000 } };

/**
 * Answers worth trying elsewhere or later; nothing was issued for any of them.
 * 408: the request's body did not arrive in time. 429 and 503 carry
 * `Retry-After`. 502 and 504: a gateway lost the instance. Every other status
 * (400, 404, 422, 500...) is the answer.
 */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);

/** Characters of a non-problem answer's body kept in an error. */
const BODY_EXCERPT = 500;

/** Why the call's controller aborted. */
type Stop = 'deadline' | 'aborted';

function positive(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !allowZero)) {
    throw new RangeError(`tracknum client: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} number`);
  }
  return value;
}

/** Checks a base URL and writes it without a trailing slash. Messages never echo a URL (it may hold credentials). */
function baseUrl(value: string, index: number): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`tracknum client: baseUrls[${index}] is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`tracknum client: baseUrls[${index}] must be http: or https:`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new TypeError(`tracknum client: baseUrls[${index}] carries credentials; use the token option`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new TypeError(`tracknum client: baseUrls[${index}] must have no query or fragment`);
  }
  return url.href.replace(/\/+$/, '');
}

/** Sleeps `ms`, or less if `signal` aborts first; clears its timer and listener either way. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The code of a network error: undici's fetch throws TypeError('fetch failed') with the system error as its cause. */
function networkCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = current.cause;
  }
  return error instanceof Error ? error.message : undefined;
}

/** The answer's body as a problem document, when it looks like one. */
function problemOf(text: string): TracknumProblem | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { code, status } = parsed as { code?: unknown; status?: unknown };
    return typeof code === 'string' && typeof status === 'number' ? (parsed as TracknumProblem) : undefined;
  } catch {
    return undefined;
  }
}

interface Call {
  method: 'GET' | 'POST';
  path: string;
  query?: string;
  body?: string;
}

type AttemptResult =
  | { done: true; value: unknown }
  | {
      done: false;
      attempt: Attempt;
      /** Final: trying again cannot help. */
      final?: FailureKind;
      problem?: TracknumProblem | undefined;
      body?: string | undefined;
      cause?: unknown;
    };

/**
 * A client over `options.baseUrls`. Each call tries the URLs in turn, starting
 * with the last one that answered; on a connection error, a timeout or a
 * retryable status (408, 429, 502, 503, 504) it moves on to the next at once.
 * After a round over all of them it pauses (full-jitter back-off) and starts
 * another, up to `retries` more. A `Retry-After` (seconds or an HTTP date) on
 * a 429 or 503 keeps that URL out of use until then, in this call and the
 * following ones; when no URL may be tried before the deadline, the call
 * fails at once rather than wait in vain. The deadline bounds the whole call;
 * any other answer, 2xx or not, ends it.
 *
 * A retry after a timeout or a broken connection may cost a number nobody
 * receives (see `next`).
 */
export function createClient(options: ClientOptions): TracknumClient {
  if (options.baseUrls.length === 0) throw new TypeError('tracknum client: baseUrls is empty');
  const urls = options.baseUrls.map(baseUrl);
  const timeoutMs = positive('timeoutMs', options.timeoutMs, DEFAULTS.timeoutMs);
  const deadlineMs = positive('deadlineMs', options.deadlineMs, DEFAULTS.deadlineMs);
  const retries = positive('retries', options.retries, DEFAULTS.retries, true);
  if (!Number.isInteger(retries)) throw new RangeError('tracknum client: retries must be an integer');
  const backoff: Backoff = {
    baseMs: positive('backoff.baseMs', options.backoff?.baseMs, DEFAULTS.backoff.baseMs, true),
    maxMs: positive('backoff.maxMs', options.backoff?.maxMs, DEFAULTS.backoff.maxMs, true),
  };
  const { token, onAttempt } = options;
  // A header value fetch would refuse with a message quoting it: refused here, without quoting it.
  if (token !== undefined && !/^[\x21-\x7e]+$/.test(token)) {
    throw new TypeError('tracknum client: token must be printable ASCII without spaces');
  }
  // Looked up at each call, and called as a function of globalThis (some runtimes refuse a detached fetch).
  const fetchImpl = options.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init));
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;

  /** The URL that last gave an answer: calls start there. */
  let preferred = 0;
  /** performance.now() before which a URL must not be tried (its Retry-After). */
  const notBefore = urls.map(() => 0);

  /** This round's URLs: from the preferred one on, those held back by a Retry-After last (soonest first). */
  function roundOrder(now: number): number[] {
    const order = urls.map((_, i) => (preferred + i) % urls.length);
    return order.sort((a, b) => Math.max(notBefore[a]!, now) - Math.max(notBefore[b]!, now));
  }

  async function attempt(
    index: number,
    call: Call,
    callSignal: AbortSignal,
    stop: () => Stop | undefined,
    startedAt: number,
  ): Promise<AttemptResult> {
    const url = `${urls[index]}${call.path}`;
    const began = performance.now();
    const record = (outcome: Attempt['outcome'], status?: number, code?: string, retryAfterMs?: number): Attempt => {
      const attempt: Attempt = {
        url,
        outcome,
        status,
        code,
        retryAfterMs,
        startedAtMs: began - startedAt,
        durationMs: performance.now() - began,
      };
      onAttempt?.(attempt);
      return attempt;
    };
    const controller = new AbortController();
    const cut = (): void => controller.abort();
    callSignal.addEventListener('abort', cut, { once: true });
    const timer = setTimeout(cut, timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(call.query === undefined ? url : `${url}?${call.query}`, {
        method: call.method,
        headers: call.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        ...(call.body === undefined ? {} : { body: call.body }),
        // tracknum never redirects; following one could carry the token elsewhere.
        redirect: 'manual',
        signal: controller.signal,
      });
      text = await response.text();
    } catch (error) {
      const outcome = stop() ?? (controller.signal.aborted ? 'timeout' : 'network');
      return {
        done: false,
        attempt: record(outcome, undefined, outcome === 'network' ? networkCode(error) : undefined),
        ...(outcome === 'aborted' || outcome === 'deadline' ? { final: outcome } : {}),
        cause: error,
      };
    } finally {
      clearTimeout(timer);
      callSignal.removeEventListener('abort', cut);
    }
    const { status } = response;
    if (status >= 200 && status < 300) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        const attempt = record('answer', status);
        return { done: false, attempt, final: 'invalid-answer', body: text.slice(0, BODY_EXCERPT), cause: error };
      }
      preferred = index;
      record('answer', status);
      return { done: true, value };
    }
    const problem = problemOf(text);
    const body = problem === undefined ? text.slice(0, BODY_EXCERPT) : undefined;
    if (!RETRYABLE_STATUSES.has(status)) {
      preferred = index;
      return { done: false, attempt: record('answer', status, problem?.code), final: 'rejected', problem, body };
    }
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
    if (retryAfterMs !== undefined) notBefore[index] = performance.now() + retryAfterMs;
    return { done: false, attempt: record('answer', status, problem?.code, retryAfterMs), problem, body };
  }

  async function run(call: Call, callOptions: CallOptions = {}): Promise<unknown> {
    const startedAt = performance.now();
    const callDeadlineMs = positive('deadlineMs', callOptions.deadlineMs, deadlineMs);
    const deadlineAt = startedAt + callDeadlineMs;
    const attempts: Attempt[] = [];
    let last: Extract<AttemptResult, { done: false }> | undefined;
    const fail = (kind: FailureKind, reason: string): TracknumClientError =>
      new TracknumClientError({
        kind,
        method: call.method,
        path: call.path,
        attempts,
        elapsedMs: performance.now() - startedAt,
        reason,
        problem: last?.problem,
        body: last?.body,
        cause: last?.cause,
      });
    let stopReason: Stop | undefined;
    const stopped = (): TracknumClientError =>
      stopReason === 'aborted'
        ? fail('aborted', 'aborted by the caller')
        : fail('deadline', `deadline of ${callDeadlineMs} ms passed`);
    const controller = new AbortController();
    const stop = (reason: Stop): void => {
      stopReason ??= reason;
      controller.abort();
    };
    const callerSignal = callOptions.signal;
    const onCallerAbort = (): void => stop('aborted');
    if (callerSignal?.aborted === true) throw fail('aborted', 'aborted by the caller');
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    const deadlineTimer = setTimeout(() => stop('deadline'), callDeadlineMs);
    try {
      for (let round = 0; round <= retries; round += 1) {
        if (round > 0) {
          const pause = backoffDelay(round, backoff, Math.random);
          if (performance.now() + pause >= deadlineAt) {
            throw fail(
              'deadline',
              `the pause before round ${round + 1} would pass the deadline of ${callDeadlineMs} ms`,
            );
          }
          await sleep(pause, controller.signal);
          if (stopReason !== undefined) throw stopped();
        }
        for (const index of roundOrder(performance.now())) {
          const wait = notBefore[index]! - performance.now();
          if (wait > 0) {
            if (performance.now() + wait >= deadlineAt) {
              throw fail(
                'deadline',
                `${urls[index]} asked to wait ${Math.ceil(wait)} ms (Retry-After), past the deadline of ${callDeadlineMs} ms`,
              );
            }
            await sleep(wait, controller.signal);
            if (stopReason !== undefined) throw stopped();
          }
          const result = await attempt(index, call, controller.signal, () => stopReason, startedAt);
          if (result.done) return result.value;
          attempts.push(result.attempt);
          last = result;
          if (result.final === 'aborted' || result.final === 'deadline') throw stopped();
          if (result.final === 'rejected') {
            const { status, code } = result.attempt;
            const detail = result.problem === undefined ? '' : `: ${result.problem.detail}`;
            throw fail('rejected', `${urls[index]} answered ${status}${code === undefined ? '' : ` ${code}`}${detail}`);
          }
          if (result.final === 'invalid-answer') {
            throw fail(
              'invalid-answer',
              `${urls[index]} answered ${result.attempt.status} with a body that is not JSON`,
            );
          }
        }
      }
      throw fail('exhausted', `no URL gave an answer in ${retries + 1} round${retries === 0 ? '' : 's'}`);
    } finally {
      clearTimeout(deadlineTimer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }
  }

  return {
    next: async (order, callOptions) => {
      const query = new URLSearchParams(
        Object.entries(order).map(([name, value]): [string, string] => [name, String(value)]),
      );
      return (await run(
        { method: 'GET', path: '/next-tracking-number', query: query.toString() },
        callOptions,
      )) as Issued;
    },
    batch: async (orders, callOptions) =>
      (await run(
        { method: 'POST', path: '/tracking-numbers', body: JSON.stringify({ orders }) },
        callOptions,
      )) as BatchIssued,
    lookup: async (trackingNumber, callOptions) =>
      (await run(
        { method: 'GET', path: `/tracking-numbers/${encodeURIComponent(trackingNumber)}` },
        callOptions,
      )) as Lookup,
  };
}
