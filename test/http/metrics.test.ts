/**
 * /metrics against a fresh real server: after a known set of requests, every
 * figure adds up, over all workers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_NODE_ID, get, orderPath, startService, type Service } from '../helpers/service.js';

let service: Service;
before(async () => {
  service = await startService({ env: { WORKERS: '2', LOG_REQUESTS: '1' } });
});
after(async () => {
  await service.stop();
});

/** The samples of a Prometheus text exposition, by name with labels as written. */
function samples(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}

describe('GET /metrics', () => {
  it('adds up, over all workers, after a known set of requests', async () => {
    const expectStatus = async (path: string, status: number, method = 'GET'): Promise<void> => {
      assert.equal((await get(service.port, path, { method })).status, status, `${method} ${path}`);
    };
    for (let i = 0; i < 6; i += 1) await expectStatus(orderPath(), 200);
    await expectStatus(orderPath({ weight: '0', customer_slug: 'Not Kebab' }), 400); // two parameters
    await expectStatus(orderPath({ customer_id: undefined }), 400); // one missing
    await expectStatus(`${orderPath()}&%zz=1`, 400); // a malformed name
    await expectStatus(orderPath(), 405, 'POST');
    await expectStatus('/tracking-numbers/MY0VAI9UVZYT5OGK', 200);
    await expectStatus('/tracking-numbers/MY0VAI9UVZYT5OGA', 422);
    await expectStatus('/healthz', 200);
    await expectStatus('/readyz', 200);
    await expectStatus('/nowhere', 404);
    await expectStatus('/nowhere/else', 404);

    const answer = await get(service.port, '/metrics');
    assert.equal(answer.status, 200);
    assert.match(String(answer.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const m = samples(answer.body);
    const at = (name: string): number | undefined => m.get(name);

    assert.equal(at('tracknum_requests_total{route="next-tracking-number",status="200"}'), 6);
    assert.equal(at('tracknum_requests_total{route="next-tracking-number",status="400"}'), 3);
    assert.equal(at('tracknum_requests_total{route="next-tracking-number",status="405"}'), 1);
    assert.equal(at('tracknum_requests_total{route="tracking-numbers",status="200"}'), 1);
    assert.equal(at('tracknum_requests_total{route="tracking-numbers",status="422"}'), 1);
    assert.equal(at('tracknum_requests_total{route="healthz",status="200"}'), 1);
    assert.equal(at('tracknum_requests_total{route="readyz",status="200"}'), 1);
    assert.equal(at('tracknum_requests_total{route="other",status="404"}'), 2);
    // This very request is counted once answered, so not in its own answer.
    assert.equal(at('tracknum_requests_total{route="metrics",status="200"}'), undefined);
    const requests = [...m].filter(([name]) => name.startsWith('tracknum_requests_total{'));
    assert.equal(
      requests.reduce((sum, [, value]) => sum + value, 0),
      16,
    );

    const issued = [...m].filter(([name]) => name.startsWith('tracknum_numbers_issued_total{'));
    assert.equal(issued.length, 2, 'one series per worker');
    assert.equal(
      issued.reduce((sum, [, value]) => sum + value, 0),
      6,
    );

    assert.equal(at('tracknum_validation_failures_total{parameter="weight"}'), 1);
    assert.equal(at('tracknum_validation_failures_total{parameter="customer_slug"}'), 1);
    assert.equal(at('tracknum_validation_failures_total{parameter="customer_id"}'), 1);
    assert.equal(at('tracknum_validation_failures_total{parameter="other"}'), 1);
    assert.equal(at('tracknum_validation_failures_total{parameter="origin_country_id"}'), 0);

    // Every GET /next-tracking-number is timed, whatever its answer; the 405 never reaches the handler.
    assert.equal(at('tracknum_issue_duration_seconds_count'), 9);
    assert.equal(at('tracknum_issue_duration_seconds_bucket{le="+Inf"}'), 9);
    const buckets = [...m].filter(([name]) => name.startsWith('tracknum_issue_duration_seconds_bucket'));
    assert.equal(buckets.length, 10);
    buckets.forEach(([, value], i) => assert.ok(i === 0 || value >= buckets[i - 1]![1], 'cumulative buckets'));
    const sum = at('tracknum_issue_duration_seconds_sum')!;
    assert.ok(sum > 0 && sum < 9, `sum ${sum}`);

    assert.equal(at('tracknum_node_id'), TEST_NODE_ID);
    assert.equal(at('tracknum_issuing'), 1);
    assert.equal(at('tracknum_lease_trusted_seconds'), undefined, 'no lease in the embedded mode');
    assert.equal(at('tracknum_lease_losses_total'), 0);
    assert.equal(at('tracknum_fenced_seconds_total'), 0);
    assert.equal(at('tracknum_worker_restarts_total'), 0);
    assert.equal(at('tracknum_workers'), 2);
    const headroom = at('tracknum_high_water_headroom_seconds')!;
    assert.ok(headroom > 0 && headroom <= 10, `headroom ${headroom}`);
    assert.ok(at('tracknum_high_water_second')! > 0);

    // The /metrics request itself shows up in the next answer.
    const again = samples((await get(service.port, '/metrics')).body);
    assert.equal(again.get('tracknum_requests_total{route="metrics",status="200"}'), 1);

    // LOG_REQUESTS=1: one log line per request, from the worker that answered.
    // Log lines come over a pipe: wait for them, then count them exactly.
    const logged = (): typeof service.logs => service.logs.filter((line) => line.msg === 'request');
    for (let waited = 0; logged().length < 18 && waited < 2000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(logged().length, 18, 'every request, both /metrics included');
    assert.ok(
      logged().some(
        (line) => line['route'] === 'other' && line['status'] === 404 && line['url'] === '/nowhere' && line['worker'],
      ),
    );
  });
});
