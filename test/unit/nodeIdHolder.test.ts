import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createControlBlock,
  leaseTrustedForMs,
  readGeneration,
  readLimit,
  readNodeId,
  type ControlBlock,
} from '../../src/core/controlBlock.js';
import { unixMsOfSecond } from '../../src/core/layout.js';
import { advanceClockTo } from '../../src/core/logicalClock.js';
import type { PrimaryMetrics } from '../../src/metrics.js';
import type { HighWaterStore, NodeIdLease, NodeIdSource } from '../../src/nodeIds/source.js';
import type { NumberSpaceStore } from '../../src/numberSpace/record.js';
import { NodeIdHolder } from '../../src/primary/nodeIdHolder.js';
import { recordingLog } from '../helpers/recordingLog.js';

/** A node ID's mark: writes succeed unless told to fail. */
function markStore(initial?: number) {
  const state = { mark: initial, writes: [] as number[], failWrites: false, failReads: false };
  const store: HighWaterStore = {
    read: () => (state.failReads ? Promise.reject(new Error('cannot read the mark')) : Promise.resolve(state.mark)),
    write: (second) => {
      if (state.failWrites) return Promise.reject(new Error('lease revoked'));
      state.writes.push(second);
      state.mark = second;
      return Promise.resolve();
    },
  };
  return { state, store };
}

interface FakeLease extends NodeIdLease {
  trustedUntil: number;
  readonly mark: ReturnType<typeof markStore>['state'];
  lose(reason: string): void;
  released: number;
}

function fakeLease(nodeId: number, trustedUntil = Infinity, failRelease = false): FakeLease {
  const { state, store } = markStore();
  let lose: (reason: string) => void = () => undefined;
  const lease: FakeLease = {
    nodeId,
    highWater: store,
    lost: new Promise<string>((resolve) => (lose = resolve)),
    trustedUntil,
    mark: state,
    lose: (reason) => lose(reason),
    released: 0,
    release: () => {
      lease.released += 1;
      return failRelease ? Promise.reject(new Error('etcd gone')) : Promise.resolve();
    },
  };
  return lease;
}

/** Hands out the leases it is given, in order; a claim fails while `failClaims` > 0, or when none is left. */
function fakeSource(leases: FakeLease[]) {
  const state = { claims: 0, failClaims: 0, closed: 0 };
  const source: NodeIdSource = {
    numberSpace: {} as NumberSpaceStore,
    claim: () => {
      state.claims += 1;
      if (state.failClaims > 0) {
        state.failClaims -= 1;
        return Promise.reject(new Error('no node ID free'));
      }
      const next = leases.shift();
      return next === undefined ? Promise.reject(new Error('no lease left')) : Promise.resolve(next);
    },
    close: () => {
      state.closed += 1;
      return Promise.resolve();
    },
  };
  return { state, source };
}

function recordingMetrics() {
  const calls: string[] = [];
  const metrics = {
    leaseLost: () => calls.push('lost'),
    leaseHeldAgain: () => calls.push('held again'),
  } as unknown as PrimaryMetrics;
  return { calls, metrics };
}

const SECOND = 100_000;

/** A wall clock the test moves. */
function wallClock(second = SECOND) {
  const clock = { second, now: () => unixMsOfSecond(clock.second) + 250 };
  return clock;
}

