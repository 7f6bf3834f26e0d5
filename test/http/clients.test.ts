/**
 * Client keys and quotas against the real service: with a clients file every
 * request but the health checks needs a known Bearer token, each client only
 * its granted routes, and each is held to its quota in numbers, shared by the
 * workers; /metrics counts what each was issued and refused. Tokens never
 * show in the service's output.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newToken } from '../../src/clients/clientsFile.js';
import { bearer, writeClientsFile, type TestClient } from '../helpers/clients.js';
import { EXAMPLE_ORDER, get, orderPath, post, startService, type Problem, type Service } from '../helpers/service.js';

const CLIENTS: TestClient[] = [
  { name: 'shipper', token: newToken(), quota: 5, burst: 5, routes: ['issue', 'batch'] },
  { name: 'ops', token: newToken(), quota: 1000, burst: 1000, routes: ['lookup', 'metrics'] },
];
const [shipper, ops] = CLIENTS as [TestClient, TestClient];
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('client keys and quotas', () => {
  let service: Service;
  before(async () => {
    service = await startService({
      env: { CLIENTS_FILE: writeClientsFile(CLIENTS), LOG_REQUESTS: '1', LOG_LEVEL: 'debug' },
    });
  });
  after(async () => {
    await service.stop();
    const output = JSON.stringify(service.logs) + service.stderr();
    for (const client of CLIENTS) assert.ok(!output.includes(client.token), `${client.name}'s token is in the output`);
  });

  it('answers 401 with a Bearer challenge to a request without a known token, on every route but the health checks', async () => {
    const requests: [string, () => ReturnType<typeof get>][] = [
      ['GET /next-tracking-number', () => get(service.port, orderPath())],
      ['POST /tracking-numbers', () => post(service.port, '/tracking-numbers', { orders: [EXAMPLE_ORDER] })],
      ['GET /tracking-numbers/{n}', () => get(service.port, '/tracking-numbers/MY0O91ZKF95OFVN7')],
      ['GET /metrics', () => get(service.port, '/metrics')],
      ['GET /openapi.json', () => get(service.port, '/openapi.json')],
      ['GET /nowhere', () => get(service.port, '/nowhere')],
    ];
    for (const [what, request] of requests) {
      const answer = await request();
      assert.equal(answer.status, 401, what);
      assert.equal(answer.headers['www-authenticate'], 'Bearer realm="tracknum"', what);
      assert.equal(answer.json<Problem>().code, 'UNAUTHORIZED', what);
    }
    for (const authorization of [`Bearer ${newToken()}`, `Basic ${Buffer.from('a:b').toString('base64')}`, 'Bearer']) {
      const answer = await get(service.port, orderPath(), { headers: { Authorization: authorization } });
      assert.equal(answer.status, 401, authorization);
      assert.equal(answer.headers['www-authenticate'], 'Bearer realm="tracknum", error="invalid_token"');
    }
    for (const path of ['/healthz', '/readyz']) assert.equal((await get(service.port, path)).status, 200, path);
  });

  it("answers 403 on a route the client's line does not grant, and serves the ones it does", async () => {
    const forbidden = await get(service.port, '/metrics', { headers: bearer(shipper) });
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.json<Problem>().code, 'FORBIDDEN');
    assert.equal((await get(service.port, orderPath(), { headers: bearer(ops) })).status, 403);
    assert.equal(
      (await get(service.port, '/tracking-numbers/MY0O91ZKF95OFVN7', { headers: bearer(ops) })).status !== 403,
      true,
    );
    assert.equal((await get(service.port, '/openapi.json', { headers: bearer(ops) })).status, 200);
  });

  it('holds a client to its quota in numbers: 429 with Retry-After and the RateLimit fields, a batch counting each number', async () => {
    await sleep(1100); // a full bucket
    const answers = [];
    for (let i = 0; i < 6; i += 1) answers.push(await get(service.port, orderPath(), { headers: bearer(shipper) }));
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 200, 200, 200, 429],
    );
    const refused = answers[5]!;
    assert.equal(refused.json<Problem>().code, 'QUOTA_EXCEEDED');
    assert.equal(refused.headers['retry-after'], '1');
    assert.equal(refused.headers['ratelimit-policy'], '"numbers";q=5;w=1');
    assert.match(String(refused.headers['ratelimit']), /^"numbers";r=0;t=1$/);

    await sleep(1100);
    const tooMany = await post(
      service.port,
      '/tracking-numbers',
      { orders: [{ ...EXAMPLE_ORDER, parcels: 6 }] },
      { headers: bearer(shipper) },
    );
    assert.equal(tooMany.status, 429, 'six numbers at once, past the burst of five');
    assert.equal(tooMany.headers['retry-after'], undefined, 'never: no Retry-After');
    assert.match(tooMany.json<Problem>().detail, /more than client shipper's burst of 5/);
    const batch = await post(
      service.port,
      '/tracking-numbers',
      { orders: [{ ...EXAMPLE_ORDER, parcels: 4 }] },
      { headers: bearer(shipper) },
    );
    assert.equal(batch.status, 200);
    assert.equal((await get(service.port, orderPath(), { headers: bearer(shipper) })).status, 200, 'the fifth number');
    assert.equal((await get(service.port, orderPath(), { headers: bearer(shipper) })).status, 429, 'the sixth');
  });

  it("counts each client's numbers issued and refused in /metrics", async () => {
    const metrics = (await get(service.port, '/metrics', { headers: bearer(ops) })).body;
    const value = (name: string, client: string): number =>
      Number(new RegExp(`^${name}\\{client="${client}"\\} (\\S+)$`, 'm').exec(metrics)?.[1]);
    assert.equal(value('tracknum_client_numbers_issued_total', 'shipper'), 5 + 4 + 1);
    assert.equal(value('tracknum_client_numbers_refused_total', 'shipper'), 1 + 6 + 1);
    assert.equal(value('tracknum_client_numbers_issued_total', 'ops'), 0);
    assert.equal(value('tracknum_client_numbers_refused_total', 'ops'), 0);
  });
});

describe('without a clients file', () => {
  it('serves anyone, and warns once when it listens beyond this host', async () => {
    const warnings = (s: Service): unknown[] => s.logs.filter((line) => String(line.msg).startsWith('no clients file'));
    // One after the other: both run under this test process's node ID.
    const open = await startService({ env: { HOST: '0.0.0.0' } });
    try {
      assert.equal((await get(open.port, orderPath())).status, 200);
      assert.equal(warnings(open).length, 1);
    } finally {
      await open.stop();
    }
    const local = await startService();
    try {
      assert.equal(warnings(local).length, 0);
    } finally {
      await local.stop();
    }
  });
});
