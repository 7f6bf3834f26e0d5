/**
 * POST /tracking-numbers against a real server process: answers, limits, the
 * body arriving slowly, too large or not at all, and what gets issued.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { BATCH_LIMITS } from '../../src/validation/batchRequest.js';
import { checked } from '../helpers/contract.js';
import {
  EXAMPLE_ORDER,
  decodeNumber,
  duplicatesIn,
  get,
  orderPath,
  post,
  startService,
  type Issued,
  type Problem,
  type Service,
} from '../helpers/service.js';

interface BatchIssued {
  orders: {
    order: Record<string, string | number>;
    tracking_numbers: { tracking_number: string; created_at: string }[];
  }[];
}
type BodyProblem = Omit<Problem, 'errors'> & {
  errors?: { pointer: string; detail: string; value?: string }[];
  errors_not_listed?: number;
  offset?: number;
};

let service: Service;
before(async () => {
  service = await startService();
});
after(async () => {
  const { code } = await service.stop();
  assert.equal(code, 0);
});

/** A counter of /metrics (summed over its labels). */
async function metric(name: string): Promise<number> {
  const text = (await get(service.port, '/metrics')).body;
  return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].reduce((s, m) => s + Number(m[1]), 0);
}

/** Everything issued so far, by any route. */
const issuedTotal = () => metric('tracknum_numbers_issued_total');

/** A raw connection: write pieces, read everything until the server closes it (or `waitMs`). */
function rawConnection(): { socket: Socket; write: (text: string | Buffer) => void; closed: Promise<string> } {
  const socket = connect(service.port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString('latin1')));
  const closed = new Promise<string>((resolve) => {
    socket.on('close', () => resolve(received));
    socket.on('error', () => resolve(received));
  });
  return { socket, write: (text) => socket.write(text), closed };
}

const head = (headers: string) => `POST /tracking-numbers HTTP/1.1\r\nHost: x\r\n${headers}\r\n`;

