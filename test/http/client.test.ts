/**
 * The client (src/client/) against two real instances, and against small
 * servers of the test's own that refuse, hang, or answer 503/429 with
 * Retry-After before passing requests on to an instance.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import {
  createClient,
  TracknumClientError,
  type Attempt,
  type ClientOptions,
  type Issued,
  type TracknumClient,
} from '../../src/client/index.js';
import { OPENAPI, validatorFor } from '../helpers/contract.js';
import { EXAMPLE_ORDER, ROOT, TEST_NODE_ID, decodeNumber, startService, type Service } from '../helpers/service.js';

let first: Service;
let second: Service;
/** The second instance's node ID: above 3800, the highest TEST_NODE_ID, so no test process's default. */
let secondNodeId: number;
const closers: (() => Promise<void>)[] = [];

/** An instance with a node ID of its own, another if a concurrent test run holds the one drawn. */
async function startSecond(): Promise<Service> {
  for (let tries = 1; ; tries += 1) {
    secondNodeId = 3801 + Math.floor(Math.random() * 295);
    try {
      return await startService({ env: { NODE_ID: String(secondNodeId) } });
    } catch (error) {
      if (tries === 3 || !String(error).includes('NODE_ID_IN_USE')) throw error;
    }
  }
}

before(async () => {
  [first, second] = await Promise.all([startService(), startSecond()]);
});
after(async () => {
  await Promise.all(closers.map((close) => close()));
  const codes = await Promise.all([first.stop(), second.stop()]);
  assert.deepEqual(
    codes.map(({ code }) => code),
    [0, 0],
  );
});

const url = (service: Service): string => `http://127.0.0.1:${service.port}`;

/** Throws unless `value` is what the OpenAPI document says `method path` answers with `status`. */
function assertContract(value: unknown, method: string, path: string, status = '200'): void {
  const responses = OPENAPI.paths[path]?.[method]?.responses;
  const content = responses?.[status]?.content;
  const schema = (content?.['application/json'] ?? content?.['application/problem+json'])?.schema;
  assert.ok(schema, `no schema for ${method} ${path} ${status}`);
  const validate = validatorFor(schema);
  assert.ok(validate(value), `${method} ${path}: ${JSON.stringify(validate.errors)}\n${JSON.stringify(value)}`);
}

/** A client of the test's: no pause between rounds unless asked, every attempt recorded. */
function clientOf(
  baseUrls: string[],
  options: Omit<ClientOptions, 'baseUrls'> = {},
): { client: TracknumClient; attempts: Attempt[] } {
  const attempts: Attempt[] = [];
  const client = createClient({
    baseUrls,
    backoff: { baseMs: 0 },
    onAttempt: (attempt) => attempts.push(attempt),
    ...options,
  });
  return { client, attempts };
}

/** Resolves with the call's error, failing when it succeeds or throws anything else. */
async function failure(call: Promise<unknown>): Promise<TracknumClientError> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof TracknumClientError, String(error));
    return error;
  }
  assert.fail('the call succeeded');
}

