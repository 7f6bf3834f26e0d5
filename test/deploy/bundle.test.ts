/**
 * The production build (`npm run bundle`, scripts/bundle.ts), copied away
 * from the checkout so that nothing can be found in its node_modules: what it
 * holds, the etcd mode (the etcd3 client, gRPC and protobufjs are inlined, and
 * etcd's .proto files are read from the bundle's directory at start), and a
 * missing native binary. The embedded mode is run by install.test.ts (the
 * installed copy) and image.test.ts (the container).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Etcd3 } from 'etcd3';
import { startEtcd } from '../helpers/etcd.js';
import { get, orderPath, ROOT, startService, TEST_KEY_FILE } from '../helpers/service.js';
import { filesUnder } from '../helpers/files.js';

const UWS_BINARY = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
let work = '';
let bundle = '';

before(
  () => {
    work = mkdtempSync(join(tmpdir(), 'tracknum-bundle-'));
    bundle = join(work, 'bundle');
    const built = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bundle.ts', '--out', bundle], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(built.status, 0, `${built.stdout}${built.stderr}`);
  },
  { timeout: 120_000 },
);

after(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

test('the bundle: two bundles, one native binary, etcd’s .proto files, under 15 MB', () => {
  assert.deepEqual(filesUnder(bundle), [
    'THIRD-PARTY-LICENSES.txt',
    'main.js',
    `native/${UWS_BINARY}`,
    'package.json',
    'proto/etcd3/auth.proto',
    'proto/etcd3/kv.proto',
    'proto/etcd3/rpc.proto',
    'worker/worker.js',
  ]);
  const bytes = filesUnder(bundle).reduce((sum, file) => sum + statSync(join(bundle, file)).size, 0);
  assert.ok(bytes <= 15e6, `${bytes} bytes`);
});

test('the bundle knows its version and the commit it was built from', () => {
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const ran = spawnSync(process.execPath, [join(bundle, 'main.js'), '--version'], { cwd: '/', encoding: 'utf8' });
  assert.equal(ran.status, 0, ran.stderr);
  assert.match(ran.stdout, new RegExp(`^tracknum ${version.replaceAll('.', '\\.')} \\(commit ${head}(-dirty)?\\)\\n$`));
});

test('the bundle in the etcd mode: claims a node ID, keeps its lease past 2 TTLs, stores the mark on SIGTERM', async () => {
  const cluster = await startEtcd(1);
  const client = new Etcd3({ hosts: cluster.endpoints.split(',') });
  try {
    const service = await startService({
      command: [process.execPath, join(bundle, 'main.js')],
      env: { ETCD_ENDPOINTS: cluster.endpoints, ETCD_LEASE_TTL: '3', ETCD_PREFIX: '/bundle-test' },
    });
    let nodeId = -1;
    try {
      const ready = await get(service.port, '/readyz');
      assert.equal(ready.status, 200, ready.body);
      nodeId = ready.json<{ node_id: number }>().node_id;
      // Lease IDs are 64-bit integers: a keepalive that lost precision (no Long in protobufjs) would let it expire.
      await new Promise((resolve) => setTimeout(resolve, 7_000));
      assert.equal((await get(service.port, '/readyz')).status, 200);
      assert.equal((await get(service.port, orderPath())).status, 200);
      assert.ok((await client.get(`/bundle-test/nodes/${nodeId}`).string()) !== null, 'node key held under its lease');
    } finally {
      assert.deepEqual(await service.stop('SIGTERM'), { code: 0, signal: null }, service.stderr());
    }
    assert.equal(service.stderr(), '');
    assert.match((await client.get(`/bundle-test/high-water/${nodeId}`).string()) ?? '', /^\d+$/);
    assert.equal(await client.get(`/bundle-test/nodes/${nodeId}`).string(), null, 'node ID released');
  } finally {
    client.close();
    await cluster.close();
  }
});

test('the bundle without its native binary refuses to start, and says why', () => {
  const broken = join(work, 'broken');
  cpSync(bundle, broken, { recursive: true });
  rmSync(join(broken, 'native', UWS_BINARY));
  const started = spawnSync(process.execPath, [join(broken, 'main.js')], {
    cwd: '/',
    encoding: 'utf8',
    env: {
      ...process.env,
      NODE_ID: '3904',
      TRACKING_NUMBER_KEY_FILE: TEST_KEY_FILE,
      STATE_DIR: join(work, 'state'),
      PORT: '0',
    },
    timeout: 20_000,
  });
  assert.equal(started.status, 1, started.stderr);
  assert.match(started.stderr, new RegExp(`uWebSockets.js native binding .*${UWS_BINARY} did not load`));
  assert.match(started.stderr, /tracknum: UWS_NOT_NATIVE: /);
});