describe('POST /tracking-numbers', () => {
  it('issues one number per parcel, grouped per order in the order given, each with its issue time', async () => {
    const started = Date.now();
    const orders = [
      { ...EXAMPLE_ORDER, parcels: 3 },
      { ...EXAMPLE_ORDER, origin_country_id: 'SG', weight: 0.5 },
      { ...EXAMPLE_ORDER, origin_country_id: 'DE', customer_name: 'O\'Brien "Ltd" \\ 😀', parcels: 2 },
    ];
    const answer = await post(service.port, '/tracking-numbers', { orders });
    assert.equal(answer.status, 200, answer.body);
    assert.equal(answer.headers['cache-control'], 'no-store');
    const body = answer.json<BatchIssued>();
    assert.deepEqual(
      body.orders.map((o) => o.order),
      [
        { ...EXAMPLE_ORDER, parcels: 3 },
        { ...EXAMPLE_ORDER, origin_country_id: 'SG', weight: '0.5', parcels: 1 },
        { ...orders[2], parcels: 2 },
      ],
    );
    assert.deepEqual(
      body.orders.map((o) => o.tracking_numbers.map((n) => n.tracking_number.slice(0, 2))),
      [['MY', 'MY', 'MY'], ['SG'], ['DE', 'DE']],
    );
    const numbers = body.orders.flatMap((o) => o.tracking_numbers);
    for (const { tracking_number: number, created_at: issuedAt } of numbers) {
      const issued = Date.parse(issuedAt);
      assert.ok(issued >= started - 5 && issued <= Date.now() + 5, issuedAt);
      assert.equal((await get(service.port, `/tracking-numbers/${number}`)).status, 200);
    }
    assert.deepEqual(duplicatesIn(numbers.map((n) => n.tracking_number)), []);
  });

  it(`issues ${BATCH_LIMITS.maxNumbers} numbers at once, from consecutive counters, unique with those of the GET`, async () => {
    const before = await issuedTotal();
    const [one, many, single] = await Promise.all([
      post(service.port, '/tracking-numbers', { orders: [{ ...EXAMPLE_ORDER, parcels: BATCH_LIMITS.maxNumbers }] }),
      post(service.port, '/tracking-numbers', {
        orders: Array.from({ length: BATCH_LIMITS.maxOrders }, () => ({ ...EXAMPLE_ORDER, parcels: 10 })),
      }),
      get(service.port, orderPath()),
    ]);
    assert.equal(one.status, 200);
    assert.equal(many.status, 200);
    const numbers = [one, many].flatMap((a) =>
      a.json<BatchIssued>().orders.flatMap((o) => o.tracking_numbers.map((n) => n.tracking_number)),
    );
    numbers.push(single.json<Issued>().tracking_number);
    assert.equal(numbers.length, 2 * BATCH_LIMITS.maxNumbers + 1);
    assert.deepEqual(duplicatesIn(numbers), []);
    // The single order's numbers come in runs of consecutive counters (blocks), in order.
    const decoded = one.json<BatchIssued>().orders[0]!.tracking_numbers.map((n) => decodeNumber(n.tracking_number));
    const steps = decoded
      .slice(1)
      .filter((d, i) => d.second === decoded[i]!.second && d.counter === decoded[i]!.counter + 1);
    assert.ok(steps.length >= BATCH_LIMITS.maxNumbers * 0.9, `only ${steps.length} consecutive steps`);
    assert.equal((await issuedTotal()) - before, numbers.length);
  });

  it('reads a chunked body as well', async () => {
    const answer = await post(
      service.port,
      '/tracking-numbers',
      { orders: [{ ...EXAMPLE_ORDER, parcels: 2 }] },
      { headers: { 'Transfer-Encoding': 'chunked' } },
    );
    assert.equal(answer.status, 200, answer.body);
    assert.equal(answer.json<BatchIssued>().orders[0]!.tracking_numbers.length, 2);
  });

  it('counts batches and their numbers in /metrics', async () => {
    const [batches, numbers] = [
      await metric('tracknum_batches_total'),
      await metric('tracknum_batch_numbers_issued_total'),
    ];
    assert.equal(
      (await post(service.port, '/tracking-numbers', { orders: [{ ...EXAMPLE_ORDER, parcels: 4 }] })).status,
      200,
    );
    assert.equal(await metric('tracknum_batches_total'), batches + 1);
    assert.equal(await metric('tracknum_batch_numbers_issued_total'), numbers + 4);
  });

  it('issues nothing when one order of many is invalid, and reports every problem at its pointer', async () => {
    const before = await issuedTotal();
    const failures = await metric('tracknum_validation_failures_total');
    const answer = await post(service.port, '/tracking-numbers', {
      orders: [
        EXAMPLE_ORDER,
        { ...EXAMPLE_ORDER, weight: '1e3', customer_slug: 'A' },
        { ...EXAMPLE_ORDER, parcels: 0 },
      ],
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.headers['content-type'], 'application/problem+json');
    const problem = answer.json<BodyProblem>();
    assert.equal(problem.code, 'INVALID_BODY');
    assert.deepEqual(
      problem.errors!.map((e) => e.pointer),
      ['/orders/1/weight', '/orders/1/customer_slug', '/orders/2/parcels'],
    );
    assert.equal(await issuedTotal(), before);
    assert.equal(await metric('tracknum_validation_failures_total'), failures + 3);
  });

  it('refuses duplicate members, unknown members and values of the wrong JSON type', async () => {
    const order = JSON.stringify(EXAMPLE_ORDER).slice(0, -1);
    const answer = await post(
      service.port,
      '/tracking-numbers',
      `{"orders":[${order},"weight":"2","parcel":3,"customer_id":7}]}`,
    );
    assert.equal(answer.status, 400);
    assert.deepEqual(
      answer.json<BodyProblem>().errors!.map((e) => [e.pointer, e.detail.split(' (')[0]!.split(';')[0]]),
      [
        ['/orders/0/weight', 'weight is given 2 times'],
        ['/orders/0/customer_id', 'customer_id is given 2 times'],
        ['/orders/0/parcel', 'unknown member "parcel"'],
      ],
    );
  });

  it('says what is wrong with a body that is not an object without an empty pointer before it', async () => {
    for (const body of ['[]', '"orders"', '7']) {
      const problem = (await post(service.port, '/tracking-numbers', body)).json<BodyProblem>();
      assert.equal(problem.detail, 'the body must be a JSON object: {"orders": [...]}', body);
      assert.deepEqual(problem.errors, [{ pointer: '', detail: problem.detail }]);
    }
  });

  it('echoes a value sent as a JSON number as its text, a JSON string, as written', async () => {
    const order = JSON.stringify(EXAMPLE_ORDER).slice(0, -1);
    const withoutWeight = JSON.stringify({ ...EXAMPLE_ORDER, weight: undefined }).slice(0, -1);
    const answer = await post(
      service.port,
      '/tracking-numbers',
      `{"orders":[${order},"parcels":0},${order},"parcels":1.50},${order},"parcels":"2"},${withoutWeight},"weight":1.2345}]}`,
    );
    assert.deepEqual(
      answer.json<BodyProblem>().errors!.map((e) => [e.pointer, e.value]),
      [
        ['/orders/0/parcels', '0'],
        ['/orders/1/parcels', '1.50'],
        ['/orders/2/parcels', '2'],
        ['/orders/3/weight', '1.2345'],
      ],
    );
  });

  it('lists at most 100 problems and counts the others; reads no order past the 1,000th', async () => {
    const problem = (
      await post(service.port, '/tracking-numbers', { orders: Array.from({ length: 1500 }, () => ({ weight: 'x' })) })
    ).json<BodyProblem>();
    assert.equal(problem.errors!.length, 100);
    assert.deepEqual(problem.errors![0], {
      pointer: '/orders',
      detail:
        'orders must be an array of 1 to 1000 orders; this one has more (reading stopped at /orders/1000): split it into several requests',
    });
    // 7 problems in each of the 1,000 orders read, and the limit.
    assert.equal(problem.errors!.length + problem.errors_not_listed!, 1 + 1000 * 7);
    assert.match(problem.detail, /; and 6996 more$/);
  });

  it('answers 400 MALFORMED_JSON for bodies that are not JSON, or not UTF-8', async () => {
    for (const body of ['', '{"orders":[', "{'orders':[]}", '{"orders":[]} x', Buffer.from([0x7b, 0xff, 0x7d])]) {
      const answer = await post(service.port, '/tracking-numbers', body);
      assert.equal(answer.status, 400, String(body));
      assert.equal(answer.json<BodyProblem>().code, 'MALFORMED_JSON');
    }
    const located = await post(service.port, '/tracking-numbers', '{"orders": [1 2]}');
    assert.equal(located.json<BodyProblem>().offset, 14);
  });

  it('answers 415 unless the body is sent as application/json (UTF-8)', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', '']) {
      const answer = await post(
        service.port,
        '/tracking-numbers',
        { orders: [EXAMPLE_ORDER] },
        { headers: { 'Content-Type': type } },
      );
      assert.equal(answer.status, 415, type);
      assert.equal(answer.json<Problem>().code, 'UNSUPPORTED_MEDIA_TYPE');
    }
    for (const type of ['application/json; charset=UTF-8', 'Application/JSON', 'application/json;charset="utf-8"']) {
      const answer = await post(
        service.port,
        '/tracking-numbers',
        { orders: [EXAMPLE_ORDER] },
        { headers: { 'Content-Type': type } },
      );
      assert.equal(answer.status, 200, type);
    }
  });

  it('answers 405 to other methods, with Allow: POST', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const answer = await get(service.port, '/tracking-numbers', { method });
      assert.equal(answer.status, 405, method);
      assert.equal(answer.headers['allow'], 'POST');
    }
    const headAnswer = await get(service.port, '/tracking-numbers', { method: 'HEAD' });
    assert.equal(headAnswer.status, 405);
    assert.equal(headAnswer.body, '');
  });

  it('answers 413 at once to a Content-Length over the cap, without reading the body, and closes', async () => {
    const connection = rawConnection();
    connection.write(head(`Content-Type: application/json\r\nContent-Length: ${BATCH_LIMITS.maxBodyBytes + 1}\r\n`));
    const received = await connection.closed;
    assert.match(received, /^HTTP\/1\.1 413 /);
    assert.match(received, /"code":"CONTENT_TOO_LARGE"/);
  });

  it('answers 413 as soon as a chunked body passes the cap, and closes; nothing issued', async () => {
    const before = await issuedTotal();
    const connection = rawConnection();
    connection.write(head('Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n'));
    const chunk = `{"orders":[${`${JSON.stringify(EXAMPLE_ORDER)},`.repeat(200)}`;
    let sent = 0;
    let answered = false;
    void connection.closed.then(() => (answered = true));
    while (!answered && sent < 4 * BATCH_LIMITS.maxBodyBytes) {
      connection.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      sent += chunk.length;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const received = await connection.closed;
    assert.match(received, /^HTTP\/1\.1 413 /);
    assert.ok(sent < 2 * BATCH_LIMITS.maxBodyBytes, `${sent} bytes were sent before the answer`);
    assert.equal(await issuedTotal(), before);
  });

  it(`answers 408 and closes when the body is not all in within ${BATCH_LIMITS.bodyTimeoutMs / 1000} s; nothing issued`, async () => {
    const before = await issuedTotal();
    const body = JSON.stringify({ orders: [EXAMPLE_ORDER] });
    const connection = rawConnection();
    const started = Date.now();
    connection.write(head(`Content-Type: application/json\r\nContent-Length: ${body.length}\r\n`));
    // One byte a second: the connection is never idle long enough for uWS to drop it.
    let at = 0;
    const trickle = setInterval(() => {
      if (at < body.length - 1) connection.write(body[at++]!);
    }, 1000);
    const received = await connection.closed;
    clearInterval(trickle);
    const elapsed = Date.now() - started;
    assert.match(received, /^HTTP\/1\.1 408 /);
    assert.match(received, /"code":"BODY_TIMEOUT"/);
    assert.ok(
      elapsed >= BATCH_LIMITS.bodyTimeoutMs - 100 && elapsed < BATCH_LIMITS.bodyTimeoutMs + 3000,
      `${elapsed} ms`,
    );
    assert.equal(await issuedTotal(), before);
  });

  it('issues nothing for a client that goes away mid-body, and goes on serving', async () => {
    const before = await issuedTotal();
    const batches = await metric('tracknum_batches_total');
    const body = JSON.stringify({ orders: [{ ...EXAMPLE_ORDER, parcels: 100 }] });
    for (let i = 0; i < 20; i++) {
      const connection = rawConnection();
      connection.write(
        head(`Content-Type: application/json\r\nContent-Length: ${body.length}\r\n`) +
          body.slice(0, body.length - 1 - i),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      connection.socket.destroy();
      await connection.closed;
    }
    assert.equal(await issuedTotal(), before);
    assert.equal(await metric('tracknum_batches_total'), batches);
    assert.equal((await post(service.port, '/tracking-numbers', { orders: [EXAMPLE_ORDER] })).status, 200);
  });

  it('answers every batch and GET it received, through the contract (the OpenAPI document)', () => {
    for (const key of ['POST /tracking-numbers 200', 'POST /tracking-numbers 400', 'POST /tracking-numbers 415']) {
      assert.ok((checked.get(key) ?? 0) > 0, `no ${key} answer was checked`);
    }
  });
});
