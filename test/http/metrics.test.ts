/**
 * /metrics against a fresh real server: after a known set of requests, every
 * figure adds up, over all workers.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, TEST_NODE_ID, get, orderPath, startService, type Service } from '../helpers/service.js';

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

/** The samples of /metrics now. */
async function scrape(): Promise<Map<string, number>> {
  return samples((await get(service.port, '/metrics')).body);
}

/** Polls /metrics until `ready` holds of it (each thread samples itself once a second), for at most 5 s. */
async function scrapeUntil(ready: (m: Map<string, number>) => boolean): Promise<Map<string, number>> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const m = await scrape();
    if (ready(m) || Date.now() > deadline) return m;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const THREADS = ['primary', 'worker-1', 'worker-2'];

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
    assert.equal(at('tracknum_reclaiming_seconds_total'), 0);
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

  it('says which build runs, and the constants of the layout', async () => {
    const text = (await get(service.port, '/metrics')).body;
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const node = process.versions.node;
    // Run from the sources, the commit is unknown: only the bundle carries one (test/deploy).
    assert.ok(
      text.includes(`\ntracknum_build_info{version="${version}",commit="unknown",node="${node}",format="opaque"} 1\n`),
      text.split('\n').find((line) => line.startsWith('tracknum_build_info')),
    );
    const m = samples(text);
    assert.equal(m.get('tracknum_layout_max_second'), 2 ** 30 - 1);
    assert.equal(m.get('tracknum_node_ids_capacity'), 4096);
    // The embedded mode has no etcd.
    for (const name of [
      'tracknum_etcd_lease_ttl_seconds',
      'tracknum_etcd_last_success_age_seconds',
      'tracknum_node_ids_held',
    ]) {
      assert.equal(m.get(name), undefined, name);
    }
  });

  it("reports the process's figures and each thread's", async () => {
    const sampled = (m: Map<string, number>): boolean =>
      THREADS.every((thread) => m.has(`nodejs_eventloop_utilization_ratio{thread="${thread}"}`));
    const m = await scrapeUntil(sampled);
    assert.ok(sampled(m), 'every thread sampled its event loop within 5 s');
    const at = (name: string): number => {
      const value = m.get(name);
      assert.ok(value !== undefined && Number.isFinite(value), `${name} is ${value}`);
      return value;
    };
    assert.ok(at('process_resident_memory_bytes') > 20e6, 'RSS over 20 MB: three V8 isolates');
    assert.ok(at('process_cpu_seconds_total') > 0);
    const started = at('process_start_time_seconds');
    assert.ok(started <= Date.now() / 1000 && started > Date.now() / 1000 - 120, `started at ${started}`);
    assert.ok(at('process_open_fds') > 0 && at('process_open_fds') < at('process_max_fds'));
    let threadCpu = 0;
    for (const thread of THREADS) {
      const used = at(`nodejs_heap_size_used_bytes{thread="${thread}"}`);
      assert.ok(used > 1e6 && used <= at(`nodejs_heap_size_total_bytes{thread="${thread}"}`), `${thread} heap`);
      threadCpu += at(`tracknum_thread_cpu_seconds_total{thread="${thread}"}`);
      const utilization = at(`nodejs_eventloop_utilization_ratio{thread="${thread}"}`);
      assert.ok(utilization >= 0 && utilization <= 1, `${thread} utilization ${utilization}`);
      const p50 = at(`nodejs_eventloop_delay_seconds{thread="${thread}",quantile="0.5"}`);
      const p99 = at(`nodejs_eventloop_delay_seconds{thread="${thread}",quantile="0.99"}`);
      const max = at(`nodejs_eventloop_delay_max_seconds{thread="${thread}"}`);
      assert.ok(p50 >= 0 && p50 <= p99 && p99 <= max && max < 5, `${thread} delay ${p50} ${p99} ${max}`);
      // The timer's own 20 ms period is not delay: an idle thread's median is far below it.
      assert.ok(p50 < 0.01, `${thread} median delay ${p50}`);
      // A 20 ms timer fires about 50 times a second.
      assert.ok(at(`nodejs_eventloop_delay_seconds_count{thread="${thread}"}`) >= 10, `${thread} delay count`);
    }
    assert.equal(m.get('tracknum_thread_cpu_seconds_total{thread="worker-3"}'), undefined, 'two workers only');
    // Sampled up to a second earlier and in 10 ms ticks, so a little under the process's figure, never over it.
    assert.ok(threadCpu > 0 && threadCpu <= at('process_cpu_seconds_total') + 0.05, `threads ${threadCpu}`);
  });

  it('counts the connections open to the service, over all workers', async () => {
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < 5; i += 1) {
        const socket = connect(service.port, '127.0.0.1');
        await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
        sockets.push(socket);
      }
      // The five idle ones and the one asking.
      assert.equal((await scrape()).get('tracknum_open_connections'), 6);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
    const m = await scrapeUntil((now) => now.get('tracknum_open_connections') === 1);
    assert.equal(m.get('tracknum_open_connections'), 1);
  });
});
