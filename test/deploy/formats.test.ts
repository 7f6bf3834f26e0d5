/**
 * The state this version reads and writes, pinned (docs/operations.md,
 * "Versions and state"): a state directory's mark and record files and an
 * etcd prefix's keys, against fixtures written as the builds since f74d36e
 * write them (test/deploy/fixtures/state-directory/), and what this version does with
 * state it does not know: another mark version, a record with members it
 * does not know, marks without a record. An upgrade or a rollback between
 * builds that pass this test carries the state over.
 */
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Etcd3 } from 'etcd3';
import { StateDirectory } from '../../src/nodeIds/stateDirectory.js';
import { keyFingerprint, parseKeys } from '../../src/numberSpace/keys.js';
import { recordNumberSpace, recordOf } from '../../src/numberSpace/record.js';
import { startEtcd, type EtcdCluster } from '../helpers/etcd.js';
import { ROOT, startService } from '../helpers/service.js';

const FIXTURES = join(ROOT, 'test/deploy/fixtures/state-directory');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const FIXTURE_KEYS = parseKeys(fixture('tracking-number.key'), 'the fixture key');

/** A state directory holding the fixtures, mode 0700 with its files 0600, as the service leaves one. */
function fixtureDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tracknum-formats-'));
  chmodSync(dir, 0o700);
  for (const name of readdirSync(FIXTURES)) {
    copyFileSync(join(FIXTURES, name), join(dir, name));
    chmodSync(join(dir, name), 0o600);
  }
  return dir;
}

const codeOf = (error: unknown): string => (error as { code?: string }).code ?? String(error);

describe('the state directory', () => {
  const dirs: string[] = [];
  const directory = (): string => {
    const dir = fixtureDirectory();
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('a mark file: this version reads the fixture and writes the same shape, version 2', async () => {
    const state = StateDirectory.forReading(directory());
    assert.equal(await state.highWaterStore(7).read(), 60_000_000);
    await state.highWaterStore(7).write(60_000_123);
    const written = JSON.parse(readFileSync(join(state.path, 'node-7.high-water.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const pinned = JSON.parse(fixture('node-7.high-water.json')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(written), Object.keys(pinned));
    assert.deepEqual(
      { ...written, updatedAt: 'any' },
      { version: 2, nodeId: 7, highWaterSecond: 60_000_123, updatedAt: 'any' },
    );
    assert.ok(!Number.isNaN(Date.parse(written['updatedAt'] as string)));
  });

  it('a mark of another version (an earlier layout’s, or a later version’s) is refused: STATE_CORRUPT', async () => {
    for (const version of [1, 3]) {
      const dir = directory();
      const mark = { ...(JSON.parse(fixture('node-7.high-water.json')) as object), version };
      writeFileSync(join(dir, 'node-7.high-water.json'), JSON.stringify(mark));
      await assert.rejects(StateDirectory.forReading(dir).highWaterStore(7).read(), (error) => {
        assert.equal(codeOf(error), 'STATE_CORRUPT');
        return true;
      });
    }
  });

  it('the record: the fixture is what this version records for the fixture key (the fingerprint is pinned)', async () => {
    const [key] = FIXTURE_KEYS;
    assert.equal(keyFingerprint(key!.key), 'c8f4b26d8fdba1f73a91f45e05ce9727');
    const pinned = JSON.parse(fixture('number-space.json')) as unknown;
    assert.deepEqual(recordOf('opaque', FIXTURE_KEYS), pinned);
    const state = StateDirectory.forReading(directory());
    assert.deepEqual((await state.numberSpace.read()).record, pinned);
    // Nothing new: nothing written.
    const before = readFileSync(join(state.path, 'number-space.json'), 'utf8');
    await recordNumberSpace(state.numberSpace, recordOf('opaque', FIXTURE_KEYS));
    assert.equal(readFileSync(join(state.path, 'number-space.json'), 'utf8'), before);
  });

  it('a record with members this version does not know: read and kept, until it adds a generation, which drops them', async () => {
    const dir = directory();
    const record = { ...(JSON.parse(fixture('number-space.json')) as object), layout: 'from-a-later-version' };
    writeFileSync(join(dir, 'number-space.json'), `${JSON.stringify(record)}\n`);
    const state = StateDirectory.forReading(dir);
    await recordNumberSpace(state.numberSpace, recordOf('opaque', FIXTURE_KEYS));
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'number-space.json'), 'utf8')), record);

    const withNext = [...FIXTURE_KEYS, { generation: 1, key: Buffer.alloc(32, 7) }];
    await recordNumberSpace(state.numberSpace, recordOf('opaque', withNext));
    assert.deepEqual(
      JSON.parse(readFileSync(join(dir, 'number-space.json'), 'utf8')),
      recordOf('opaque', withNext),
      'rewritten with format and keys only',
    );
  });

  it('marks without a record (an earlier layout’s state) are refused: STATE_CORRUPT', async () => {
    const dir = directory();
    rmSync(join(dir, 'number-space.json'));
    await assert.rejects(
      recordNumberSpace(StateDirectory.forReading(dir).numberSpace, recordOf('opaque', FIXTURE_KEYS)),
      (error) => {
        assert.equal(codeOf(error), 'STATE_CORRUPT');
        return true;
      },
    );
  });
});

