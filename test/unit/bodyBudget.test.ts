/**
 * The body budget (core/bodyBudget.ts), and the batch handler's use of it on
 * every path a request can end by, driven through a stand-in for uWS's
 * response: what a request takes is given back exactly once, whether it is
 * answered, refused, timed out, aborted or ends in an exception. Another
 * request's hold stays in the budget throughout, so that a second release
 * (which would take it below that) shows as well as a missing one.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { BodyBudget, createBodyBudget } from '../../src/core/bodyBudget.js';
import { createControlBlock } from '../../src/core/controlBlock.js';
import { createLogger } from '../../src/logger.js';
import { createMetricsBuffer, WorkerMetrics } from '../../src/metrics.js';
import { BATCH_LIMITS } from '../../src/validation/batchRequest.js';
import { EXAMPLE_ORDER } from '../../src/validation/orderParameters.js';
import { batchHandler } from '../../src/worker/batch.js';
import { NO_CLIENT, type RouteContext } from '../../src/worker/context.js';
import { Replies } from '../../src/worker/replies.js';
import type { HttpRequest, HttpResponse } from '../../src/worker/uws.js';

describe('BodyBudget', () => {
  it('takes bytes up to its limit, shared by every worker, and gives them back', () => {
    const buffer = createBodyBudget(1000, 2);
    const one = new BodyBudget(buffer, 1);
    const two = new BodyBudget(buffer, 2);
    assert.equal(one.limit, 1000);
    assert.ok(one.take(600));
    assert.ok(!two.take(401), 'past the limit');
    assert.equal(two.held, 600, 'a refused take takes nothing');
    assert.ok(two.take(400));
    assert.ok(!one.take(1));
    one.release(600);
    assert.equal(new BodyBudget(buffer).held, 400);
    assert.ok(one.take(600));
  });

  it('gives back, once, what a hold took, however often it is released', () => {
    const budget = new BodyBudget(createBodyBudget(100, 1), 1);
    const hold = budget.hold();
    assert.ok(hold.take(30) && hold.take(20));
    assert.ok(!hold.take(51));
    assert.equal(hold.bytes, 50);
    hold.release();
    hold.release();
    assert.equal(budget.held, 0);
  });

  it('lets the primary take back what a worker that died held', () => {
    const buffer = createBodyBudget(100, 2);
    const dead = new BodyBudget(buffer, 1);
    const alive = new BodyBudget(buffer, 2);
    assert.ok(dead.take(70) && alive.take(20));
    assert.equal(new BodyBudget(buffer).reclaim(1), 70);
    assert.equal(alive.held, 20);
    assert.equal(new BodyBudget(buffer).reclaim(1), 0);
  });

  it('refuses a budget one Int32 word cannot hold, and a worker it has no word for', () => {
    assert.throws(() => createBodyBudget(2 ** 31, 1), RangeError);
    assert.throws(() => new BodyBudget(createBodyBudget(10, 2), 3), RangeError);
  });
});

/** uWS's response, as far as the batch handler uses it; what was written, and the callbacks to drive it with. */
class FakeResponse {
  status = '200 OK';
  body: string | undefined;
  closedAfter = false;
  closed = false;
  /** Throw from end(): a bug while answering. */
  failOnEnd = false;
  #onData: ((chunk: ArrayBuffer, isLast: boolean) => void) | undefined;
  #onAborted: (() => void) | undefined;

  onData(handler: (chunk: ArrayBuffer, isLast: boolean) => void): this {
    this.#onData = handler;
    return this;
  }
  onAborted(handler: () => void): this {
    this.#onAborted = handler;
    return this;
  }
  cork(callback: () => void): this {
    callback();
    return this;
  }
  writeStatus(status: string): this {
    this.status = status;
    return this;
  }
  writeHeader(): this {
    return this;
  }
  end(body: string, closeConnection: boolean): this {
    if (this.failOnEnd) {
      this.failOnEnd = false;
      throw new Error('a bug while answering');
    }
    this.body = body;
    this.closedAfter = closeConnection;
    return this;
  }
  close(): this {
    this.closed = true;
    return this;
  }

  /** A chunk, as uWS gives it: memory that is reused (here: wiped) once the callback returns. */
  send(text: string | Uint8Array, isLast = false): void {
    const bytes = typeof text === 'string' ? Buffer.from(text) : text;
    const chunk = new ArrayBuffer(bytes.length);
    new Uint8Array(chunk).set(bytes);
    this.#onData!(chunk, isLast);
    new Uint8Array(chunk).fill(0);
  }
  abort(): void {
    this.#onAborted!();
  }
  get code(): string | undefined {
    return this.body === undefined ? undefined : (JSON.parse(this.body) as { code?: string }).code;
  }
}

function request(headers: Record<string, string>): HttpRequest {
  return {
    getHeader: (name: string) => headers[name] ?? '',
    getMethod: () => 'post',
    getUrl: () => '/tracking-numbers',
  } as unknown as HttpRequest;
}

const OTHER_REQUEST = 1000;
const BODY = JSON.stringify({ orders: [{ ...EXAMPLE_ORDER, parcels: 2 }] });

