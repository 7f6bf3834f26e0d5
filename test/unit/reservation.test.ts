import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { notIssuingReason } from '../../src/core/issuing.js';
import { Allocator, type Allocation } from '../../src/core/allocator.js';
import { createControlBlock, readGeneration, readLimit, type ControlBlock } from '../../src/core/controlBlock.js';
import { MAX_SECOND, secondOf, unixMsOfSecond } from '../../src/core/layout.js';
import { isTracknumError } from '../../src/errors.js';
import type { HighWaterStore } from '../../src/nodeIds/source.js';
import { SecondsReservation } from '../../src/primary/reservation.js';

/** An in-memory store that records, at each write, what workers were allowed to use. */
function memoryStore(initial?: number) {
  const state = { mark: initial, writes: [] as { second: number; limitAtWrite: number }[], failNext: false };
  let control: ControlBlock | undefined;
  const store: HighWaterStore = {
    read: () => Promise.resolve(state.mark),
    write: (second) => {
      if (state.failNext) {
        state.failNext = false;
        return Promise.reject(new Error('disk full'));
      }
      state.writes.push({ second, limitAtWrite: control === undefined ? 0 : readLimit(control) });
      state.mark = second;
      return Promise.resolve();
    },
  };
  return { state, store, watch: (c: ControlBlock) => (control = c) };
}

/**
 * A store whose writes are acknowledged, fail, or hang until acknowledged by
 * the test, as a write to etcd may: the mark changes only when acknowledged.
 */
function controlledStore(initial?: number) {
  const state = {
    mark: initial,
    next: 'ack' as 'ack' | 'fail' | 'hang',
    hung: [] as { second: number; acknowledge: () => void; fail: () => void }[],
  };
  const store: HighWaterStore = {
    read: () => Promise.resolve(state.mark),
    write: (second) => {
      const outcome = state.next;
      state.next = 'ack';
      if (outcome === 'fail') return Promise.reject(new Error('deadline exceeded'));
      if (outcome === 'ack') {
        state.mark = second;
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        state.hung.push({
          second,
          acknowledge: () => {
            state.mark = second;
            resolve();
          },
          fail: () => reject(new Error('deadline exceeded')),
        });
      });
    },
  };
  return { state, store };
}

/** Lets pending promise callbacks run. */
const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const atSecond = (second: number) => () => unixMsOfSecond(second) + 123;

function drawMany(control: ControlBlock, wall: number, count: number): Allocation[] {
  const allocator = new Allocator(control, 16);
  const drawn: Allocation[] = [];
  for (let i = 0; i < count; i += 1) {
    const out = { nodeId: 0, second: 0, counter: 0 };
    if (allocator.next(wall, out)) drawn.push(out);
  }
  return drawn;
}

const key = (a: Allocation): string => `${a.nodeId}:${a.second}:${a.counter}`;

