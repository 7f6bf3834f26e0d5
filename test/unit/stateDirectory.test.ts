import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { isTracknumError, type ErrorCode } from '../../src/errors.js';
import { StateDirectory } from '../../src/nodeIds/stateDirectory.js';
import { parseKeys } from '../../src/numberSpace/keys.js';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'tracknum-state-'));
const silent = pino({ level: 'silent' });
const withCode =
  (code: ErrorCode) =>
  (error: unknown): boolean =>
    isTracknumError(error) && error.code === code;

describe('state directory', () => {
  it('is locked by one holder at a time, and free again once released', async () => {
    const dir = fresh();
    const first = await StateDirectory.lock(dir);
    await assert.rejects(StateDirectory.lock(dir), withCode('STATE_LOCKED'));
    // The same directory by another path is the same lock.
    await assert.rejects(StateDirectory.lock(`${dir}/.`), withCode('STATE_LOCKED'));
    await first.release();
    const again = await StateDirectory.lock(dir);
    await again.release();
  });

  it('creates a missing directory', async () => {
    const dir = join(fresh(), 'a', 'b');
    const directory = await StateDirectory.lock(dir);
    assert.equal(directory.path, dir);
    await directory.release();
  });

  it('refuses a directory it cannot write with STATE_UNWRITABLE, naming it', async () => {
    const parent = fresh();
    const file = join(parent, 'a-file');
    writeFileSync(file, '');
    await assert.rejects(StateDirectory.lock(join(file, 'state')), (error: unknown) => {
      assert.ok(withCode('STATE_UNWRITABLE')(error), String(error));
      assert.match((error as Error).message, /a-file\/state cannot be written: ENOTDIR/);
      return true;
    });
    if (process.getuid?.() !== 0) {
      // Root writes anywhere: the mode only stops others.
      const readOnly = fresh();
      chmodSync(readOnly, 0o500);
      await assert.rejects(StateDirectory.lock(readOnly), withCode('STATE_UNWRITABLE'));
    }
  });

  it('stores one mark per node ID, durably and without leftovers', async () => {
    const directory = await StateDirectory.lock(fresh());
    const zero = directory.highWaterStore(0);
    const seven = directory.highWaterStore(7);
    assert.equal(await zero.read(), undefined);
    await zero.write(100);
    await seven.write(5);
    await zero.write(120);
    assert.equal(await zero.read(), 120);
    assert.equal(await seven.read(), 5);
    assert.deepEqual(readdirSync(directory.path).sort(), ['node-0.high-water.json', 'node-7.high-water.json']);
    const stored = JSON.parse(readFileSync(join(directory.path, 'node-0.high-water.json'), 'utf8')) as {
      highWaterSecond: number;
    };
    assert.equal(stored.highWaterSecond, 120);
    await directory.release();
  });

  it('refuses a mark it cannot trust, or one of the earlier layout, rather than start from zero', async () => {
    const directory = await StateDirectory.lock(fresh());
    const store = directory.highWaterStore(3);
    for (const content of [
      '',
      '{"version":2,"nodeId":3}',
      '{"version":2,"nodeId":4,"highWaterSecond":10}',
      '{"version":1,"nodeId":3,"highWaterSecond":10}',
      'garbage',
    ]) {
      writeFileSync(join(directory.path, 'node-3.high-water.json'), content);
      await assert.rejects(store.read(), withCode('STATE_CORRUPT'), content);
    }
    await directory.release();
  });

  it('keeps the number-space record, and says whether marks exist', async () => {
    const directory = await StateDirectory.lock(fresh());
    const space = directory.numberSpace;
    assert.deepEqual(await space.read(), { record: undefined, version: '' });
    assert.equal(await space.holdsMarks(), false);
    const record = { format: 'opaque' as const, keys: { '0': 'ab' } };
    assert.equal(await space.write(record, ''), true);
    assert.deepEqual((await space.read()).record, record);
    await directory.highWaterStore(1).write(10);
    assert.equal(await space.holdsMarks(), true);
    writeFileSync(join(directory.path, 'number-space.json'), 'null');
    await assert.rejects(space.read(), withCode('STATE_CORRUPT'));
    await directory.release();
  });

  it('makes its own key in a new directory (mode 0600), and reads it back after', async () => {
    const directory = await StateDirectory.lock(fresh());
    const made = await directory.ownKeys(silent);
    const file = join(directory.path, 'tracking-number.key');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(made.length, 1);
    assert.equal(made[0]?.generation, 0);
    assert.equal(made[0]?.key.length, 32);
    assert.deepEqual(await directory.ownKeys(silent), made);
    assert.deepEqual(parseKeys(readFileSync(file, 'utf8'), file), made);
    await directory.release();
  });

  it('never makes a fresh key over state that has issued numbers', async () => {
    for (const leaveBehind of ['a mark', 'a record']) {
      const directory = await StateDirectory.lock(fresh());
      await directory.ownKeys(silent);
      if (leaveBehind === 'a mark') await directory.highWaterStore(0).write(10);
      else await directory.numberSpace.write({ format: 'opaque', keys: { '0': 'ab' } }, '');
      unlinkSync(join(directory.path, 'tracking-number.key'));
      await assert.rejects(directory.ownKeys(silent), (error: unknown) => {
        assert.ok(withCode('KEY_MISSING')(error), `${leaveBehind}: ${String(error)}`);
        assert.match((error as Error).message, /restore it from a backup/);
        return true;
      });
      await directory.release();
    }
  });
});