describe('the etcd keys', () => {
  let etcd: EtcdCluster;
  let client: Etcd3;
  let keyFile = '';
  before(async () => {
    etcd = await startEtcd(1);
    client = new Etcd3({ hosts: etcd.endpoints.split(',') });
    keyFile = join(mkdtempSync(join(tmpdir(), 'tracknum-formats-key-')), 'tracking-number.key');
    writeFileSync(keyFile, fixture('tracking-number.key'), { mode: 0o600 });
  });
  after(async () => {
    client?.close();
    await etcd?.close();
    if (keyFile !== '') rmSync(join(keyFile, '..'), { recursive: true, force: true });
  });

  it('this version writes the mark, the node key and the record in the pinned formats, and nothing to STATE_DIR', async () => {
    const stateDir = join(mkdtempSync(join(tmpdir(), 'tracknum-formats-unused-')), 'state');
    const service = await startService({
      stateDir,
      env: { ETCD_ENDPOINTS: etcd.endpoints, ETCD_PREFIX: '/formats', TRACKING_NUMBER_KEY_FILE: keyFile },
    });
    try {
      assert.match((await client.get('/formats/high-water/0').string()) ?? '', /^(0|[1-9][0-9]*)$/);
      const holder = JSON.parse((await client.get('/formats/nodes/0').string()) ?? '{}') as Record<string, unknown>;
      assert.deepEqual(Object.keys(holder).sort(), ['claimedAt', 'host', 'pid']);
      assert.deepEqual(
        JSON.parse((await client.get('/formats/number-space').string()) ?? ''),
        JSON.parse(fixture('number-space.json')),
      );
    } finally {
      assert.deepEqual(await service.stop('SIGTERM'), { code: 0, signal: null });
    }
    // The etcd mode keeps no state on disk: a read-only root file system will do (deploy/kubernetes/).
    assert.throws(() => readdirSync(stateDir), /ENOENT/);
  });

  it('a mark that is not decimal digits (a later format) stops the start: STATE_CORRUPT', async () => {
    await client.put('/later/high-water/0').value('v3:60000000');
    await client.put('/later/number-space').value(fixture('number-space.json'));
    const service = await startService({
      expectExit: true,
      env: { ETCD_ENDPOINTS: etcd.endpoints, ETCD_PREFIX: '/later', TRACKING_NUMBER_KEY_FILE: keyFile },
    });
    const exited = await service.exited;
    assert.equal(exited.code, 1);
    assert.match(service.stderr(), /STATE_CORRUPT/);
  });
});