interface Arrival {
  at: number;
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

interface TestServer {
  url: string;
  arrivals: Arrival[];
  /** Connections accepted. */
  connections: () => number;
}

/** Tracks a server's sockets, and closes it with them when the tests end. */
function closeAtEnd(server: NetServer): () => number {
  const sockets = new Set<Socket>();
  let accepted = 0;
  server.on('connection', (socket: Socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  closers.push(
    () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return () => accepted;
}

async function listening(server: NetServer): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(typeof address === 'object' && address !== null);
  return `http://127.0.0.1:${address.port}`;
}

/**
 * An HTTP server whose `script` decides each request's answer by its index:
 * an answer of its own, or undefined to pass the request on to `target`.
 */
async function scripted(
  script: (index: number) => { status: number; headers?: Record<string, string>; body?: string } | undefined,
  target?: Service,
): Promise<TestServer> {
  const arrivals: Arrival[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const index = arrivals.push({
      at: performance.now(),
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
    });
    const own = script(index - 1);
    if (own !== undefined || target === undefined) {
      const { status, headers = {}, body = '' } = own ?? { status: 502 };
      req.resume();
      res.writeHead(status, headers).end(body);
      return;
    }
    const upstream = request(
      { host: '127.0.0.1', port: target.port, path: req.url, method: req.method, headers: req.headers, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 30_000;
  const connections = closeAtEnd(server);
  return { url: await listening(server), arrivals, connections };
}

/** A tracknum-like 503: not issuing, come back after `retryAfter`. */
const notIssuing = (retryAfter: string): { status: number; headers: Record<string, string>; body: string } => ({
  status: 503,
  headers: { 'content-type': 'application/problem+json', 'retry-after': retryAfter },
  body: JSON.stringify({
    type: 'urn:tracknum:problem:not-issuing',
    title: 'Not issuing tracking numbers',
    status: 503,
    detail: 'this instance is shutting down',
    code: 'NOT_ISSUING',
  }),
});

/** A server that accepts connections and never answers. */
async function hanging(): Promise<TestServer> {
  const server = createNetServer(() => {});
  const connections = closeAtEnd(server);
  return { url: await listening(server), arrivals: [], connections };
}

/** A URL nothing listens on: a port just freed. */
async function refusing(): Promise<string> {
  const server = createNetServer();
  const address = await listening(server);
  await new Promise((resolve) => server.close(resolve));
  return address;
}

describe('the client against two instances', () => {
  it('issues, batches and looks up, with answers valid per the contract', async () => {
    const { client } = clientOf([url(first), url(second)]);
    const issued: Issued = await client.next(EXAMPLE_ORDER);
    assertContract(issued, 'get', '/next-tracking-number');
    assert.deepEqual(issued.order, EXAMPLE_ORDER);
    assert.equal(decodeNumber(issued.tracking_number).nodeId, TEST_NODE_ID);

    const batch = await client.batch([
      { ...EXAMPLE_ORDER, weight: 1.234, parcels: 3 },
      { ...EXAMPLE_ORDER, origin_country_id: 'SG' },
    ]);
    assertContract(batch, 'post', '/tracking-numbers');
    assert.deepEqual(
      batch.orders.map(({ order, tracking_numbers }) => [
        order.origin_country_id,
        order.weight,
        tracking_numbers.length,
      ]),
      [
        ['MY', '1.234', 3],
        ['SG', '1.234', 1],
      ],
    );
    const numbers = [issued, ...batch.orders.flatMap((order) => order.tracking_numbers)].map((n) => n.tracking_number);
    assert.equal(new Set(numbers).size, 5);

    // The other instance, under the same key, tells the same of a number the first issued.
    const { client: onSecond } = clientOf([url(second)]);
    for (const lookup of [await client.lookup(issued.tracking_number), await onSecond.lookup(issued.tracking_number)]) {
      assertContract(lookup, 'get', '/tracking-numbers/{number}');
      assert.deepEqual(lookup, {
        tracking_number: issued.tracking_number,
        valid: true,
        origin_country_id: 'MY',
        format: 'opaque',
        generation: '0',
      });
    }
  });

  it("runs the readme's example, which is test/fixtures/clientExample.ts but for its import", async () => {
    const fixture = readFileSync(join(ROOT, 'test/fixtures/clientExample.ts'), 'utf8');
    const readme = /^### Client\n[\s\S]*?```ts\n([\s\S]*?)```/m.exec(readFileSync(join(ROOT, 'readme.md'), 'utf8'));
    assert.ok(readme, 'no ts block under "### Client" in the readme');
    assert.equal(readme[1], fixture.replace("from '../../src/client/index.js'", "from 'tracknum/client'"));
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/fixtures/clientExample.ts')], {
      env: { ...process.env, TRACKNUM_URLS: `${await refusing()},${url(second)}` },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, output);
    const [number] = output.trim().split(' ');
    assert.equal(decodeNumber(number!).nodeId, secondNodeId, output);
  });

  it('keeps connections alive over calls', async () => {
    const proxy = await scripted(() => undefined, first);
    const { client } = clientOf([proxy.url]);
    for (let i = 0; i < 10; i += 1) await client.next(EXAMPLE_ORDER);
    assert.equal(proxy.arrivals.length, 10);
    // undici returns a connection to its pool a moment after the answer's end, so the call that
    // follows at once may open a second one; after that they take turns.
    assert.ok(proxy.connections() <= 2, `${proxy.connections()} connections for 10 calls`);
  });
});

describe('failover', () => {
  it('moves on when the first URL refuses connections, and starts with the one that answered next time', async () => {
    const { client, attempts } = clientOf([await refusing(), url(first)]);
    const issued = await client.next(EXAMPLE_ORDER);
    assert.equal(decodeNumber(issued.tracking_number).nodeId, TEST_NODE_ID);
    assert.deepEqual(
      attempts.map((a) => [a.outcome, a.status, a.code]),
      [
        ['network', undefined, 'ECONNREFUSED'],
        ['answer', 200, undefined],
      ],
    );
    await client.next(EXAMPLE_ORDER);
    assert.equal(attempts.length, 3, 'the second call went straight to the URL that answered');
    assert.equal(attempts[2]!.url, `${url(first)}/next-tracking-number`);
  });

  it('moves on at once when the first URL answers 503, keeping it out for its Retry-After', async () => {
    const unavailable = await scripted(() => notIssuing('5'));
    const { client, attempts } = clientOf([unavailable.url, url(second)]);
    const started = performance.now();
    const issued = await client.next(EXAMPLE_ORDER);
    assert.ok(performance.now() - started < 1000, 'it did not wait for the Retry-After of a URL it could skip');
    assert.equal(decodeNumber(issued.tracking_number).nodeId, secondNodeId);
    assert.deepEqual(
      attempts.map((a) => [a.status, a.code, a.retryAfterMs]),
      [
        [503, 'NOT_ISSUING', 5000],
        [200, undefined, undefined],
      ],
    );
    // Within its Retry-After, the 503 URL is tried last, so not at all while the other answers.
    await client.batch([EXAMPLE_ORDER]);
    assert.equal(unavailable.arrivals.length, 1);
  });

  it('moves on when the first URL hangs, after the per-attempt timeout', async () => {
    const stuck = await hanging();
    const { client, attempts } = clientOf([stuck.url, url(first)], { timeoutMs: 400 });
    const started = performance.now();
    const issued = await client.next(EXAMPLE_ORDER);
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 400 && elapsed < 900, `${elapsed} ms`);
    assert.equal(decodeNumber(issued.tracking_number).nodeId, TEST_NODE_ID);
    assert.deepEqual(
      attempts.map((a) => a.outcome),
      ['timeout', 'answer'],
    );
    assert.equal(stuck.connections(), 1);
  });

  it('gives up after every round, listing each attempt', async () => {
    const urls = [await refusing(), await refusing()];
    const { client } = clientOf(urls, { retries: 1 });
    const error = await failure(client.lookup('MY0O91ZKF95OFVN7'));
    assert.equal(error.kind, 'exhausted');
    assert.deepEqual(
      error.attempts.map((a) => [a.url, a.code]),
      [0, 1, 0, 1].map((i) => [`${urls[i]}/tracking-numbers/MY0O91ZKF95OFVN7`, 'ECONNREFUSED']),
    );
    assert.equal(error.url, `${urls[1]}/tracking-numbers/MY0O91ZKF95OFVN7`);
    assert.ok(error.cause instanceof Error);
    assert.match(
      error.message,
      /^GET \/tracking-numbers\/MY0O91ZKF95OFVN7: no URL gave an answer in 2 rounds after 4 attempts/,
    );
  });
});

describe('Retry-After', () => {
  const rows: [string, (sentAt: number) => { status: number; headers: Record<string, string> }, number][] = [
    ['503, in seconds', () => notIssuing('1'), 1000],
    ['429, in seconds', () => ({ status: 429, headers: { 'retry-after': '1' } }), 1000],
    [
      '503, as an HTTP date',
      () => ({ status: 503, headers: { 'retry-after': new Date(Date.now() + 2000).toUTCString() } }),
      // toUTCString() drops the milliseconds: the wait is 1 to 2 s.
      1000,
    ],
  ];
  for (const [name, answer, atLeastMs] of rows) {
    it(`waits as long as a ${name} asks before trying the same URL again`, async () => {
      let answeredAt = 0;
      const server = await scripted((index) => {
        if (index > 0) return undefined;
        answeredAt = performance.now();
        return answer(answeredAt);
      }, first);
      const { client, attempts } = clientOf([server.url], { retries: 1 });
      const issued = await client.next(EXAMPLE_ORDER);
      assert.equal(decodeNumber(issued.tracking_number).nodeId, TEST_NODE_ID);
      const waited = server.arrivals[1]!.at - answeredAt;
      const asked = attempts[0]!.retryAfterMs!;
      assert.ok(asked >= atLeastMs && asked <= 2000, `asked ${asked} ms`);
      // Timers never fire early; the answer's trip back and the next request's trip there take a little.
      assert.ok(waited >= asked - 5 && waited < asked + 250, `waited ${waited} ms where ${asked} ms were asked`);
    });
  }

  it('starts the next round with the URL whose Retry-After ends soonest', async () => {
    const later = await scripted(() => notIssuing('5'), first);
    const sooner = await scripted((index) => (index === 0 ? notIssuing('1') : undefined), second);
    const { client, attempts } = clientOf([later.url, sooner.url], { retries: 1 });
    const started = performance.now();
    const issued = await client.next(EXAMPLE_ORDER);
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 995 && elapsed < 1300, `${elapsed} ms`);
    assert.equal(decodeNumber(issued.tracking_number).nodeId, secondNodeId);
    assert.deepEqual(
      attempts.map((a) => [a.url.replace('/next-tracking-number', ''), a.status]),
      [
        [later.url, 503],
        [sooner.url, 503],
        [sooner.url, 200],
      ],
    );
  });

  it('fails at once, with the 503 problem, when the Retry-After goes past the deadline', async () => {
    const server = await scripted(() => notIssuing('30'));
    const { client } = clientOf([server.url], { deadlineMs: 2000 });
    const started = performance.now();
    const error = await failure(client.next(EXAMPLE_ORDER));
    assert.ok(performance.now() - started < 500);
    assert.equal(error.kind, 'deadline');
    assert.equal(error.status, 503);
    assert.ok(error.hasProblem('NOT_ISSUING'));
    assert.equal(error.problem.detail, 'this instance is shutting down');
    assert.equal(error.attempts.length, 1);
    assert.equal(error.attempts[0]!.retryAfterMs, 30_000);
    assert.match(error.message, /asked to wait 3\d{4} ms \(Retry-After\), past the deadline of 2000 ms/);
  });

  it('falls back to the back-off when the Retry-After is malformed', async () => {
    const server = await scripted((index) => (index === 0 ? notIssuing('soon') : undefined), first);
    const { client, attempts } = clientOf([server.url], { retries: 1 });
    const started = performance.now();
    await client.next(EXAMPLE_ORDER);
    assert.ok(performance.now() - started < 500);
    assert.equal(attempts[0]!.retryAfterMs, undefined);
  });
});

describe('the deadline and the caller', () => {
  it('bounds the whole call when every URL hangs, and lists the attempts', async () => {
    const urls = [(await hanging()).url, (await hanging()).url];
    const { client } = clientOf(urls, { timeoutMs: 450, deadlineMs: 1000, retries: 100, backoff: { maxMs: 20 } });
    const started = performance.now();
    const error = await failure(client.next(EXAMPLE_ORDER));
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 1000 && elapsed < 1200, `${elapsed} ms`);
    assert.equal(error.kind, 'deadline');
    assert.deepEqual(
      error.attempts.map((a) => [a.url, a.outcome]),
      [
        [`${urls[0]}/next-tracking-number`, 'timeout'],
        [`${urls[1]}/next-tracking-number`, 'timeout'],
        [`${urls[0]}/next-tracking-number`, 'deadline'],
      ],
    );
    assert.match(error.message, /deadline of 1000 ms passed after 3 attempts in 1\d{3} ms; attempts: http/);
    assert.ok(!error.message.includes('?'), 'no query string (the order) in the message');
  });

  it("stops at once when the caller's signal aborts, and never starts with an aborted one", async () => {
    const stuck = await hanging();
    const { client } = clientOf([stuck.url]);
    const started = performance.now();
    const error = await failure(client.next(EXAMPLE_ORDER, { signal: AbortSignal.timeout(200) }));
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 195 && elapsed < 400, `${elapsed} ms`);
    assert.equal(error.kind, 'aborted');
    assert.deepEqual(
      error.attempts.map((a) => a.outcome),
      ['aborted'],
    );
    const aborted = new AbortController();
    aborted.abort();
    const before = stuck.connections();
    assert.equal((await failure(client.next(EXAMPLE_ORDER, { signal: aborted.signal }))).attempts.length, 0);
    assert.equal(stuck.connections(), before);
  });
});

describe('answers that end the call', () => {
  it('does not retry a 400, and carries the problem with its errors', async () => {
    const { client, attempts } = clientOf([url(first), url(second)]);
    const error = await failure(client.next({ ...EXAMPLE_ORDER, weight: '1e3' }));
    assert.equal(error.kind, 'rejected');
    assert.equal(error.status, 400);
    assert.equal(attempts.length, 1);
    assert.ok(error.hasProblem('INVALID_PARAMETERS'));
    assertContract(error.problem, 'get', '/next-tracking-number', '400');
    assert.deepEqual(error.problem.errors, [
      {
        parameter: 'weight',
        detail: 'weight must be a positive number of kilograms with at most 3 decimals, at most 1000 (e.g. 1.234)',
        value: '1e3',
      },
    ]);
    assert.match(error.message, /answered 400 INVALID_PARAMETERS: weight must be/);
    assert.deepEqual((JSON.parse(JSON.stringify(error)) as { problem: unknown }).problem, error.problem);
  });

  it('does not retry an invalid batch (INVALID_BODY, at its pointer) nor a mistyped number (422)', async () => {
    const { client, attempts } = clientOf([url(first), url(second)]);
    const batch = await failure(client.batch([{ ...EXAMPLE_ORDER, parcels: 0 }]));
    assert.ok(batch.hasProblem('INVALID_BODY'));
    assert.deepEqual(
      batch.problem.errors.map((e) => e.pointer),
      ['/orders/0/parcels'],
    );
    const lookup = await failure(client.lookup('MY0O91ZKF95OFVN8'));
    assert.ok(lookup.hasProblem('CHECK_CHARACTER_MISMATCH'));
    assert.equal(lookup.status, 422);
    assert.equal(attempts.length, 2);
  });

  it('does not retry a 500, and keeps the start of a body that is not a problem', async () => {
    const broken = await scripted(() => ({
      status: 500,
      headers: { 'content-type': 'text/html' },
      body: '<h1>oops</h1>',
    }));
    const { client, attempts } = clientOf([broken.url, url(first)]);
    const error = await failure(client.next(EXAMPLE_ORDER));
    assert.equal(error.kind, 'rejected');
    assert.equal(error.problem, undefined);
    assert.equal(error.body, '<h1>oops</h1>');
    assert.equal(attempts.length, 1);
  });
});

describe('the token', () => {
  const token = 'tn_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0';

  it('is sent as a Bearer token, and is in no error, whatever failed', async () => {
    const proxy = await scripted(() => undefined, first);
    const { client } = clientOf([proxy.url], { token });
    await client.next(EXAMPLE_ORDER);
    assert.equal(proxy.arrivals[0]!.headers['authorization'], `Bearer ${token}`);

    const failures = [
      await failure(client.next({ ...EXAMPLE_ORDER, weight: '0' })),
      await failure(clientOf([await refusing()], { token }).client.next(EXAMPLE_ORDER)),
      await failure(clientOf([(await hanging()).url], { token, timeoutMs: 100, retries: 0 }).client.lookup('X')),
    ];
    assert.deepEqual(
      failures.map((error) => error.kind),
      ['rejected', 'exhausted', 'exhausted'],
    );
    for (const error of failures) {
      for (const text of [error.message, JSON.stringify(error), inspect(error, { depth: 10 }), String(error.stack)]) {
        assert.ok(!text.includes(token.slice(8)), text);
      }
    }
  });

  it('is refused, without being quoted, when it cannot be a header value', () => {
    const bad = `${token}\r\nX-Injected: 1`;
    assert.throws(
      () => createClient({ baseUrls: ['http://127.0.0.1:1'], token: bad }),
      (error: Error) => error instanceof TypeError && !error.message.includes(token.slice(8)),
    );
  });
});

describe('options', () => {
  const rows: [string, ClientOptions, RegExp][] = [
    ['no base URL', { baseUrls: [] }, /baseUrls is empty/],
    ['a relative URL', { baseUrls: ['/api'] }, /baseUrls\[0\] is not an absolute URL/],
    ['another scheme', { baseUrls: ['http://a:1', 'ftp://b'] }, /baseUrls\[1\] must be http: or https:/],
    [
      'credentials in a URL',
      { baseUrls: ['http://user:hunter2@a:1'] },
      /^(?!.*hunter2).*baseUrls\[0\] carries credentials/,
    ],
    ['a query', { baseUrls: ['http://a:1/?x=1'] }, /no query or fragment/],
    ['a zero timeout', { baseUrls: ['http://a:1'], timeoutMs: 0 }, /timeoutMs must be a positive number/],
    ['a NaN deadline', { baseUrls: ['http://a:1'], deadlineMs: NaN }, /deadlineMs must be a positive number/],
    ['fractional retries', { baseUrls: ['http://a:1'], retries: 1.5 }, /retries must be an integer/],
    ['negative back-off', { baseUrls: ['http://a:1'], backoff: { maxMs: -1 } }, /backoff.maxMs must be a non-negative/],
  ];
  for (const [name, options, message] of rows) {
    it(`refuses ${name}`, () => {
      assert.throws(() => createClient(options), message);
    });
  }

  it('keeps a base path, and a trailing slash does not double', async () => {
    const server = await scripted(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{}' }));
    await createClient({ baseUrls: [`${server.url}/tracknum/`] }).lookup('MY0O91ZKF95OFVN7');
    assert.equal(server.arrivals[0]!.url, '/tracknum/tracking-numbers/MY0O91ZKF95OFVN7');
  });
});

describe('types', () => {
  it('refuses, at compile time, orders the server would refuse for their shape', () => {
    // Never called: `npm run typecheck` holds each @ts-expect-error to an error.
    const checks = (client: TracknumClient): void => {
      // @ts-expect-error: XX is not an assigned country code.
      void client.next({ ...EXAMPLE_ORDER, origin_country_id: 'XX' });
      // @ts-expect-error: an order has all seven parameters.
      void client.next({ origin_country_id: 'MY' });
      // @ts-expect-error: parcels is a number.
      void client.batch([{ ...EXAMPLE_ORDER, parcels: '2' }]);
    };
    assert.equal(typeof checks, 'function');
  });
});
