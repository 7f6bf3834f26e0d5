/**
 * What a failed call tells: why the client gave up, every attempt it made,
 * the last answer's RFC 9457 problem and the last error thrown. Never a
 * request header (the token), never the query string (the order's data).
 */
import type { ClientErrorCode, Problems } from '../api/contract.js';

/** The code of a problem tracknum answers with (docs/errors.md). */
export type ProblemCode = ClientErrorCode;

/** A problem document tracknum answers with: a union discriminated by `code`. */
export type TracknumProblem = Problems[ProblemCode];

/**
 * Why a call failed:
 * - `rejected`: an answer that retrying cannot change (400, 404, 422, 500...: see retryable statuses);
 * - `exhausted`: every round over the URLs failed with a retryable outcome;
 * - `deadline`: the call's deadline passed, or the next wait (a `Retry-After`, a back-off) would pass it;
 * - `aborted`: the caller's AbortSignal fired;
 * - `invalid-answer`: a 2xx answer whose body is not JSON.
 */
export type FailureKind = 'rejected' | 'exhausted' | 'deadline' | 'aborted' | 'invalid-answer';

/**
 * One attempt of a call:
 * - `answer`: an HTTP answer came (see `status`);
 * - `network`: the connection failed: refused, reset, DNS (see `code`, e.g. ECONNREFUSED);
 * - `timeout`: no whole answer within the per-attempt timeout;
 * - `deadline`, `aborted`: cut short by the call's deadline or the caller's signal.
 */
export interface Attempt {
  /** The URL without its query string: base URL and path. */
  readonly url: string;
  readonly outcome: 'answer' | 'network' | 'timeout' | 'deadline' | 'aborted';
  readonly status: number | undefined;
  /** The problem's `code`, or the network error's code (ECONNREFUSED, UND_ERR_SOCKET...). */
  readonly code: string | undefined;
  /** What the answer's `Retry-After` asked for, in milliseconds (only on retryable answers). */
  readonly retryAfterMs: number | undefined;
  /** When the attempt began, in milliseconds since the call began, and how long it took. */
  readonly startedAtMs: number;
  readonly durationMs: number;
}

export interface ClientErrorDetails {
  readonly kind: FailureKind;
  readonly method: string;
  readonly path: string;
  readonly attempts: readonly Attempt[];
  readonly elapsedMs: number;
  /** Why, in a few words, for the message. */
  readonly reason: string;
  readonly problem?: TracknumProblem | undefined;
  readonly body?: string | undefined;
  readonly cause?: unknown;
}

/** Attempts listed in a message; all of them are in `attempts`. */
const LISTED_ATTEMPTS = 6;

function describeAttempt(attempt: Attempt): string {
  const what =
    attempt.outcome === 'answer'
      ? `${attempt.status}${attempt.code === undefined ? '' : ` ${attempt.code}`}`
      : `${attempt.outcome}${attempt.code === undefined ? '' : ` ${attempt.code}`}`;
  const retryAfter = attempt.retryAfterMs === undefined ? '' : `, Retry-After ${attempt.retryAfterMs} ms`;
  return `${attempt.url} ${what} (${Math.round(attempt.durationMs)} ms${retryAfter})`;
}

function describeCause(cause: unknown): string | undefined {
  if (cause === undefined) return undefined;
  if (!(cause instanceof Error)) {
    try {
      return typeof cause === 'string' ? cause : JSON.stringify(cause);
    } catch {
      return Object.prototype.toString.call(cause);
    }
  }
  const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
  return `${cause.name}: ${cause.message}${inner}`;
}

/**
 * A call that failed. `problem` is the last answer's RFC 9457 document when
 * it was one (narrow it with `hasProblem`), `body` the start of any other
 * answer's text (a load balancer's page), `cause` the last error thrown (a
 * fetch TypeError whose own `cause` says ECONNREFUSED, say).
 */
export class TracknumClientError extends Error {
  override readonly name = 'TracknumClientError';
  readonly kind: FailureKind;
  readonly method: string;
  /** The last URL tried, without its query string. */
  readonly url: string | undefined;
  /** The last answer's status, when the last attempt got one. */
  readonly status: number | undefined;
  readonly problem: TracknumProblem | undefined;
  readonly body: string | undefined;
  readonly attempts: readonly Attempt[];
  readonly elapsedMs: number;

  constructor(details: ClientErrorDetails) {
    const last = details.attempts.at(-1);
    const count = details.attempts.length;
    const listed = details.attempts.slice(-LISTED_ATTEMPTS).map(describeAttempt);
    if (count > LISTED_ATTEMPTS) listed.unshift(`(${count - LISTED_ATTEMPTS} earlier)`);
    const tried = count === 0 ? '' : `; attempts: ${listed.join('; ')}`;
    super(
      `${details.method} ${details.path}: ${details.reason} after ${count} attempt${count === 1 ? '' : 's'} in ${Math.round(details.elapsedMs)} ms${tried}`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.kind = details.kind;
    this.method = details.method;
    this.url = last?.url;
    this.status = last?.status;
    this.problem = details.problem;
    this.body = details.body;
    this.attempts = details.attempts;
    this.elapsedMs = details.elapsedMs;
  }

  /** True, and `problem` typed as that code's document, when the last answer was a problem of `code`. */
  hasProblem<C extends ProblemCode>(code: C): this is this & { readonly problem: Problems[C] } {
    return this.problem?.code === code;
  }

  /** For JSON logs: everything above, the cause as text. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      method: this.method,
      url: this.url,
      status: this.status,
      problem: this.problem,
      body: this.body,
      attempts: this.attempts,
      elapsedMs: this.elapsedMs,
      cause: describeCause(this.cause),
    };
  }
}
