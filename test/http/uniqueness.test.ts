/**
 * Uniqueness under load, across kill -9 and graceful restarts, and across
 * clock steps, against real server processes.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  drawNumbers,
  duplicatesIn,
  freshStateDir,
  get,
  orderPath,
  startService,
  issuedByWorker,
  TEST_NODE_ID,
  type Issued,
  decodeNumber,
  post,
  type Answer,
} from '../helpers/service.js';
import { NUMBERS_PER_BLOCK } from '../../src/core/allocator.js';
import { COUNTER_SIZE } from '../../src/core/layout.js';
import { EXAMPLE_ORDER } from '../../src/validation/orderParameters.js';
import { LIBFAKETIME, requireFaketime, shiftedClockEnv } from '../helpers/faketime.js';

const secondsOf = (numbers: readonly string[]): number[] => numbers.map((n) => decodeNumber(n).second);

describe('uniqueness', () => {
  it('draws 200,000 numbers through every worker with no duplicate', async () => {
    const service = await startService({ env: { WORKERS: '2' } });
    try {
      const { numbers, failures } = await drawNumbers(service.port, 200_000, 64);
      assert.equal(failures, 0);
      assert.equal(numbers.length, 200_000);
      assert.deepEqual(duplicatesIn(numbers), []);
      assert.ok(numbers.every((n) => /^[A-Z0-9]{16}$/.test(n)));
      // Every worker took its share: the kernel spreads the 64 connections over them.
      const perWorker = issuedByWorker(await get(service.port, '/metrics'));
      assert.equal(perWorker.length, 2);
      assert.equal(
        perWorker.reduce((a, b) => a + b, 0),
        200_000,
      );
      assert.ok(
        perWorker.every((n) => n >= 20_000),
        `uneven spread over workers: ${perWorker.join(', ')}`,
      );
    } finally {
      assert.equal((await service.stop()).code, 0);
    }
  });

  it('gives no duplicate across kill -9 under load and a restart on the same state', async () => {
    const stateDir = freshStateDir();
    const first = await startService({ stateDir });
    const load = drawNumbers(first.port, 10_000_000, 32);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    first.child.kill('SIGKILL');
    await first.exited;
    const { numbers: before, errors } = await load;
    assert.ok(before.length > 1000, `only ${before.length} numbers were drawn before the kill`);
    assert.ok(errors > 0, 'the load did not notice the kill');
    const restartedAt = Date.now();
    const second = await startService({ stateDir });
    try {
      const { numbers: after, failures } = await drawNumbers(second.port, 30_000, 16);
      assert.equal(failures, 0);
      assert.ok(Date.now() - restartedAt < 15_000);
      assert.deepEqual(duplicatesIn([...before, ...after]), []);
      assert.ok(Math.min(...secondsOf(after)) > Math.max(...secondsOf(before)), 'restart reused a second');
    } finally {
      assert.equal((await second.stop()).code, 0);
    }
  });

  it('persists its mark on SIGTERM and goes on from there after a graceful restart', async () => {
    const stateDir = freshStateDir();
    const first = await startService({ stateDir });
    const { numbers: before } = await drawNumbers(first.port, 20_000, 16);
    assert.equal((await first.stop('SIGTERM')).code, 0);
    const stored = (
      JSON.parse(readFileSync(join(stateDir, `node-${TEST_NODE_ID}.high-water.json`), 'utf8')) as {
        highWaterSecond: number;
      }
    ).highWaterSecond;
    assert.equal(
      stored,
      Math.max(...secondsOf(before)) + 1,
      'shutdown did not persist the mark just above the last used second',
    );
    const second = await startService({ stateDir });
    try {
      const { numbers: after } = await drawNumbers(second.port, 20_000, 16);
      assert.deepEqual(duplicatesIn([...before, ...after]), []);
    } finally {
      await second.stop();
    }
  });

  it('never repeats or goes back when the wall clock steps back 30 s under load (libfaketime)', async () => {
    requireFaketime();
    const stateDir = freshStateDir();
    const clockFile = join(stateDir, 'faketime');
    writeFileSync(clockFile, '+0\n');
    const service = await startService({
      stateDir,
      env: {
        LD_PRELOAD: LIBFAKETIME,
        FAKETIME_TIMESTAMP_FILE: clockFile,
        FAKETIME_NO_CACHE: '1',
        FAKETIME_DONT_FAKE_MONOTONIC: '1',
      },
    });
    try {
      const { numbers: before } = await drawNumbers(service.port, 20_000, 16);
      writeFileSync(clockFile, '-30s\n');
      const stepped = (await get(service.port, orderPath())).json<Issued>().created_at;
      assert.ok(
        Math.abs(Date.now() - 30_000 - Date.parse(stepped)) < 3000,
        `the service clock did not step back: ${stepped}`,
      );
      const { numbers: after, failures } = await drawNumbers(service.port, 20_000, 16);
      assert.equal(failures, 0, 'a clock step back must not stop issuance while reserved seconds remain');
      assert.deepEqual(duplicatesIn([...before, ...after]), []);
      assert.ok(Math.min(...secondsOf(after)) >= Math.max(...secondsOf(before)), 'the clock went back');
      assert.equal((await get(service.port, '/readyz')).status, 200);
    } finally {
      assert.equal((await service.stop()).code, 0);
    }
  });

  it('starts above the previous run when restarted with the clock an hour behind (libfaketime)', async () => {
    requireFaketime();
    const stateDir = freshStateDir();
    const first = await startService({ stateDir });
    const { numbers: before } = await drawNumbers(first.port, 10_000, 16);
    first.child.kill('SIGKILL');
    await first.exited;
    const behind = await startService({
      stateDir,
      env: shiftedClockEnv('-1h'),
    });
    try {
      const behindBy = Date.now() - Date.parse((await get(behind.port, orderPath())).json<Issued>().created_at);
      assert.ok(Math.abs(behindBy - 3_600_000) < 5000, `the service clock is not an hour behind (${behindBy} ms)`);
      const { numbers: after, failures } = await drawNumbers(behind.port, 10_000, 16);
      assert.equal(failures, 0);
      assert.deepEqual(duplicatesIn([...before, ...after]), []);
      assert.ok(Math.min(...secondsOf(after)) > Math.max(...secondsOf(before)));
    } finally {
      await behind.stop();
    }
  });

  it("issues each second's counters at most once when batches outrun them: the reserve is borrowed, then 503 (wall clock frozen by libfaketime)", async () => {
    // With the wall clock stopped, the instance can only borrow: its reserve of RESERVE_SECONDS seconds,
    // COUNTER_SIZE numbers each, however fast or slow this machine is. Sequential numbers decode cheaply.
    const frozenAt = new Date().toISOString().slice(0, 19).replace('T', ' ');
    const service = await startService({
      env: {
        ...shiftedClockEnv(frozenAt),
        TZ: 'UTC',
        WORKERS: '1',
        NUMBER_FORMAT: 'sequential',
        RESERVE_SECONDS: '5',
      },
    });
    try {
      const used = new Map<number, Uint8Array>();
      let issued = 0;
      const take = async (parcels: number): Promise<Answer> => {
        const answer = await post(service.port, '/tracking-numbers', { orders: [{ ...EXAMPLE_ORDER, parcels }] });
        if (answer.status !== 200) return answer;
        const body = answer.json<{ orders: { tracking_numbers: { tracking_number: string }[] }[] }>();
        for (const { tracking_number: number } of body.orders[0]!.tracking_numbers) {
          const { second, counter } = decodeNumber(number);
          let bits = used.get(second);
          if (bits === undefined) used.set(second, (bits = new Uint8Array(COUNTER_SIZE / 8)));
          const bit = 1 << (counter & 7);
          assert.equal(bits[counter >> 3]! & bit, 0, `${number} (second ${second}, counter ${counter}) issued twice`);
          bits[counter >> 3] = bits[counter >> 3]! | bit;
          issued += 1;
        }
        return answer;
      };
      let refusal: Answer | undefined;
      while (refusal === undefined && issued <= 10 * COUNTER_SIZE) {
        const answer = await take(10_000);
        if (answer.status !== 200) refusal = answer;
      }
      assert.ok(refusal !== undefined, `no refusal after ${issued} numbers with the wall clock stopped`);
      assert.equal(refusal.status, 503, refusal.body);
      assert.equal(refusal.headers['retry-after'], '1');
      assert.match(refusal.json<{ detail: string }>().detail, /reserved seconds are used up/);
      // A batch is all or nothing; the counters a refused batch drew are burned, never issued later.
      assert.ok(
        issued <= 5 * COUNTER_SIZE && issued > 5 * COUNTER_SIZE - 10_000 - NUMBERS_PER_BLOCK,
        `${issued} issued`,
      );
      assert.equal((await take(1)).status, 503);
      const seconds = [...used.keys()].sort((a, b) => a - b);
      assert.deepEqual(
        seconds,
        seconds.map((_, i) => seconds[0]! + i),
      );
      assert.equal(seconds.length, 5);
      assert.equal((await get(service.port, orderPath())).status, 503);
    } finally {
      await service.stop();
    }
  });
});