describe('seconds reservation', () => {
  it('persists the mark before raising the limit, and only then starts issuing', async () => {
    const { state, store, watch } = memoryStore();
    const control = createControlBlock();
    watch(control);
    const reservation = new SecondsReservation(control, { aheadSeconds: 10, now: atSecond(1000) });
    assert.equal(readGeneration(control), 0);
    await reservation.begin(5, store);
    assert.deepEqual(state.writes, [{ second: 1010, limitAtWrite: 0 }]);
    assert.equal(readLimit(control), 1010);
    assert.notEqual(readGeneration(control), 0);
    assert.equal(drawMany(control, 1000, 1)[0]?.nodeId, 5);
  });

  it('does not issue when the mark cannot be stored', async () => {
    const { state, store } = memoryStore();
    state.failNext = true;
    const control = createControlBlock();
    const reservation = new SecondsReservation(control, { aheadSeconds: 10, now: atSecond(1000) });
    await assert.rejects(reservation.begin(5, store), /disk full/);
    assert.equal(readGeneration(control), 0);
    assert.equal(drawMany(control, 1000, 1).length, 0);
  });

  it('after a crash (no settle), a restart starts above every second used, even with the clock an hour behind', async () => {
    const { store } = memoryStore();
    const first = createControlBlock();
    const a = new SecondsReservation(first, { aheadSeconds: 10, now: atSecond(5000) });
    await a.begin(1, store);
    const before = drawMany(first, 5000, 1000).concat(drawMany(first, 5009, 1000));
    // Crash: no settle. A new process, whose clock is an hour behind.
    const second = createControlBlock();
    const b = new SecondsReservation(second, { aheadSeconds: 10, now: atSecond(5000 - 3600) });
    await b.begin(1, store);
    const after = drawMany(second, 5000 - 3600, 1000);
    const highestBefore = Math.max(...before.map((x) => x.second));
    assert.ok(after.length === 1000);
    assert.ok(
      after.every((x) => x.second > highestBefore),
      'restart reused a second',
    );
    const keys = new Set([...before, ...after].map(key));
    assert.equal(keys.size, before.length + after.length);
  });

  it('settle lowers the mark to just above what was used, and a graceful restart goes on from there', async () => {
    const { state, store } = memoryStore();
    const first = createControlBlock();
    const a = new SecondsReservation(first, { aheadSeconds: 30, now: atSecond(2000) });
    await a.begin(1, store);
    const before = drawMany(first, 2000, 100);
    a.stop();
    assert.equal(await a.settle(), 2001);
    assert.equal(state.mark, 2001);
    const second = createControlBlock();
    const b = new SecondsReservation(second, { aheadSeconds: 30, now: atSecond(2000) });
    await b.begin(1, store);
    const after = drawMany(second, 2000, 100);
    assert.ok(after.every((x) => x.second === 2001));
    assert.equal(new Set([...before, ...after].map(key)).size, 200);
  });

  it('extends ahead of the wall clock, never lowers the limit, and says when it needs to', async () => {
    const { store } = memoryStore();
    const control = createControlBlock();
    let now = 1000;
    const reservation = new SecondsReservation(control, {
      aheadSeconds: 10,
      now: () => unixMsOfSecond(now),
    });
    await reservation.begin(0, store);
    assert.equal(reservation.needsExtension(), false);
    now = 1006;
    assert.equal(reservation.needsExtension(), true);
    await reservation.extend();
    assert.equal(readLimit(control), 1016);
    now = 900; // clock stepped back
    await reservation.extend();
    assert.equal(readLimit(control), 1016);
    assert.equal(reservation.needsExtension(), false);
  });

  it('never raises the limit before the store acknowledges the mark: a write that fails or hangs leaves it', async () => {
    const { state, store } = controlledStore();
    const control = createControlBlock();
    let now = 1000;
    const reservation = new SecondsReservation(control, { aheadSeconds: 10, now: () => unixMsOfSecond(now) });
    await reservation.begin(0, store);
    assert.equal(readLimit(control), 1010);
    now = 1006;
    state.next = 'fail';
    await assert.rejects(reservation.extend(), /deadline exceeded/);
    assert.equal(readLimit(control), 1010, 'a failed write raised the limit');
    state.next = 'hang';
    const extending = reservation.extend();
    await settled();
    assert.equal(readLimit(control), 1010, 'a write not yet acknowledged raised the limit');
    assert.equal(drawMany(control, 1010, 1).length, 0, 'a second at the limit was drawn');
    state.hung[0]!.acknowledge();
    await extending;
    assert.equal(readLimit(control), 1016);
    assert.equal(state.mark, 1016);
  });

  it("never raises the next node ID's limit with the old node ID's mark, acknowledged after the switch", async () => {
    const node1 = controlledStore();
    const node2 = controlledStore();
    const control = createControlBlock();
    let now = 1000;
    const reservation = new SecondsReservation(control, { aheadSeconds: 10, now: () => unixMsOfSecond(now) });
    await reservation.begin(1, node1.store);
    now = 1006;
    node1.state.next = 'hang';
    const extending = reservation.extend(); // node 1's mark 1016, on its way
    await settled();
    // The lease is lost and node 2 begun, with the wall clock stepped back 3 s: node 2's limit is 1013.
    now = 1003;
    await reservation.begin(2, node2.store);
    assert.deepEqual([readLimit(control), node2.state.mark], [1013, 1013]);
    node1.state.hung[0]!.acknowledge();
    await extending;
    assert.equal(
      readLimit(control),
      1013,
      "node 1's acknowledged mark raised node 2's limit above node 2's stored mark",
    );
  });

  it('goes on issuing under the node ID it has while the next one is begun, and switches all at once', async () => {
    const node1 = controlledStore();
    const node2 = controlledStore(1030); // a former holder of node 2 used seconds up to 1029
    const control = createControlBlock();
    const reservation = new SecondsReservation(control, { aheadSeconds: 10, now: atSecond(1000) });
    await reservation.begin(1, node1.store);
    const allocator = new Allocator(control, 16);
    const out = { nodeId: 0, second: 0, counter: 0 };
    node2.state.next = 'hang';
    const beginning = reservation.begin(2, node2.store);
    await settled();
    // Node 2's mark is being written: numbers still come under node 1, below node 1's limit.
    for (let i = 0; i < 40; i += 1) {
      assert.ok(allocator.next(1000, out));
      assert.equal(out.nodeId, 1);
      assert.ok(out.second < 1010);
    }
    node2.state.hung[0]!.acknowledge();
    await beginning;
    assert.ok(allocator.next(1000, out));
    assert.deepEqual([out.nodeId, out.second >= 1030, readLimit(control)], [2, true, 1040]);
    // A begin that fails leaves node 2 in charge.
    const node3 = controlledStore();
    node3.state.next = 'fail';
    await assert.rejects(reservation.begin(3, node3.store), /deadline exceeded/);
    assert.ok(allocator.next(1000, out));
    assert.equal(out.nodeId, 2);
  });

  it('keeps the reserve topped up when asked to (etcd), and extends at half the lead by default (a file)', async () => {
    let now = 1000;
    const clock = () => unixMsOfSecond(now);
    const toppedUp = new SecondsReservation(createControlBlock(), {
      aheadSeconds: 90,
      refillAfterSeconds: 1,
      now: clock,
    });
    const halfway = new SecondsReservation(createControlBlock(), { aheadSeconds: 90, now: clock });
    await toppedUp.begin(0, controlledStore().store);
    await halfway.begin(0, controlledStore().store);
    assert.deepEqual([toppedUp.needsExtension(), halfway.needsExtension()], [false, false]);
    now = 1001;
    assert.deepEqual([toppedUp.needsExtension(), halfway.needsExtension()], [true, false]);
    now = 1045;
    assert.deepEqual([toppedUp.needsExtension(), halfway.needsExtension()], [true, true]);
  });

  it('stop() fences at once: the next draw fails', async () => {
    const { store } = memoryStore();
    const control = createControlBlock();
    const reservation = new SecondsReservation(control, { aheadSeconds: 10, now: atSecond(100) });
    await reservation.begin(0, store);
    const allocator = new Allocator(control, 64);
    const out = { nodeId: 0, second: 0, counter: 0 };
    assert.ok(allocator.next(100, out));
    reservation.stop();
    assert.equal(allocator.next(100, out), false);
  });

  it('never reserves a second past the end of the layout', async () => {
    const { store } = memoryStore();
    const control = createControlBlock();
    const reservation = new SecondsReservation(control, { aheadSeconds: 10, now: atSecond(MAX_SECOND - 3) });
    await reservation.begin(0, store);
    assert.equal(readLimit(control), MAX_SECOND);
    await reservation.extend();
    assert.equal(readLimit(control), MAX_SECOND);
    assert.equal(reservation.needsExtension(), false);
    const allocator = new Allocator(control, 64);
    const out = { nodeId: 0, second: 0, counter: 0 };
    const seconds: number[] = [];
    for (const wall of [MAX_SECOND - 3, MAX_SECOND - 2, MAX_SECOND - 1]) {
      assert.ok(allocator.next(wall, out));
      seconds.push(out.second);
    }
    assert.deepEqual(seconds, [MAX_SECOND - 3, MAX_SECOND - 2, MAX_SECOND - 1]);
    assert.equal(allocator.next(MAX_SECOND, out), false);
    assert.equal(allocator.next(MAX_SECOND + 100, out), false);
    assert.equal(notIssuingReason(control, MAX_SECOND), 'reservation-used-up');
  });

  it('stops asking for extensions once stopped', async () => {
    const { store } = memoryStore();
    const control = createControlBlock();
    let now = 1000;
    const reservation = new SecondsReservation(control, { aheadSeconds: 10, now: () => unixMsOfSecond(now) });
    await reservation.begin(0, store);
    now = 1009;
    assert.equal(reservation.needsExtension(), true);
    reservation.stop();
    assert.equal(reservation.needsExtension(), false);
  });

  it('uses the real clock by default', async () => {
    const { store } = memoryStore();
    const control = createControlBlock();
    const reservation = new SecondsReservation(control, { aheadSeconds: 10 });
    await reservation.begin(0, store);
    const wall = secondOf(Date.now());
    assert.ok(readLimit(control) >= wall + 9 && readLimit(control) <= wall + 11);
  });

  it('refuses a stored mark outside the layout (it would wrap the clock word), and does not issue', async () => {
    for (const stored of [MAX_SECOND + 1, 2 ** 39, 2 ** 53 - 1, -1, 1.5]) {
      const { store, state } = memoryStore(stored);
      const control = createControlBlock();
      const reservation = new SecondsReservation(control, { aheadSeconds: 10, now: atSecond(1000) });
      await assert.rejects(reservation.begin(0, store), (error: unknown) => {
        assert.ok(isTracknumError(error) && error.code === 'STATE_CORRUPT', `${stored}: ${String(error)}`);
        assert.equal(
          error.message,
          `the stored high-water mark ${stored} is outside 0..${MAX_SECOND}; refusing to guess where the clock stands`,
        );
        assert.deepEqual(error.context, { mark: stored });
        return true;
      });
      assert.equal(readGeneration(control), 0);
      assert.equal(state.writes.length, 0, `${stored}: nothing written`);
      assert.equal(drawMany(control, 1000, 1).length, 0);
    }
  });

  it('accepts a stored mark of 0 and of exactly the highest one (the last second, never used), each bound included', async () => {
    // [stored mark, wall second, the limit begin() must leave]: a fresh clock starts at second 1 (clockSecond + 1);
    // at MAX_SECOND the limit stays there and nothing can be drawn.
    const table: [number, number, number][] = [
      [0, 1000, 1010],
      [0, 0, 11],
      [MAX_SECOND, 1000, MAX_SECOND],
      [MAX_SECOND - 1, 1000, MAX_SECOND],
    ];
    for (const [stored, wall, limit] of table) {
      const { store, state } = memoryStore(stored);
      const control = createControlBlock();
      const reservation = new SecondsReservation(control, { aheadSeconds: 10, now: atSecond(wall) });
      await reservation.begin(3, store);
      assert.deepEqual([readLimit(control), state.mark], [limit, limit], `stored ${stored}`);
      assert.notEqual(readGeneration(control), 0, `stored ${stored}`);
    }
  });

  it('does nothing before the first begin(): needs no extension, and extend() writes no limit', async () => {
    const control = createControlBlock();
    const reservation = new SecondsReservation(control, { aheadSeconds: 10, now: atSecond(1000) });
    assert.equal(reservation.needsExtension(), false);
    await reservation.extend();
    assert.deepEqual([readLimit(control), readGeneration(control)], [0, 0]);
  });

  it('writes a rising generation at every begin(), never 0 while issuing and never one used before', async () => {
    const node1 = controlledStore();
    const node2 = controlledStore();
    const control = createControlBlock();
    const reservation = new SecondsReservation(control, { aheadSeconds: 10, now: atSecond(1000) });
    const seen: number[] = [];
    await reservation.begin(1, node1.store);
    seen.push(readGeneration(control));
    // While the next begin() waits for its write, the generation it found stays (issuing goes on).
    node2.state.next = 'hang';
    const beginning = reservation.begin(2, node2.store);
    await settled();
    assert.equal(readGeneration(control), seen[0]);
    node2.state.hung[0]!.acknowledge();
    await beginning;
    seen.push(readGeneration(control));
    reservation.stop();
    assert.equal(readGeneration(control), 0);
    await reservation.begin(1, node1.store);
    seen.push(readGeneration(control));
    await reservation.begin(2, node2.store);
    seen.push(readGeneration(control));
    assert.ok(seen[0]! > 0, `first generation ${seen[0]}`);
    for (let i = 1; i < seen.length; i += 1) assert.ok(seen[i]! > seen[i - 1]!, `generations ${seen.join(', ')}`);
  });

  it("starts the next node ID on the second after the clock's, with the whole lead above it, when the clock is ahead", async () => {
    // model/README.md, step 2: start = max(wall second, mark read, clockSecond + 1); the mark written is start + lead.
    // Node 1's draws moved the clock to second 1005 while the wall clock stays at 1000. Uniqueness does not rest on
    // the + 1 (the clock and node 2's mark are enough): with - 1, node 2 would go on in second 1005, its mark 2 lower.
    const node1 = memoryStore();
    const node2 = memoryStore(1002);
    const control = createControlBlock();
    const reservation = new SecondsReservation(control, { aheadSeconds: 10, now: atSecond(1000) });
    await reservation.begin(1, node1.store);
    assert.ok(drawMany(control, 1005, 3).every((drawn) => drawn.nodeId === 1 && drawn.second === 1005));
    await reservation.begin(2, node2.store);
    assert.deepEqual(node2.state.writes, [{ second: 1016, limitAtWrite: 0 }]);
    assert.equal(readLimit(control), 1016);
    assert.deepEqual(drawMany(control, 1000, 1), [{ nodeId: 2, second: 1006, counter: 0 }]);
  });

  it('does not write the store when an extension would not raise the limit (the mark equals it)', async () => {
    const { state, store } = memoryStore();
    const control = createControlBlock();
    let now = 1000;
    const reservation = new SecondsReservation(control, { aheadSeconds: 10, now: () => unixMsOfSecond(now) });
    await reservation.begin(0, store);
    assert.equal(readLimit(control), 1010);
    for (const wall of [1000, 999]) {
      now = wall;
      await reservation.extend();
    }
    assert.deepEqual(state.writes, [{ second: 1010, limitAtWrite: 0 }], 'an extension to the limit itself was written');
    now = 1001;
    await reservation.extend();
    assert.deepEqual(
      state.writes.map((write) => write.second),
      [1010, 1011],
    );
    assert.equal(readLimit(control), 1011);
  });

  it('a begin that fails leaves the store, the limit and the node ID as they were: settle never writes into the failed one', async () => {
    // Issue 13, defect 1: node 1 is lost, the re-claim of node 0 cannot read node 0's mark,
    // then SIGTERM. The old code had already switched to node 0's store and wrote node 1's
    // (lower) limit into it, below the seconds node 0's previous holder used.
    const node1 = memoryStore();
    const node0 = memoryStore(1040); // a dead holder, clock 30 s ahead, used seconds up to 1039
    const control = createControlBlock();
    const reservation = new SecondsReservation(control, { aheadSeconds: 10, now: atSecond(1000) });
    await reservation.begin(1, node1.store);
    drawMany(control, 1000, 10);
    // The lease of node 1 is lost: issuing goes on below node 1's limit while node 0 is claimed.
    const unreadable: HighWaterStore = {
      read: () => Promise.reject(new Error('deadline exceeded')),
      write: (second) => node0.store.write(second),
    };
    await assert.rejects(reservation.begin(0, unreadable), /deadline exceeded/);
    assert.ok(drawMany(control, 1000, 5).every((drawn) => drawn.nodeId === 1));
    reservation.stop();
    // settle writes to node 1's store (where a lost lease would refuse it), never to node 0's.
    assert.equal(await reservation.settle(), 1001);
    assert.equal(node0.state.mark, 1040);
    assert.deepEqual(node0.state.writes, []);

    // Without a loss: a begin that fails at its write leaves the old store in charge, and
    // settle goes to the store whose limit the control block holds.
    const a = memoryStore();
    const b = memoryStore(500);
    const other = createControlBlock();
    const r = new SecondsReservation(other, { aheadSeconds: 10, now: atSecond(1000) });
    await r.begin(1, a.store);
    drawMany(other, 1000, 10);
    b.state.failNext = true;
    await assert.rejects(r.begin(2, b.store), /disk full/);
    r.stop();
    assert.equal(await r.settle(), 1001);
    assert.equal(a.state.mark, 1001);
    assert.equal(b.state.mark, 500);
  });

  it('never issues at or above a mark not yet acknowledged, nor leaves a store below a second used under it, whatever the interleaving', async () => {
    // Two node IDs' stores. Begins and extensions whose writes are acknowledged, fail, or hang
    // until a later step acknowledges or fails them (as etcd's answers may); draws at random
    // wall clocks in between, including while a begin of the other node ID is under way; stops
    // and settles. Every number drawn must lie below the mark its node ID's store has
    // acknowledged at that moment; after every step each store's mark must be above every
    // second drawn under it, and at or above its starting mark (a previous holder's seconds).
    type Outcome = 'ack' | 'fail' | 'hang';
    type Op =
      | { kind: 'begin'; store: 0 | 1; outcome: Outcome | 'read-fails' }
      | { kind: 'extend'; wall: number; outcome: Outcome }
      | { kind: 'answer'; store: 0 | 1; acknowledge: boolean }
      | { kind: 'draw'; wall: number | 'below-limit'; count: number }
      | { kind: 'stop' }
      | { kind: 'settle' };
    const outcome = fc.constantFrom<Outcome>('ack', 'fail', 'hang');
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        kind: fc.constant('begin' as const),
        store: fc.constantFrom(0 as const, 1 as const),
        outcome: fc.oneof(outcome, fc.constant('read-fails' as const)),
      }),
      fc.record({ kind: fc.constant('extend' as const), wall: fc.integer({ min: 900, max: 1100 }), outcome }),
      fc.record({
        kind: fc.constant('answer' as const),
        store: fc.constantFrom(0 as const, 1 as const),
        acknowledge: fc.boolean(),
      }),
      fc.record({
        kind: fc.constant('draw' as const),
        // 'below-limit': the wall clock at the last second the control block allows now.
        wall: fc.oneof(fc.integer({ min: 900, max: 1100 }), fc.constant('below-limit' as const)),
        count: fc.integer({ min: 1, max: 200 }),
      }),
      fc.constant({ kind: 'stop' as const }),
      fc.constant({ kind: 'settle' as const }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(fc.integer({ min: 0, max: 1200 }), fc.integer({ min: 0, max: 1200 })),
        fc.array(op, { maxLength: 40 }),
        async (initial, ops) => {
          const stores = initial.map((mark) => controlledStore(mark));
          const control = createControlBlock();
          let wall = 1000;
          const reservation = new SecondsReservation(control, { aheadSeconds: 10, now: () => unixMsOfSecond(wall) });
          const allocator = new Allocator(control, 16);
          const highestUsed = [-1, -1];
          // As NodeIdHolder: one begin at a time, one extension at a time, settle once both are done.
          let beginning: Promise<unknown> | undefined;
          let extending: Promise<unknown> | undefined;
          const track = (promise: Promise<void>, done: () => void): Promise<unknown> => promise.then(done, done);
          for (const step of ops) {
            if (step.kind === 'begin' && beginning === undefined) {
              const target = stores[step.store]!;
              const store: HighWaterStore = {
                read: () =>
                  step.outcome === 'read-fails' ? Promise.reject(new Error('read failed')) : target.store.read(),
                write: (second) => target.store.write(second),
              };
              if (step.outcome !== 'read-fails') target.state.next = step.outcome;
              beginning = track(reservation.begin(step.store, store), () => (beginning = undefined));
            } else if (step.kind === 'extend' && extending === undefined) {
              wall = step.wall;
              for (const target of stores) target.state.next = step.outcome;
              extending = track(reservation.extend(), () => (extending = undefined));
              for (const target of stores) target.state.next = 'ack';
            } else if (step.kind === 'answer') {
              const hung = stores[step.store]!.state.hung.shift();
              if (step.acknowledge) hung?.acknowledge();
              else hung?.fail();
            } else if (step.kind === 'draw') {
              wall = step.wall === 'below-limit' ? readLimit(control) - 1 : step.wall;
              const out = { nodeId: 0, second: 0, counter: 0 };
              for (let i = 0; i < step.count; i += 1) {
                if (!allocator.next(wall, out)) break;
                const acknowledged = stores[out.nodeId]!.state.mark ?? 0;
                assert.ok(
                  out.second < acknowledged,
                  `node ${out.nodeId}: second ${out.second} drawn, mark ${acknowledged}`,
                );
                highestUsed[out.nodeId] = Math.max(highestUsed[out.nodeId]!, out.second);
              }
            } else if (step.kind === 'stop') {
              reservation.stop();
            } else if (step.kind === 'settle' && beginning === undefined && extending === undefined) {
              reservation.stop();
              await reservation.settle();
            }
            await settled();
            stores.forEach((target, i) => {
              const mark = target.state.mark ?? 0;
              assert.ok(mark > highestUsed[i]!, `store ${i}: mark ${mark}, second ${highestUsed[i]} used`);
              assert.ok(mark >= initial[i]!, `store ${i}: mark ${mark} below its starting mark ${initial[i]}`);
            });
          }
          // Let every hung write fail, so that no promise is left pending.
          for (const target of stores) for (const hung of target.state.hung.splice(0)) hung.fail();
          await settled();
        },
      ),
      { numRuns: 400 },
    );
  });
});
