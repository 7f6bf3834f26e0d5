import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTracknumError, type ErrorCode } from '../../src/errors.js';
import type { NumberKey } from '../../src/core/numberFormat.js';
import { keyFingerprint } from '../../src/numberSpace/keys.js';
import {
  mergeRecords,
  recordNumberSpace,
  recordOf,
  type NumberSpaceRecord,
  type NumberSpaceStore,
} from '../../src/numberSpace/record.js';

const key = (generation: number, fill: number): NumberKey => ({ generation, key: new Uint8Array(32).fill(fill) });
const withCode =
  (code: ErrorCode, message?: RegExp) =>
  (error: unknown): boolean =>
    isTracknumError(error) && error.code === code && (message === undefined || message.test(error.message));

/**
 * A store as the state directory or etcd keeps it: versioned, written only at
 * the version read. `others` are records other instances write between this
 * one's read and its write (each makes one write fail).
 */
function memoryStore(initial: NumberSpaceRecord | undefined, options: { marks?: boolean } = {}) {
  const state = {
    record: initial,
    version: 0,
    reads: 0,
    writes: [] as NumberSpaceRecord[],
    marksAsked: 0,
    others: [] as NumberSpaceRecord[],
  };
  const store: NumberSpaceStore = {
    where: 'the test store',
    read: () => {
      state.reads += 1;
      return Promise.resolve({ record: state.record, version: String(state.version) });
    },
    write: (record, version) => {
      const other = state.others.shift();
      if (other !== undefined) {
        state.record = other;
        state.version += 1;
      }
      if (version !== String(state.version)) return Promise.resolve(false);
      state.writes.push(record);
      state.record = record;
      state.version += 1;
      return Promise.resolve(true);
    },
    holdsMarks: () => {
      state.marksAsked += 1;
      return Promise.resolve(options.marks ?? false);
    },
  };
  return { state, store };
}

describe('number-space record', () => {
  it("is the format and each generation's key fingerprint, by generation character", () => {
    assert.deepEqual(recordOf('opaque', [key(0, 1), key(11, 2)]), {
      format: 'opaque',
      keys: { '0': keyFingerprint(key(0, 1).key), B: keyFingerprint(key(11, 2).key) },
    });
    assert.deepEqual(recordOf('sequential', []), { format: 'sequential', keys: {} });
  });

  const mine = recordOf('opaque', [key(0, 1), key(1, 2)]);
  const merges: [string, NumberSpaceRecord, NumberSpaceRecord][] = [
    ['the same record', mine, mine],
    ['a record with fewer generations', recordOf('opaque', [key(0, 1)]), mine],
    [
      'a record with generations this instance lacks',
      recordOf('opaque', [key(0, 1), key(1, 2), key(2, 3)]),
      recordOf('opaque', [key(0, 1), key(1, 2), key(2, 3)]),
    ],
    ['an empty one of the same format', recordOf('opaque', []), mine],
  ];
  for (const [name, stored, merged] of merges) {
    it(`merges with ${name}`, () => {
      assert.deepEqual(mergeRecords(stored, mine, 'here'), merged);
    });
  }

  it('refuses another format (FORMAT_MISMATCH), saying both', () => {
    assert.throws(
      () => mergeRecords(recordOf('sequential', []), mine, 'the state directory'),
      (error: unknown) =>
        withCode('FORMAT_MISMATCH')(error) &&
        (error as Error).message ===
          'the number space at the state directory issues sequential numbers, this instance opaque ones (NUMBER_FORMAT)',
    );
  });

  it('refuses another key for a generation (KEY_MISMATCH), naming the generation and both fingerprints', () => {
    const stored = recordOf('opaque', [key(0, 1), key(1, 9)]);
    assert.throws(
      () => mergeRecords(stored, mine, 'etcd'),
      (error: unknown) =>
        withCode('KEY_MISMATCH')(error) &&
        (error as Error).message.startsWith(
          `key generation 1 at etcd was used with another key (fingerprint ${keyFingerprint(key(1, 9).key)}, this instance's ${keyFingerprint(key(1, 2).key)})`,
        ),
    );
  });

  it('is written once to a store that has none', async () => {
    const { state, store } = memoryStore(undefined);
    await recordNumberSpace(store, mine);
    assert.deepEqual(state.writes, [mine]);
    assert.equal(state.marksAsked, 1);
  });

  it('is not written again when the store holds it already', async () => {
    const { state, store } = memoryStore(mine, { marks: true });
    await recordNumberSpace(store, mine);
    assert.deepEqual(state.writes, []);
    assert.equal(state.marksAsked, 0, 'a store with a record needs no look at its marks');
  });

  it('is not written when this instance only has fewer generations than the store', async () => {
    const { state, store } = memoryStore(recordOf('opaque', [key(0, 1), key(1, 2), key(2, 3)]));
    await recordNumberSpace(store, mine);
    assert.deepEqual(state.writes, []);
  });

  it('adds a new generation to the stored record', async () => {
    const { state, store } = memoryStore(recordOf('opaque', [key(0, 1)]));
    await recordNumberSpace(store, mine);
    assert.deepEqual(state.writes, [mine]);
  });

  it('refuses state with marks but no record (STATE_CORRUPT): an earlier layout', async () => {
    const { state, store } = memoryStore(undefined, { marks: true });
    await assert.rejects(
      recordNumberSpace(store, mine),
      withCode('STATE_CORRUPT', /^the test store holds high-water marks but no number-space record/),
    );
    assert.deepEqual(state.writes, []);
  });

  it('refuses a stored record that disagrees, writing nothing', async () => {
    const { state, store } = memoryStore(recordOf('opaque', [key(0, 7)]));
    await assert.rejects(recordNumberSpace(store, mine), withCode('KEY_MISMATCH'));
    assert.deepEqual(state.writes, []);
  });

  it('reads again when another instance wrote first, and checks against what it wrote', async () => {
    // The other instance wrote the same keys: nothing left to add.
    const same = memoryStore(undefined);
    same.state.others.push(mine);
    await recordNumberSpace(same.store, mine);
    assert.deepEqual(same.state.writes, []);
    assert.equal(same.state.reads, 2);

    // It wrote one generation only: this one adds the other, at the new version.
    const part = memoryStore(undefined);
    part.state.others.push(recordOf('opaque', [key(0, 1)]));
    await recordNumberSpace(part.store, mine);
    assert.deepEqual(part.state.writes, [mine]);

    // It wrote another key for generation 1: refused.
    const clash = memoryStore(recordOf('opaque', [key(0, 1)]));
    clash.state.others.push(recordOf('opaque', [key(0, 1), key(1, 5)]));
    await assert.rejects(recordNumberSpace(clash.store, mine), withCode('KEY_MISMATCH'));
    assert.deepEqual(clash.state.writes, []);
  });
});
