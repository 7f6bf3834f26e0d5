/**
 * `POST /tracking-numbers`: a batch of orders, each with its parcels, answered
 * with the numbers grouped per order, in the order given.
 *
 * The body arrives in chunks after the handler has returned, so:
 * - the headers are read in the handler (uWS invalidates `req` when it returns);
 * - the body is copied as it arrives (uWS reuses each chunk's memory) into
 *   blocks allocated as bytes arrive, never for a length only declared; each
 *   block is taken from the instance's body budget (core/bodyBudget.ts) before
 *   it is allocated, and a request that would pass the budget gets 503 and its
 *   connection closed;
 * - it is refused with 413 as soon as it passes BATCH_LIMITS.maxBodyBytes (or
 *   at once when Content-Length says so), and closed with 408 when it has not
 *   all arrived within BATCH_LIMITS.bodyTimeoutMs;
 * - a client that goes away mid-body (res.onAborted) costs the bytes already
 *   copied, until then: numbers are drawn only once the whole body is in;
 * - what the request holds of the budget is given back once it is over,
 *   whichever way (answered, refused, timed out, aborted, an exception);
 * - every callback catches, and answers 500 if nothing was answered yet: an
 *   exception escaping a uWS callback would abort the process.
 *
 * Nothing is issued unless the whole request is valid; the orders read go
 * down the one issuing path (issueOrders.ts).
 */
import { BATCH_LIMITS, readBatchRequest, type BodyProblem } from '../validation/batchRequest.js';
import { parameterIndex } from '../validation/orderParameters.js';
import { ANSWERED_LATER, type Handler, type RouteContext } from './context.js';
import { batchAnswerBody } from './issuedAnswer.js';
import { issueOrders, type IssuingRoute } from './issueOrders.js';
import type { HttpResponse } from './uws.js';

/**
 * Body memory is allocated in blocks of at least this size (or the chunk that
 * arrived, when larger; never more than the body may still hold): a body that
 * arrives a few bytes at a time costs a few blocks, not an object per chunk.
 */
