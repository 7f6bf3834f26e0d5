/**
 * Several real service processes against real etcd servers, under load and
 * under faults: simultaneous start, kill -9, etcd stopped, a clock running
 * ahead, a lost etcd member. Every test ends by checking that no number was
 * issued twice over the whole run.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, describe, it } from 'node:test';
import { Etcd3 } from 'etcd3';
import { startEtcd, type EtcdCluster } from '../helpers/etcd.js';
import { shiftedClockEnv } from '../helpers/faketime.js';
import { startLoad, trackingNumbersOf, waitForIssued, type Draw } from '../helpers/load.js';
import { spawnSync } from 'node:child_process';
import { OpaqueEncoder } from '../../src/core/numberFormat.js';
import { secondOf } from '../../src/core/layout.js';
import {
  decodeNumber,
  drawNumbers,
  duplicatesIn,
  get,
  ROOT,
  startService,
  TEST_KEY,
  TEST_KEY_FILE,
  type Service,
} from '../helpers/service.js';

let prefixCount = 0;
const services: Service[] = [];
const clusters: EtcdCluster[] = [];

after(async () => {
  await Promise.all(services.map((s) => s.stop('SIGKILL')));
  await Promise.all(clusters.map((c) => c.close()));
});

async function etcd(size = 1, options: { tls?: boolean } = {}): Promise<EtcdCluster> {
  const cluster = await startEtcd(size, options);
  clusters.push(cluster);
  return cluster;
}

interface InstanceOptions {
  ttl?: number;
  env?: Record<string, string>;
}

/** One service instance leasing its node ID from `cluster` under `prefix`. */
async function instance(cluster: EtcdCluster, prefix: string, options: InstanceOptions = {}): Promise<Service> {
  const service = await startService({
    env: {
      WORKERS: '1',
      ETCD_ENDPOINTS: cluster.endpoints,
      ETCD_PREFIX: prefix,
      ETCD_LEASE_TTL: String(options.ttl ?? 4),
      ...options.env,
    },
  });
  services.push(service);
  return service;
}

const freshPrefix = (): string => `/cluster-${process.pid}-${(prefixCount += 1)}`;
const nodeIdOf = (service: Service): number => {
  const ready = service.logs.find((line) => line.msg === 'ready');
  assert.ok(ready !== undefined && typeof ready['nodeId'] === 'number');
  return ready['nodeId'];
};
const decoded = (numbers: readonly string[]): { second: number; nodeId: number }[] => numbers.map(decodeNumber);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** At least `atLeast` answers arrived after `since`, and every one of them was a number. */
function assertAllIssuedSince(draws: readonly Draw[], since: number, atLeast: number): void {
  const after = draws.filter((d) => d.at > since);
  assert.ok(after.length >= atLeast, `only ${after.length} answers`);
  assert.deepEqual(
    after.filter((d) => d.status !== 200).map((d) => d.status),
    [],
    'every answer was a number',
  );
}

/** Waits (up to 15 s) until no instance holds a node key under `prefix`: their leases expired. */
async function waitUntilNoNodeKeys(cluster: EtcdCluster, prefix: string, failure: string): Promise<void> {
  const admin = new Etcd3({ hosts: cluster.endpoints.split(',') });
  try {
    const deadline = performance.now() + 15_000;
    while ((await admin.getAll().prefix(`${prefix}/nodes/`).keys()).length > 0) {
      assert.ok(performance.now() < deadline, failure);
      await sleep(100);
    }
  } finally {
    admin.close();
  }
}

function assertNoDuplicate(draws: readonly Draw[]): void {
  const numbers = trackingNumbersOf(draws);
  assert.deepEqual(duplicatesIn(numbers).slice(0, 5), [], `duplicates among ${numbers.length} numbers`);
}

