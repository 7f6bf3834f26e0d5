/**
 * The etcd node-ID source against a real etcd: claims, the fenced high-water
 * mark, and how soon a lease stops being trusted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { Etcd3 } from 'etcd3';
import { MAX_NODE_ID } from '../../src/core/layout.js';
import { keepaliveIntervalMs, trustedUntil } from '../../src/core/leaseTiming.js';
import { isTracknumError } from '../../src/errors.js';
import { EtcdNodeIds } from '../../src/nodeIds/etcd.js';
import type { EtcdSettings } from '../../src/nodeIds/etcd.js';
import type { NodeIdLease } from '../../src/nodeIds/source.js';
import { startEtcd, type EtcdCluster } from '../helpers/etcd.js';

const silent = pino({ level: 'silent' });
let prefixCount = 0;

describe('etcd node IDs', () => {
  let etcd: EtcdCluster;
  let admin: Etcd3;
  const sources: EtcdNodeIds[] = [];
  const leases: NodeIdLease[] = [];

  const settings = (overrides: Partial<EtcdSettings> = {}): EtcdSettings => ({
    endpoints: etcd.endpoints.split(','),
    prefix: `/test-${process.pid}-${(prefixCount += 1)}`,
    leaseTtlSeconds: 5,
    ...overrides,
  });
  const source = (s: EtcdSettings): EtcdNodeIds => {
    const created = new EtcdNodeIds(s, silent);
    sources.push(created);
    return created;
  };
  const claim = async (from: EtcdNodeIds): Promise<NodeIdLease> => {
    const lease = await from.claim();
    leases.push(lease);
    return lease;
  };

  before(async () => {
    etcd = await startEtcd(1);
    admin = new Etcd3({ hosts: etcd.endpoints.split(',') });
  });
  after(async () => {
    await Promise.all(leases.map((lease) => lease.release().catch(() => undefined)));
    await Promise.all(sources.map((s) => s.close()));
    admin.close();
    await etcd.close();
  });

  it('gives 24 instances claiming at the same moment 24 distinct node IDs', async () => {
    const s = settings();
    const claimed = await Promise.all(Array.from({ length: 24 }, () => claim(source(s))));
    const ids = claimed.map((lease) => lease.nodeId).sort((a, b) => a - b);
    assert.deepEqual(
      ids,
      Array.from({ length: 24 }, (_, i) => i),
    );
    const keys = await admin.getAll().prefix(`${s.prefix}/nodes/`).keys();
    assert.equal(keys.length, 24);
  });

  it('frees the node key at once on release, and the next claim takes it again', async () => {
    const s = settings();
    const first = await claim(source(s));
    assert.equal(first.nodeId, 0);
    await first.release();
    assert.equal(await first.lost, 'released');
    assert.equal(await admin.get(`${s.prefix}/nodes/0`).string(), null);
    const second = await claim(source(s));
    assert.equal(second.nodeId, 0);
  });

  it('keeps the high-water mark outside the lease, and lets only the holder write it', async () => {
    const s = settings();
    const first = await claim(source(s));
    assert.equal(await first.highWater.read(), undefined);
    await first.highWater.write(12345);
    assert.equal(await admin.get(`${s.prefix}/high-water/0`).string(), '12345');
    await first.release();
    // The mark outlives the lease, for the next holder to start above.
    assert.equal(await admin.get(`${s.prefix}/high-water/0`).string(), '12345');
    await assert.rejects(first.highWater.write(99999), (error: unknown) => {
      assert.ok(isTracknumError(error) && error.code === 'NODE_ID_LOST', String(error));
      return true;
    });
    const second = await claim(source(s));
    assert.equal(second.nodeId, 0);
    assert.equal(await second.highWater.read(), 12345);
    // The old holder still cannot write, even now that someone else holds the key.
    await assert.rejects(first.highWater.write(1), /no longer held/);
    assert.equal(await second.highWater.read(), 12345);
  });

  it('refuses a corrupt high-water mark rather than guessing', async () => {
    const s = settings();
    await admin.put(`${s.prefix}/high-water/0`).value('not a number');
    const lease = await claim(source(s));
    await assert.rejects(lease.highWater.read(), /not a mark/);
    // Only plain decimal digits: Number() would read these as marks.
    for (const text of ['1e3', ' 12', '0x10', '012', '-5']) {
      await admin.put(`${s.prefix}/high-water/0`).value(text);
      await assert.rejects(lease.highWater.read(), (error: unknown) => {
        assert.ok(isTracknumError(error) && error.code === 'STATE_CORRUPT', `${text}: ${String(error)}`);
        return true;
      });
    }
  });

  it('refuses to claim under a prefix holding a node key it did not write', async () => {
    for (const name of ['abc', '007', '4096', '-1', '']) {
      const s = settings();
      await admin.put(`${s.prefix}/nodes/${name}`).value('{}');
      await assert.rejects(source(s).claim(), (error: unknown) => {
        assert.ok(isTracknumError(error) && error.code === 'STATE_CORRUPT', `${name}: ${String(error)}`);
        assert.match((error as Error).message, /is not a node key/);
        return true;
      });
    }
  });

  it('counts the node ID as lost when a write of the mark finds the node key bound to another lease', async () => {
    const s = settings({ leaseTtlSeconds: 30 });
    const lease = await claim(source(s));
    // Another lease took the key (as after an expiry this instance did not notice).
    const other = await admin.lease(30).grant();
    await admin.put(`${s.prefix}/nodes/${lease.nodeId}`).value('{}').lease(other);
    await assert.rejects(lease.highWater.write(100), /no longer held/);
    assert.match(await lease.lost, /no longer bound/);
    await admin.leaseClient.leaseRevoke({ ID: other });
  });

  it('reports the lease lost soon after etcd revoked it', async () => {
    const s = settings({ leaseTtlSeconds: 3 });
    const lease = await claim(source(s));
    const leaseId = (await admin.get(`${s.prefix}/nodes/0`).exec()).kvs[0]?.lease;
    assert.ok(leaseId !== undefined && leaseId !== '0');
    const revokedAt = performance.now();
    await admin.leaseClient.leaseRevoke({ ID: leaseId });
    const reason = await lease.lost;
    const after = performance.now() - revokedAt;
    assert.match(reason, /expired|not renewed/);
    // Found on the next keepalive at the latest.
    assert.ok(after <= keepaliveIntervalMs(3) * 2 + 500, `lost after ${after} ms`);
  });

  it('stops trusting the lease before it can have expired when etcd is gone, and says so', async () => {
    const local = await startEtcd(1);
    const s: EtcdSettings = { endpoints: local.endpoints.split(','), prefix: '/fence', leaseTtlSeconds: 3 };
    const from = new EtcdNodeIds(s, silent);
    try {
      const lease = await from.claim();
      // Renewed at least once, so that the deadline comes from a keepalive, not the grant.
      await new Promise((resolve) => setTimeout(resolve, keepaliveIntervalMs(3) * 1.5));
      const stoppedAt = performance.now();
      await local.stop(0, 'SIGKILL');
      const reason = await lease.lost;
      const lostAfter = performance.now() - stoppedAt;
      assert.match(reason, /not renewed/);
      // The last keepalive was sent before etcd stopped, so etcd keeps the lease at least
      // 3 s past that; the instance must have given up strictly before then.
      assert.ok(lostAfter < 3000, `trusted for ${lostAfter} ms after etcd stopped; TTL is 3000 ms`);
      assert.ok(lostAfter >= 0);
    } finally {
      await from.close();
      await local.close();
    }
  });

  it('fails with ETCD_UNAVAILABLE, not a hang, when etcd cannot be reached', async () => {
    const s = settings({ endpoints: ['http://127.0.0.1:1'] });
    const started = performance.now();
    await assert.rejects(source(s).claim(), (error: unknown) => {
      assert.ok(isTracknumError(error) && error.code === 'ETCD_UNAVAILABLE', String(error));
      return true;
    });
    assert.ok(performance.now() - started < 15_000);
  });

  it('fails with NODE_IDS_EXHAUSTED when every node ID is held, and leaves no lease behind', async () => {
    const s = settings();
    const holder = await admin.lease(60).grant();
    // etcd takes at most 128 operations per transaction by default.
    for (let first = 0; first <= MAX_NODE_ID; first += 128) {
      const puts = Array.from({ length: Math.min(128, MAX_NODE_ID + 1 - first) }, (_, i) =>
        admin
          .put(`${s.prefix}/nodes/${first + i}`)
          .value('{}')
          .lease(holder),
      );
      await admin
        .if(`${s.prefix}/none`, 'Version', '==', 0)
        .then(...puts)
        .commit();
    }
    const leasesBefore = (await admin.leaseClient.leaseLeases({})).leases.length;
    await assert.rejects(source(s).claim(), (error: unknown) => {
      assert.ok(isTracknumError(error) && error.code === 'NODE_IDS_EXHAUSTED', String(error));
      assert.match((error as Error).message, /all 4096 node IDs/);
      return true;
    });
    assert.equal((await admin.leaseClient.leaseLeases({})).leases.length, leasesBefore);
    await admin.leaseClient.leaseRevoke({ ID: holder });
  });

  it('trusts a lease for TTL minus a margin from when the renewal was sent', () => {
    assert.equal(trustedUntil(1000, 10), 1000 + 10_000 - 2000);
    assert.equal(trustedUntil(0, 3), 3000 - 1000);
    // Four keepalives fit into the trusted window.
    for (const ttl of [3, 5, 10, 30, 600]) {
      assert.ok(keepaliveIntervalMs(ttl) * 4 <= trustedUntil(0, ttl));
      assert.ok(keepaliveIntervalMs(ttl) > 0);
    }
  });
});