describe('the batch handler and the body budget', () => {
  let budget: BodyBudget;
  let handle: (res: FakeResponse, headers?: Record<string, string>) => void;

  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout'] });
    budget = new BodyBudget(createBodyBudget(2 * BATCH_LIMITS.maxBodyBytes, 1), 1);
    // Another request's bytes: still held after each request here ends.
    assert.ok(budget.hold().take(OTHER_REQUEST));
    const control = createControlBlock(); // issuing nothing: a valid batch gets 503 NOT_ISSUING
    const context = {
      control,
      allocator: { next: () => false, drawRuns: () => false },
      counters: new WorkerMetrics(createMetricsBuffer(), 1),
      bodyBudget: budget,
      replies: new Replies(control),
      log: createLogger({ role: 'test' }).child({}, { level: 'silent' }),
      logRequests: false,
    } as unknown as RouteContext;
    const handler = batchHandler(context, 0);
    handle = (res, headers = { 'content-type': 'application/json' }) =>
      void handler(res as unknown as HttpResponse, request(headers), NO_CLIENT);
  });
  afterEach(() => mock.timers.reset());

  /** The budget holds nothing of this request (and the other request's bytes, once). */
  const released = (): void => assert.equal(budget.held, OTHER_REQUEST);

  it('holds the bytes as they arrive, not the declared length, and gives them back once answered', () => {
    const res = new FakeResponse();
    handle(res, { 'content-type': 'application/json', 'content-length': String(BODY.length) });
    assert.equal(budget.held, OTHER_REQUEST, 'nothing is taken for a declared length');
    res.send(BODY.slice(0, 10));
    assert.equal(budget.held, OTHER_REQUEST + BODY.length, 'a block, as large as the body may still be');
    res.send(BODY.slice(10), true);
    assert.match(res.status, /^503/);
    assert.equal(res.code, 'NOT_ISSUING', 'the body was read whole, and valid');
    released();
    res.abort(); // uWS may still report the connection gone: nothing more to give back
    released();
  });

  it('takes a chunked body block by block, and gives it back on a 400', () => {
    const res = new FakeResponse();
    handle(res, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const text = `{"orders":[${'1,'.repeat(10_000)}1]}`;
    res.send(text.slice(0, 100));
    assert.equal(budget.held, OTHER_REQUEST + 16 * 1024, 'one block');
    res.send(text.slice(100, 17_000));
    assert.equal(budget.held, OTHER_REQUEST + 32 * 1024, 'two blocks');
    res.send(text.slice(17_000), true);
    assert.equal(res.code, 'INVALID_BODY');
    released();
  });

  it('gives back what a request held when its client goes away', () => {
    const res = new FakeResponse();
    handle(res);
    res.send(BODY.slice(0, 50));
    assert.ok(budget.held > OTHER_REQUEST);
    res.abort();
    released();
    mock.timers.tick(BATCH_LIMITS.bodyTimeoutMs);
    assert.equal(res.body, undefined, 'nothing is answered to a client gone');
    released();
  });

  it(`gives it back on the ${BATCH_LIMITS.bodyTimeoutMs / 1000} s timeout (408)`, () => {
    const res = new FakeResponse();
    handle(res);
    res.send(BODY.slice(0, 50));
    mock.timers.tick(BATCH_LIMITS.bodyTimeoutMs);
    assert.equal(res.code, 'BODY_TIMEOUT');
    assert.ok(res.closedAfter);
    released();
    res.abort();
    released();
  });

  it('gives it back when the body passes the size cap (413)', () => {
    const res = new FakeResponse();
    handle(res);
    const chunk = new Uint8Array(300 * 1024).fill(0x20);
    for (let i = 0; i < 4 && res.body === undefined; i += 1) res.send(chunk);
    assert.equal(res.code, 'CONTENT_TOO_LARGE');
    released();
  });

  it('refuses with 503 the request that would pass the budget, closes, and keeps nothing of it', () => {
    const others = budget.hold();
    assert.ok(others.take(budget.limit - OTHER_REQUEST - 50 * 1024), 'the budget all but full');
    const res = new FakeResponse();
    handle(res);
    res.send(new Uint8Array(40 * 1024).fill(0x20));
    assert.equal(res.body, undefined, 'within the budget');
    res.send(new Uint8Array(40 * 1024).fill(0x20));
    assert.match(res.status, /^503/);
    assert.equal(res.code, 'BODY_BUDGET_EXHAUSTED');
    assert.ok(res.closedAfter);
    others.release();
    released();
  });

  it('gives it back when answering throws (500, or the connection closed)', () => {
    const res = new FakeResponse();
    handle(res);
    res.failOnEnd = true;
    res.send(BODY, true);
    assert.equal(res.code, 'INTERNAL');
    released();
    const again = new FakeResponse();
    handle(again);
    again.end = () => {
      throw new Error('every write fails');
    };
    again.send(BODY, true);
    assert.ok(again.closed);
    released();
  });

  it('copies each chunk: uWS reuses its memory', () => {
    const res = new FakeResponse();
    handle(res);
    for (const character of BODY) res.send(character);
    res.send('', true);
    assert.equal(res.code, 'NOT_ISSUING', 'the body read was the body sent');
    released();
  });
});