const BLOCK_BYTES = 16 * 1024;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** `application/json`, any case, with no charset parameter or charset=utf-8. */
function isJsonMediaType(contentType: string): boolean {
  const [type, ...parameters] = contentType.split(';');
  if (type?.trim().toLowerCase() !== 'application/json') return false;
  return parameters.every((parameter) => {
    const equals = parameter.indexOf('=');
    const name = parameter
      .slice(0, equals < 0 ? undefined : equals)
      .trim()
      .toLowerCase();
    if (name !== 'charset') return true;
    const value = parameter
      .slice(equals + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    return value.toLowerCase() === 'utf-8';
  });
}

export function batchHandler(context: RouteContext, route: number): Handler {
  const { replies, counters, log, bodyBudget } = context;
  return (res, req, client) => {
    // Everything needed from `req`, now: it is gone once this returns.
    const contentType = req.getHeader('content-type');
    const contentLength = req.getHeader('content-length');
    const hasBody = (contentLength !== '' && contentLength !== '0') || req.getHeader('transfer-encoding') !== '';
    const logged = context.logRequests ? { method: req.getMethod(), url: req.getUrl() } : undefined;
    if (!isJsonMediaType(contentType)) {
      return replies.problem(res, 'UNSUPPORTED_MEDIA_TYPE', {
        detail: `the body must be JSON, sent with Content-Type: application/json (got ${JSON.stringify(contentType.slice(0, 100))})`,
        headers: { 'Accept-Post': 'application/json' },
        close: hasBody,
      });
    }
    // uWS has checked Content-Length (it reads the body by it); none means a chunked body.
    const declared = /^[0-9]+$/.test(contentLength) ? Number(contentLength) : undefined;
    if (declared !== undefined && declared > BATCH_LIMITS.maxBodyBytes) return tooLarge(res, context);
    /** The most bytes the body may have. */
    const limit = declared ?? BATCH_LIMITS.maxBodyBytes;

    // The body's blocks, all full but the last, and what they hold of the budget.
    const hold = bodyBudget.hold();
    let blocks: Buffer[] = [];
    let filled = 0; // bytes in the last block
    let received = 0;
    let done = false;

    /** Ends the request: nothing more is read or answered, the blocks go and the budget is given back. */
    const finish = (): void => {
      done = true;
      clearTimeout(timer);
      blocks = [];
      hold.release();
    };
    const answer = (write: () => number): void => {
      if (done) return;
      let status = 500;
      try {
        res.cork(() => {
          status = write();
        });
      } catch (error) {
        log.error({ err: error }, 'batch request failed');
        status = internalError(res, context);
      } finally {
        finish();
      }
      counters.request(route, status);
      if (logged !== undefined) log.info({ ...logged, route: 'batch', status }, 'request');
    };
    // Every callback's body runs in here: an exception answers 500 (when nothing was answered yet).
    const guard = (callback: () => void): void => {
      try {
        callback();
      } catch (error) {
        log.error({ err: error }, 'batch request failed');
        answer(() => internalError(res, context));
      }
    };

    const timer = setTimeout(
      () =>
        guard(() =>
          answer(() =>
            replies.problem(res, 'BODY_TIMEOUT', {
              detail: `the body did not arrive within ${BATCH_LIMITS.bodyTimeoutMs / 1000} s of the request`,
              close: true,
            }),
          ),
        ),
      BATCH_LIMITS.bodyTimeoutMs,
    );
    // The client is gone: drop what arrived; nothing was drawn.
    res.onAborted(finish);
    res.onData((chunk, isLast) =>
      guard(() => {
        if (done) return;
        const bytes = new Uint8Array(chunk);
        if (received + bytes.length > limit) {
          answer(() => tooLarge(res, context));
          return;
        }
        // Copied: uWS reuses the chunk's memory after this callback.
        for (let from = 0; from < bytes.length;) {
          let block = blocks[blocks.length - 1];
          if (block === undefined || filled === block.length) {
            const size = Math.min(limit - received, Math.max(BLOCK_BYTES, bytes.length - from));
            if (!hold.take(size)) {
              counters.bodyBudgetRefused();
              answer(() => overBudget(res, context));
              return;
            }
            block = Buffer.allocUnsafeSlow(size);
            blocks.push(block);
            filled = 0;
          }
          const copied = Math.min(block.length - filled, bytes.length - from);
          block.set(bytes.subarray(from, from + copied), filled);
          filled += copied;
          from += copied;
          received += copied;
        }
        if (!isLast) return;
        const body = blocks.length === 1 ? blocks[0]!.subarray(0, received) : Buffer.concat(blocks, received);
        answer(() => issueBatch(res, context, body, client));
      }),
    );
    return ANSWERED_LATER;
  };
}

/** 500, with the connection closed; or, when part of an answer was written already, the connection closed. */
function internalError(res: HttpResponse, context: RouteContext): number {
  try {
    return context.replies.problem(res, 'INTERNAL', { detail: 'the request could not be handled', close: true });
  } catch {
    res.close();
    return 500;
  }
}

function overBudget(res: HttpResponse, context: RouteContext): number {
  return context.replies.problem(res, 'BODY_BUDGET_EXHAUSTED', {
    detail: `request bodies arriving on this instance hold all of the ${context.bodyBudget.limit} bytes set aside for them; retry shortly or use another instance`,
    headers: { 'Retry-After': '1' },
    close: true,
  });
}

function tooLarge(res: HttpResponse, context: RouteContext): number {
  return context.replies.problem(res, 'CONTENT_TOO_LARGE', {
    detail: `the body is larger than ${BATCH_LIMITS.maxBodyBytes} bytes: split the batch into several requests`,
    close: true,
  });
}

/** The batch's side of the issuing path: problems at JSON Pointers, numbers grouped per order. */
const BATCH: IssuingRoute<BodyProblem> = {
  invalid: 'INVALID_BODY',
  // "/orders/3/weight" counts for weight; anything else as 'other'.
  slotOf: (problem) => parameterIndex(problem.pointer.slice(problem.pointer.lastIndexOf('/') + 1)),
  // The body itself (pointer ""): the detail says so.
  describe: (problem) => (problem.pointer === '' ? problem.detail : `${problem.pointer}: ${problem.detail}`),
  count: (context, numbers) => context.counters.batchIssued(numbers),
  body: batchAnswerBody,
};

/** Reads a whole body, and issues its numbers. */
function issueBatch(res: HttpResponse, context: RouteContext, body: Uint8Array, client: number): number {
  const { replies } = context;
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    return replies.problem(res, 'MALFORMED_JSON', { detail: 'the body is not valid UTF-8' });
  }
  const read = readBatchRequest(text);
  if ('syntax' in read) {
    const { message, offset } = read.syntax;
    return replies.problem(res, 'MALFORMED_JSON', {
      detail: `the body is not JSON: ${message} (at character ${offset})`,
      extensions: { offset },
    });
  }
  return issueOrders(res, context, BATCH, read, client);
}