describe('a cluster of instances on etcd', { timeout: 480_000 }, () => {
  it('gives three instances started at the same moment distinct node IDs, and 300,000 numbers without a duplicate', async () => {
    const cluster = await etcd();
    const prefix = freshPrefix();
    const trio = await Promise.all([1, 2, 3].map(() => instance(cluster, prefix)));
    const ids = trio.map(nodeIdOf);
    assert.equal(new Set(ids).size, 3, `node IDs ${ids.join(', ')}`);

    const draws = await Promise.all(trio.map((s) => drawNumbers(s.port, 100_000, 24)));
    const numbers = draws.flatMap((d) => d.numbers);
    assert.deepEqual(
      draws.map((d) => [d.failures, d.errors]),
      [
        [0, 0],
        [0, 0],
        [0, 0],
      ],
    );
    assert.equal(numbers.length, 300_000);
    assert.deepEqual(duplicatesIn(numbers).slice(0, 5), []);
    // Each instance issued under the node ID it said it holds.
    draws.forEach((d, i) => assert.ok(decoded(d.numbers).every((n) => n.nodeId === ids[i])));
  });

  it('survives kill -9 of an instance under load: no duplicate, and the restarted one serves within seconds', async (t) => {
    const cluster = await etcd();
    const prefix = freshPrefix();
    const trio = await Promise.all([1, 2, 3].map(() => instance(cluster, prefix)));
    const load = startLoad(trio.map((s) => s.port));
    await waitForIssued(load, 20_000);

    load.ports[1] = 0;
    await trio[1]!.stop('SIGKILL');
    await waitForIssued(load, 5_000);
    const restartedAt = performance.now();
    const restarted = await instance(cluster, prefix);
    load.ports[1] = restarted.port;
    await waitForIssued(load, 20_000);
    const draws = await load.stop();

    const firstServed = draws.find((d) => d.target === 1 && d.status === 200 && d.at > restartedAt);
    assert.ok(firstServed !== undefined, 'the restarted instance never served');
    const seconds = (firstServed.at - restartedAt) / 1000;
    t.diagnostic(`restarted instance served ${seconds.toFixed(2)} s after it was started`);
    assert.ok(seconds < 10, `restarted instance served after ${seconds.toFixed(1)} s`);
    // Never the node ID of a live instance.
    assert.ok(![trio[0]!, trio[2]!].map(nodeIdOf).includes(nodeIdOf(restarted)));
    assertNoDuplicate(draws);
  });

  it('goes on issuing below its stored limit when etcd stops, past its lease; stops at the limit; resumes when etcd returns', async (t) => {
    const ttl = 3;
    const reserve = 6;
    const cluster = await etcd();
    const prefix = freshPrefix();
    const trio = await Promise.all(
      [1, 2, 3].map(() => instance(cluster, prefix, { ttl, env: { RESERVE_SECONDS: String(reserve) } })),
    );
    const load = startLoad(
      trio.map((s) => s.port),
      8,
      { batchLanes: 2, batchSize: 20 },
    );
    await waitForIssued(load, 10_000);

    const stoppedAt = performance.now();
    await cluster.stop(0, 'SIGKILL');
    // Long past every lease's expiry, and past the reserve: every instance has run out of seconds.
    await sleep((reserve + 4) * 1000);
    const readiness = await Promise.all(trio.map((s) => get(s.port, '/readyz')));
    const restartedAt = performance.now();
    await cluster.start(0);
    // Every instance claims a node ID again by itself and issues again.
    for (let target = 0; target < trio.length; target += 1) {
      const deadline = performance.now() + 30_000;
      while (!load.draws.some((d) => d.target === target && d.status === 200 && d.at > restartedAt)) {
        assert.ok(performance.now() < deadline, `instance ${target} did not resume within 30 s of etcd's return`);
        await sleep(100);
      }
    }
    await waitForIssued(load, 5_000);
    const draws = await load.stop();
    // /metrics tells the operator what happened.
    for (const s of trio) {
      const metrics = (await get(s.port, '/metrics')).body;
      const value = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1]);
      assert.ok(value('tracknum_lease_losses_total') >= 1, metrics);
      assert.ok(value('tracknum_reclaiming_seconds_total') > 1, metrics);
      assert.ok(value('tracknum_issuing_seconds_left') > 0, metrics);
      assert.equal(value('tracknum_issuing'), 1);
    }
    assert.deepEqual(
      readiness.map((r) => [
        r.status,
        r.json<{ reason?: string }>().reason?.startsWith('the reserved seconds are used up'),
      ]),
      [
        [503, true],
        [503, true],
        [503, true],
      ],
      'readiness once the reserve is used up',
    );
    const leaseExpired = stoppedAt + (ttl + 1) * 1000;
    for (let target = 0; target < trio.length; target += 1) {
      const mine = draws.filter((d) => d.target === target);
      const issuedDuringOutage = mine.filter((d) => d.status === 200 && d.at > stoppedAt && d.at < restartedAt);
      const lastIssued = issuedDuringOutage.at(-1);
      assert.ok(lastIssued !== undefined);
      const issuedFor = lastIssued.at - stoppedAt;
      t.diagnostic(
        `instance ${target}: last number ${issuedFor.toFixed(0)} ms after etcd stopped (TTL ${ttl} s, reserve ${reserve} s)`,
      );
      // The lease no longer stops issuing: numbers came after it had certainly expired, batches too.
      assert.ok(lastIssued.at > leaseExpired, `instance ${target} stopped issuing when its lease expired`);
      assert.ok(
        issuedDuringOutage.some((d) => d.batch !== undefined && d.at > leaseExpired),
        `instance ${target} issued no batch after its lease expired`,
      );
      // The limit does: nothing was issued past the reserve the last acknowledged mark allowed.
      assert.ok(
        issuedFor < (reserve + 1.5) * 1000,
        `instance ${target} issued ${issuedFor.toFixed(0)} ms after etcd stopped`,
      );
      const refused = mine.filter((d) => d.at > stoppedAt && d.at < restartedAt && d.status === 503);
      assert.ok(refused.length > 0, `instance ${target} never answered 503 once its reserve was used up`);
      assert.ok(refused.every((d) => d.retryAfter !== undefined));
      assert.ok(
        mine.every((d) => d.status === 200 || d.status === 503),
        'only 200 and 503 answers',
      );
    }
    // Whoever holds a node ID next starts above every second issued under it during the outage.
    const during = decoded(trackingNumbersOf(draws.filter((d) => d.at > stoppedAt && d.at < restartedAt)));
    const since = decoded(trackingNumbersOf(draws.filter((d) => d.at > restartedAt)));
    for (const { nodeId, second } of during) {
      const later = since.filter((n) => n.nodeId === nodeId).map((n) => n.second);
      if (later.length > 0) assert.ok(second < Math.min(...later), `node ${nodeId}: second ${second} used again`);
    }
    assertNoDuplicate(draws);
  });

  it('rides out an etcd outage longer than its lease without a single refusal, with the default reserve', async () => {
    const ttl = 3;
    const cluster = await etcd();
    const prefix = freshPrefix();
    const pair = await Promise.all([1, 2].map(() => instance(cluster, prefix, { ttl })));
    const load = startLoad(
      pair.map((s) => s.port),
      8,
      { batchLanes: 2, batchSize: 20 },
    );
    await waitForIssued(load, 5_000);
    const stoppedAt = performance.now();
    await cluster.stop(0, 'SIGKILL');
    await sleep((ttl + 5) * 1000);
    const readiness = await Promise.all(pair.map((s) => get(s.port, '/readyz')));
    await cluster.start(0);
    await sleep(1_000);
    await waitForIssued(load, 5_000);
    const draws = await load.stop();
    assertAllIssuedSince(draws, stoppedAt, 1000);
    for (const answer of readiness) {
      assert.equal(answer.status, 200, answer.body);
      const left = answer.json<{ issuing_seconds_left: number }>().issuing_seconds_left;
      assert.ok(left > 60 && left < 90, `issuing_seconds_left ${left} during the outage`);
    }
    for (const s of pair) {
      const metrics = (await get(s.port, '/metrics')).body;
      assert.match(metrics, /^tracknum_lease_losses_total [1-9]/m, 'the lease was lost, and nothing was refused');
    }
    assertNoDuplicate(draws);
  });

  it('issues under its old node ID after a freeze only below the mark its successor read, GETs and batches alike', async () => {
    const cluster = await etcd();
    const prefix = freshPrefix();
    const frozen = await instance(cluster, prefix, { ttl: 3 });
    const oldNodeId = nodeIdOf(frozen);
    const load = startLoad([frozen.port], 16, { batchLanes: 4, batchSize: 20 });
    await waitForIssued(load, 5_000);

    // The whole process stops, as in a VM pause: the primary can neither renew nor fence.
    frozen.child.kill('SIGSTOP');
    await waitUntilNoNodeKeys(cluster, prefix, 'the frozen instance kept its node key');
    const successor = await instance(cluster, prefix, { ttl: 3 });
    assert.equal(nodeIdOf(successor), oldNodeId, 'the successor took over the node ID');
    const fromSuccessor = await drawNumbers(successor.port, 5_000, 8);
    const successorFrom = Math.min(...decoded(fromSuccessor.numbers).map((n) => n.second));

    const wokenAt = performance.now();
    frozen.child.kill('SIGCONT');
    // The woken instance goes on below its old limit, claims a node ID again, and issues under that.
    const deadline = performance.now() + 20_000;
    while (!decoded(trackingNumbersOf(load.draws.filter((d) => d.at > wokenAt))).some((n) => n.nodeId !== oldNodeId)) {
      assert.ok(performance.now() < deadline, 'the woken instance never issued under another node ID');
      await sleep(100);
    }
    await waitForIssued(load, 2_000);
    const draws = await load.stop();

    const afterWaking = draws.filter((d) => d.at > wokenAt);
    assert.ok(
      afterWaking.some((d) => d.batch !== undefined),
      'no batch was issued after waking',
    );
    const underOldId = decoded(trackingNumbersOf(afterWaking)).filter((n) => n.nodeId === oldNodeId);
    const atOrAbove = underOldId.filter((n) => n.second >= successorFrom);
    assert.equal(
      atOrAbove.length,
      0,
      `${atOrAbove.length} numbers under node ID ${oldNodeId} at or above second ${successorFrom}, where its successor began`,
    );
    assert.deepEqual(duplicatesIn([...trackingNumbersOf(draws), ...fromSuccessor.numbers]).slice(0, 5), []);
  });

  it('hands the node ID of a dead instance whose clock ran ahead to one with the true clock, without a duplicate', async () => {
    const cluster = await etcd();
    const prefix = freshPrefix();
    const ahead = await instance(cluster, prefix, { ttl: 3, env: shiftedClockEnv('+5m') });
    const first = await drawNumbers(ahead.port, 20_000, 16);
    await ahead.stop('SIGKILL');

    // Wait for etcd to expire the dead instance's lease, so the node ID is free again.
    await waitUntilNoNodeKeys(cluster, prefix, 'the dead instance kept its node key');
    const behind = await instance(cluster, prefix, { ttl: 3 });
    assert.equal(nodeIdOf(behind), nodeIdOf(ahead), 'the successor took over the same node ID');
    const second = await drawNumbers(behind.port, 20_000, 16);

    assert.equal(first.numbers.length + second.numbers.length, 40_000);
    assert.deepEqual(duplicatesIn([...first.numbers, ...second.numbers]).slice(0, 5), []);
    // The successor started above every second the dead instance could have used, 5 minutes ahead of its own clock.
    const lastAhead = Math.max(...decoded(first.numbers).map((n) => n.second));
    const firstBehind = Math.min(...decoded(second.numbers).map((n) => n.second));
    assert.ok(firstBehind > lastAhead, `successor started at second ${firstBehind}, dead one used ${lastAhead}`);
  });

  it('goes on issuing when a member of a 3-member etcd cluster is killed', async () => {
    const cluster = await etcd(3);
    const prefix = freshPrefix();
    const ttl = 10; // the default
    const pair = await Promise.all([1, 2].map(() => instance(cluster, prefix, { ttl })));
    const load = startLoad(pair.map((s) => s.port));
    await waitForIssued(load, 5_000);

    // Kill the leader: the harder case, as the cluster must elect another.
    const statuses = await Promise.all(
      cluster.members.map((m) => {
        const one = new Etcd3({ hosts: [m.clientUrl] });
        return one.maintenance.status({}).finally(() => one.close());
      }),
    );
    const leaderIndex = Math.max(
      0,
      statuses.findIndex((s) => s.leader === s.header?.member_id),
    );
    const killedAt = performance.now();
    await cluster.stop(leaderIndex, 'SIGKILL');
    // Past a whole lease TTL, so that every lease has been renewed through the new leader.
    await sleep(ttl * 1000 + 1000);
    await waitForIssued(load, 5_000);
    const draws = await load.stop();

    assertAllIssuedSince(draws, killedAt, 1000);
    const afterKill = draws.filter((d) => d.at > killedAt);
    for (const target of [0, 1]) {
      assert.ok(afterKill.some((d) => d.target === target && d.at > killedAt + ttl * 1000 && d.status === 200));
    }
    assertNoDuplicate(draws);
  });

  it('revokes its lease on SIGTERM, so the node ID is free at once, not a TTL later', async () => {
    const cluster = await etcd();
    const prefix = freshPrefix();
    const service = await instance(cluster, prefix, { ttl: 60 });
    const nodeKey = `${prefix}/nodes/${nodeIdOf(service)}`;
    const admin = new Etcd3({ hosts: cluster.endpoints.split(',') });
    try {
      assert.notEqual(await admin.get(nodeKey).string(), null);
      assert.equal((await drawNumbers(service.port, 100, 4)).numbers.length, 100);
      const { code } = await service.stop('SIGTERM');
      assert.equal(code, 0);
      assert.equal(await admin.get(nodeKey).string(), null);
      assert.ok(service.logs.some((line) => line.msg === 'high-water mark persisted'));
    } finally {
      admin.close();
    }
  });

  it('talks to an etcd that wants mutual TLS and a password, and refuses a wrong password with one clear line', async () => {
    const cluster = await etcd(1, { tls: true });
    const certificates = cluster.certificates!;
    const tlsOptions = {
      hosts: cluster.endpoints.split(','),
      credentials: {
        rootCertificate: readFileSync(certificates.ca),
        certChain: readFileSync(certificates.clientCert),
        privateKey: readFileSync(certificates.clientKey),
      },
    };
    const admin = new Etcd3(tlsOptions);
    try {
      await admin.role('root').create();
      await admin.user('root').create('root-password');
      await admin.user('root').addRole('root');
      await admin.auth.authEnable({});
    } finally {
      admin.close();
    }
    const env = {
      ETCD_CA_FILE: certificates.ca,
      ETCD_CERT_FILE: certificates.clientCert,
      ETCD_KEY_FILE: certificates.clientKey,
      ETCD_USERNAME: 'root',
    };
    const prefix = freshPrefix();
    const service = await instance(cluster, prefix, { env: { ...env, ETCD_PASSWORD: 'root-password' } });
    assert.equal((await drawNumbers(service.port, 1_000, 4)).numbers.length, 1_000);
    const asRoot = new Etcd3({ ...tlsOptions, auth: { username: 'root', password: 'root-password' } });
    try {
      assert.notEqual(await asRoot.get(`${prefix}/nodes/${nodeIdOf(service)}`).string(), null);
    } finally {
      asRoot.close();
    }

    const refused = await startService({
      env: { ...env, ETCD_ENDPOINTS: cluster.endpoints, ETCD_PASSWORD: 'wrong' },
      expectExit: true,
    });
    assert.equal((await refused.exited).code, 1);
    assert.match(refused.stderr(), /^tracknum: ETCD_UNAVAILABLE: etcd at https:\/\/127\.0\.0\.1:\d+ failed: .*auth/im);
  });

  it('refuses to start, with one clear line, when etcd cannot be reached', async () => {
    const service = await startService({
      env: { ETCD_ENDPOINTS: 'http://127.0.0.1:1', ETCD_LEASE_TTL: '3' },
      expectExit: true,
    });
    const { code } = await service.exited;
    assert.equal(code, 1);
    assert.match(service.stderr(), /^tracknum: ETCD_UNAVAILABLE: etcd at http:\/\/127\.0\.0\.1:1 failed: /);
  });

  it('keeps one number space per prefix: another key for a generation, or another format, is refused', async () => {
    const cluster = await etcd();
    const prefix = freshPrefix();
    const first = await instance(cluster, prefix);
    const otherKey = randomBytes(32).toString('hex');
    const keyFile = join(mkdtempSync(join(tmpdir(), 'tracknum-keys-')), 'keys');
    writeFileSync(keyFile, `0 ${otherKey}\n`, { mode: 0o600 });
    const base = { ETCD_ENDPOINTS: cluster.endpoints, ETCD_PREFIX: prefix, ETCD_LEASE_TTL: '4' };
    const wrongKey = await startService({ env: { ...base, TRACKING_NUMBER_KEY_FILE: keyFile }, expectExit: true });
    assert.equal((await wrongKey.exited).code, 1);
    assert.match(
      wrongKey.stderr(),
      /^tracknum: KEY_MISMATCH: key generation 0 at etcd key \/cluster-\d+-\d+\/number-space/,
    );
    assert.ok(!(wrongKey.stderr() + JSON.stringify(wrongKey.logs)).includes(otherKey), 'the key was printed');
    const sequential = await startService({
      env: { ...base, NUMBER_FORMAT: 'sequential', TRACKING_NUMBER_KEY_FILE: '' },
      expectExit: true,
    });
    assert.equal((await sequential.exited).code, 1);
    assert.match(sequential.stderr(), /^tracknum: FORMAT_MISMATCH: /);
    // Neither took a node ID, and the first instance goes on.
    const admin = new Etcd3({ hosts: cluster.endpoints.split(',') });
    try {
      assert.deepEqual(await admin.getAll().prefix(`${prefix}/nodes/`).keys(), [`${prefix}/nodes/${nodeIdOf(first)}`]);
      // A prefix holding marks of an earlier layout, but no record, is refused too.
      const old = freshPrefix();
      await admin.put(`${old}/high-water/0`).value('5');
      const earlier = await startService({ env: { ...base, ETCD_PREFIX: old }, expectExit: true });
      assert.equal((await earlier.exited).code, 1);
      assert.match(earlier.stderr(), /^tracknum: STATE_CORRUPT: .*high-water marks but no number-space record/);
    } finally {
      admin.close();
    }
    assert.equal((await drawNumbers(first.port, 1_000, 4)).numbers.length, 1_000);
  });

  it('decodes against the prefix: a node ID never claimed there, or a second at or above its mark, cannot be its number', async () => {
    const cluster = await etcd();
    const prefix = freshPrefix();
    const first = await instance(cluster, prefix);
    const nodeId = nodeIdOf(first);
    const [issued] = (await drawNumbers(first.port, 1, 1)).numbers;
    await first.stop();
    const admin = new Etcd3({ hosts: cluster.endpoints.split(',') });
    let mark: number;
    try {
      mark = Number(await admin.get(`${prefix}/high-water/${nodeId}`).string());
    } finally {
      admin.close();
    }
    const unclaimed = (nodeId + 1) % 4096;
    const craft = (second: number, node: number): string =>
      new OpaqueEncoder(TEST_KEY, 1).encode('MY', second, node, 0);
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/main.ts',
        'decode',
        issued!,
        craft(secondOf(Date.now()) - 5, unclaimed),
        craft(mark, nodeId),
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: {
          PATH: process.env['PATH'] ?? '',
          ETCD_ENDPOINTS: cluster.endpoints,
          ETCD_PREFIX: prefix,
          TRACKING_NUMBER_KEY_FILE: TEST_KEY_FILE,
        },
      },
    );
    assert.equal(run.status, 1, run.stderr);
    assert.equal(run.stderr, '', 'nothing but results, and no log line on standard output');
    const [mine, never, above] = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { key_check: string; impossible: string[]; node_id: number });
    assert.deepEqual([mine!.key_check, mine!.impossible, mine!.node_id], ['matched', [], nodeId]);
    assert.deepEqual(never!.impossible, [`node ID ${unclaimed} was never claimed under ${prefix}`]);
    assert.deepEqual(above!.impossible, [`second ${mark} is at or above node ID ${nodeId}'s high-water mark, ${mark}`]);
  });
});
