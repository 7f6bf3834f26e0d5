import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isTracknumError } from '../../src/errors.js';
import { fileHighWaterStore, lockStateDirectory } from '../../src/nodeIds/stateDirectory.js';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'tracknum-state-'));

describe('state directory', () => {
  it('is locked by one holder at a time, and free again once released', async () => {
    const dir = fresh();
    const first = await lockStateDirectory(dir);
    await assert.rejects(lockStateDirectory(dir), (error) => isTracknumError(error) && error.code === 'STATE_LOCKED');
    // The same directory by another path is the same lock.
    await assert.rejects(
      lockStateDirectory(`${dir}/.`),
      (error) => isTracknumError(error) && error.code === 'STATE_LOCKED',
    );
    await first.release();
    const again = await lockStateDirectory(dir);
    await again.release();
  });

  it('creates a missing directory', async () => {
    const dir = join(fresh(), 'a', 'b');
    const lock = await lockStateDirectory(dir);
    assert.equal(lock.path, dir);
    await lock.release();
  });

  it('stores one mark per node ID, durably and without leftovers', async () => {
    const dir = fresh();
    const zero = fileHighWaterStore(dir, 0);
    const seven = fileHighWaterStore(dir, 7);
    assert.equal(await zero.read(), undefined);
    await zero.write(100);
    await seven.write(5);
    await zero.write(120);
    assert.equal(await zero.read(), 120);
    assert.equal(await seven.read(), 5);
    assert.deepEqual(readdirSync(dir).sort(), ['node-0.high-water.json', 'node-7.high-water.json']);
    const stored = JSON.parse(readFileSync(join(dir, 'node-0.high-water.json'), 'utf8')) as { highWaterSecond: number };
    assert.equal(stored.highWaterSecond, 120);
  });

  it('refuses a mark it cannot trust rather than start from zero', async () => {
    const dir = fresh();
    const store = fileHighWaterStore(dir, 3);
    for (const content of [
      '',
      '{"version":1,"nodeId":3}',
      '{"version":1,"nodeId":4,"highWaterSecond":10}',
      'garbage',
    ]) {
      writeFileSync(join(dir, 'node-3.high-water.json'), content);
      await assert.rejects(store.read(), (error) => isTracknumError(error) && error.code === 'STATE_CORRUPT', content);
    }
  });
});