/** Waits until `condition` holds, checking every 10 ms; fails after `ms`. */
async function until(condition: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function started(leases: FakeLease[], reserveSeconds = 10, refillAfterSeconds?: number) {
  const control: ControlBlock = createControlBlock();
  const { state: source, source: nodeIds } = fakeSource(leases);
  const log = recordingLog();
  const metrics = recordingMetrics();
  const clock = wallClock();
  const holder = await NodeIdHolder.start({
    source: nodeIds,
    control,
    reserveSeconds,
    ...(refillAfterSeconds === undefined ? {} : { refillAfterSeconds }),
    metrics: metrics.metrics,
    log: log.log,
    now: clock.now,
  });
  return { control, source, nodeIds, log, metrics, clock, holder };
}

describe('node ID holder', () => {
  it('claims a node ID, stores its mark, then issues under it with the lease deadline published', async () => {
    const lease = fakeLease(7, 5_000_000);
    const { control, holder, source } = await started([lease], 10);
    try {
      assert.equal(holder.nodeId, 7);
      assert.deepEqual(lease.mark.writes, [SECOND + 10]);
      assert.equal(holder.limit, SECOND + 10);
      assert.equal(readLimit(control), SECOND + 10);
      assert.equal(readNodeId(control), 7);
      assert.notEqual(readGeneration(control), 0);
      assert.equal(leaseTrustedForMs(control, 4_000_000), 1_000_000);
      assert.equal(source.claims, 1);
    } finally {
      await holder.release();
    }
  });

  it('publishes no deadline for a node ID that cannot run out', async () => {
    const { control, holder } = await started([fakeLease(1, Infinity)]);
    assert.equal(leaseTrustedForMs(control, 0), undefined);
    await holder.release();
  });

  it('does not start, and closes the source, when no node ID can be claimed', async () => {
    const control = createControlBlock();
    const { state, source } = fakeSource([]);
    await assert.rejects(
      NodeIdHolder.start({
        source,
        control,
        reserveSeconds: 10,
        metrics: recordingMetrics().metrics,
        log: recordingLog().log,
      }),
      /no lease left/,
    );
    assert.equal(state.closed, 1);
    assert.equal(readGeneration(control), 0);
  });

  it("does not start when the node ID's mark cannot be stored: the node ID is released, the source closed", async () => {
    const lease = fakeLease(3);
    lease.mark.failWrites = true;
    const control = createControlBlock();
    const { state, source } = fakeSource([lease]);
    await assert.rejects(
      NodeIdHolder.start({
        source,
        control,
        reserveSeconds: 10,
        metrics: recordingMetrics().metrics,
        log: recordingLog().log,
      }),
      /lease revoked/,
    );
    assert.equal(lease.released, 1);
    assert.equal(state.closed, 1);
    assert.equal(readGeneration(control), 0);
  });

  it('releasing stops issuing, lowers the mark to just above the last second used, releases the node ID, closes the source', async () => {
    const lease = fakeLease(4);
    const { control, holder, source, log } = await started([lease], 10);
    // Numbers were drawn up to second SECOND + 2.
    advanceClockTo(control, SECOND + 2);
    Atomics.add(control.clock, 0, 5n);
    await holder.release();
    assert.equal(readGeneration(control), 0);
    assert.deepEqual(lease.mark.writes, [SECOND + 10, SECOND + 3]);
    assert.equal(lease.released, 1);
    assert.equal(source.closed, 1);
    assert.deepEqual(log.said(/^high-water mark persisted$/)[0]?.[2], { highWaterSecond: SECOND + 3 });
  });

  it('releasing goes on when the mark cannot be lowered or the node ID not released, and says so', async () => {
    const lease = fakeLease(4, Infinity, true);
    const { holder, source, log } = await started([lease], 10);
    lease.mark.failWrites = true;
    await holder.release();
    assert.equal(lease.released, 1);
    assert.equal(source.closed, 1);
    assert.equal(log.said(/^could not lower the high-water mark; the next start skips ahead$/).length, 1);
    assert.equal(log.said(/^could not release the node ID$/).length, 1);
    assert.equal(log.said(/persisted/).length, 0);
  });

  it('keeps the reservation ahead of the wall clock, and says once when extending fails and once when it works again', async () => {
    const lease = fakeLease(2, 1_000);
    const { control, holder, clock, log } = await started([lease], 10, 1);
    try {
      clock.second += 3;
      await until(() => holder.limit === SECOND + 13, 'extended to the wall clock plus the lead');
      assert.deepEqual(lease.mark.writes, [SECOND + 10, SECOND + 13]);
      // The deadline is published again at every check.
      lease.trustedUntil = 9_000;
      await until(() => leaseTrustedForMs(control, 0) === 9_000, 'the new deadline published');

      lease.mark.failWrites = true;
      clock.second += 3;
      await sleep(1300);
      assert.equal(holder.limit, SECOND + 13, 'raised without a stored mark');
      const failed = log.said(/^could not extend the reservation; issuing stops at its limit$/);
      assert.equal(failed.length, 1, 'logged once per failing spell');
      assert.equal(failed[0]![0], 'error');
      assert.equal(log.said(/extended again/).length, 0);

      lease.mark.failWrites = false;
      await until(() => holder.limit === SECOND + 16, 'extended once the store answers');
      await sleep(600);
      const again = log.said(/^reservation extended again$/);
      assert.equal(again.length, 1);
      assert.deepEqual(again[0]![2], { limit: SECOND + 16 });
    } finally {
      await holder.release();
    }
  });

  it('does not extend before the reserve is down by the refill step', async () => {
    const lease = fakeLease(2);
    const { holder, clock } = await started([lease], 10);
    try {
      // Default refill: half the lead (5 s).
      clock.second += 4;
      await sleep(1100);
      assert.deepEqual(lease.mark.writes, [SECOND + 10]);
      clock.second += 1;
      await until(() => lease.mark.writes.length === 2, 'extended once down by half the lead');
      assert.equal(holder.limit, SECOND + 15);
    } finally {
      await holder.release();
    }
  });

  it('when the node ID is lost: goes on below the limit, tries nothing on the lost one, claims another and switches to it', async () => {
    const first = fakeLease(5);
    const second = fakeLease(6);
    const { control, holder, source, clock, log, metrics } = await started([first, second], 10, 1);
    try {
      const generation = readGeneration(control);
      source.failClaims = 2;
      clock.second += 3;
      first.lose('lease expired');
      await until(() => first.released === 1, 'the lost lease released');
      // Issuing goes on under the lost node ID, below its limit, while claims fail.
      assert.equal(readGeneration(control), generation);
      assert.equal(readNodeId(control), 5);
      assert.equal(readLimit(control), SECOND + 10);
      assert.deepEqual(metrics.calls, ['lost']);
      const lost = log.said(/^node ID lost: issuing goes on below the stored limit while a node ID is claimed again$/);
      assert.deepEqual(lost[0]?.[2], { nodeId: 5, reason: 'lease expired', limit: SECOND + 10 });
      await until(() => holder.nodeId === 6, 'the next node ID held', 4000);
      // 250 ms, then 500 ms between the three claims; the first failure is logged, the second not.
      assert.equal(source.claims, 4);
      assert.equal(log.said(/^could not claim a node ID; retrying$/).length, 1);
      assert.deepEqual(log.said(/^could not claim a node ID; retrying$/)[0]![2]['attempt'], 0);
      assert.deepEqual(first.mark.writes, [SECOND + 10], 'the lost node ID was extended');
      assert.equal(readNodeId(control), 6);
      assert.notEqual(readGeneration(control), generation);
      assert.notEqual(readGeneration(control), 0);
      assert.ok(readLimit(control) >= SECOND + 13);
      assert.deepEqual(metrics.calls, ['lost', 'held again']);
      assert.deepEqual(log.said(/^node ID held again; issuing under it$/)[0]?.[2], {
        nodeId: 6,
        limit: readLimit(control),
      });
      // And it is held from then on: extended under the new node ID.
      clock.second += 3;
      await until(() => second.mark.writes.length === 2, 'the new node ID extended');
    } finally {
      await holder.release();
    }
    assert.equal(second.released, 1);
    assert.equal(first.released, 1);
  });

  it('releases a node ID claimed again whose mark cannot be stored, and claims another', async () => {
    const first = fakeLease(5);
    const broken = fakeLease(6);
    broken.mark.failReads = true;
    const third = fakeLease(7);
    const { holder } = await started([first, broken, third]);
    try {
      first.lose('revoked');
      await until(() => holder.nodeId === 7, 'the third node ID held');
      assert.equal(broken.released, 1);
      assert.equal(third.released, 0);
    } finally {
      await holder.release();
    }
    assert.equal(third.released, 1);
  });

  it('stops claiming when the service stops, and releases what it holds', async () => {
    const first = fakeLease(5);
    const { holder, source } = await started([first]);
    source.failClaims = 1000;
    first.lose('expired');
    await until(() => source.claims >= 2, 'claiming again');
    const stoppedAt = Date.now();
    await holder.release();
    assert.ok(Date.now() - stoppedAt < 500, 'release waited for the claims to give up');
    const claims = source.claims;
    await sleep(1200);
    assert.equal(source.claims, claims, 'still claiming after release');
    assert.equal(source.closed, 1);
  });

  it('does not claim again for a node ID lost once stopping', async () => {
    const first = fakeLease(5);
    const { holder, source, metrics } = await started([first, fakeLease(6)]);
    holder.stopHolding();
    first.lose('expired');
    await sleep(50);
    assert.equal(source.claims, 1);
    assert.deepEqual(metrics.calls, []);
    await holder.release();
    assert.equal(first.released, 1);
  });
});
