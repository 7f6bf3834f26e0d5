/**
 * Start-up refusals, the native uWS binding, the built service, and shutdown.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { startLoad, waitForIssued } from '../helpers/load.js';
import { ROOT, TEST_NODE_ID, drawNumbers, freshStateDir, get, orderPath, startService } from '../helpers/service.js';

describe('start-up', () => {
  it('refuses a second instance on the same state directory, with one clear line', async () => {
    const stateDir = freshStateDir();
    const first = await startService({ stateDir });
    try {
      // Another node ID: with the same one, the node ID's lock, taken first, refuses it (NODE_ID_IN_USE).
      const second = await startService({ stateDir, env: { NODE_ID: String(TEST_NODE_ID + 1) }, expectExit: true });
      const { code } = await second.exited;
      assert.equal(code, 1);
      assert.match(
        second.stderr(),
        /^tracknum: STATE_LOCKED: state directory .* is in use by another tracknum instance\n$/,
      );
      assert.equal((await get(first.port, '/readyz')).status, 200);
    } finally {
      await first.stop();
    }
  });

  it('refuses a second instance on this host with the same node ID, even with its own state directory, before writing into it', async () => {
    const first = await startService({ env: { NODE_ID: '17' } });
    try {
      const twin = await startService({ env: { NODE_ID: '17' }, expectExit: true });
      assert.equal((await twin.exited).code, 1);
      assert.match(
        twin.stderr(),
        /^tracknum: NODE_ID_IN_USE: node ID 17 is in use by another tracknum instance on this host: give each instance on a host its own NODE_ID, and all of them one key file \(TRACKING_NUMBER_KEY_FILE\)\n$/,
      );
      // Refused before anything was written into its new state directory: no number-space record, no mark.
      assert.deepEqual(readdirSync(twin.stateDir), []);
      const other = await startService({ env: { NODE_ID: '18' } });
      assert.equal((await get(other.port, '/readyz')).json().node_id, 18);
      assert.equal((await other.stop()).code, 0);
    } finally {
      await first.stop();
    }
  });

  it('refuses a port that is already taken, even though uWS would share it', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    assert.ok(typeof address === 'object' && address !== null);
    try {
      const service = await startService({ env: { PORT: String(address.port) }, expectExit: true });
      assert.equal((await service.exited).code, 1);
      assert.match(service.stderr(), /^tracknum: PORT_IN_USE: port \d+ on 127\.0\.0\.1 is already in use\n$/);
    } finally {
      blocker.close();
    }
  });

  it('refuses a port taken by another tracknum instance', async () => {
    const first = await startService();
    try {
      const second = await startService({ env: { PORT: String(first.port) }, expectExit: true });
      assert.equal((await second.exited).code, 1);
      assert.match(second.stderr(), /PORT_IN_USE/);
    } finally {
      await first.stop();
    }
  });

  it('reports every invalid setting at once and exits 1', async () => {
    const service = await startService({
      env: { NODE_ID: '4096', WORKERS: '0', RESERVE_SECONDS: 'ten' },
      args: ['--port', '70000'],
      expectExit: true,
    });
    assert.equal((await service.exited).code, 1);
    const line = service.stderr();
    for (const expected of [
      '--port must be',
      'WORKERS must be',
      'NODE_ID must be an integer from 0 to 4095',
      'RESERVE_SECONDS must be',
    ]) {
      assert.ok(line.includes(expected), `${expected} missing from ${line}`);
    }
    assert.equal(line.split('\n').length, 2, 'more than one line');
  });

  it('rejects unknown flags as a usage error: one line, exit status 2, nothing on standard output', async () => {
    const service = await startService({ args: ['--colour', 'blue'], expectExit: true });
    assert.equal((await service.exited).code, 2);
    assert.equal(service.stderr(), "tracknum: USAGE: Unknown option '--colour' (see tracknum serve --help)\n");
    assert.deepEqual(service.logs, []);
  });

  it('prints serve --help and exits 0', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve', '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(result.status, 0);
    for (const name of [
      '--port',
      'PORT',
      '--host',
      'HOST',
      '--workers',
      'WORKERS',
      '--node-id',
      'NODE_ID',
      '--state-dir',
      'STATE_DIR',
    ]) {
      assert.ok(result.stdout.includes(name), `${name} missing from --help`);
    }
  });

  it('runs on the native uWebSockets.js binding and refuses the slow fallback', async () => {
    const service = await startService({ env: { UWS_USE_FALLBACK: '1' }, expectExit: true });
    assert.equal((await service.exited).code, 1);
    assert.match(service.stderr(), /UWS_NOT_NATIVE/);
    const { loadUws } = await import('../../src/worker/uws.js');
    assert.doesNotThrow(loadUws, 'this machine loaded the pure-JS fallback instead of the native binding');
  });
});

describe('shutdown', () => {
  it('on SIGTERM: not ready at once, issuing through SHUTDOWN_DELAY, then drains, persists and exits 0 in time', async () => {
    const delayMs = 2000;
    const service = await startService({ env: { SHUTDOWN_DELAY: String(delayMs / 1000) } });
    const load = startLoad([service.port], 8);
    await waitForIssued(load, 2000);
    const signalledAt = performance.now();
    service.child.kill('SIGTERM');
    let notReadyAt: number | undefined;
    while (notReadyAt === undefined && performance.now() - signalledAt < 5000) {
      const readiness = await get(service.port, '/readyz').catch(() => undefined);
      if (readiness?.status === 503) notReadyAt = performance.now();
    }
    const { code } = await service.exited;
    const exitedAt = performance.now();
    const draws = await load.stop();

    assert.equal(code, 0);
    assert.ok(notReadyAt !== undefined && notReadyAt - signalledAt < 1000, 'readiness went false at once');
    // Within the unit's stop timeout (30 s), idle keep-alive connections included.
    assert.ok(exitedAt - signalledAt < 25_000, `exited ${(exitedAt - signalledAt).toFixed(0)} ms after SIGTERM`);
    // Load balancers get the delay to move away, while numbers are still issued.
    const duringDelay = draws.filter((d) => d.at > notReadyAt && d.at < signalledAt + delayMs - 300);
    assert.ok(duringDelay.length > 100, `${duringDelay.length} answers during the delay`);
    assert.deepEqual(
      duringDelay.filter((d) => d.status !== 200).map((d) => d.status),
      [],
    );
    // Afterwards: 200, 503 with Retry-After while draining, or a closed connection; nothing else.
    assert.ok(draws.every((d) => [200, 503, 0].includes(d.status)));
    const order = [
      'shutting down: not ready; still serving for a while',
      'shutting down: draining workers',
      'high-water mark persisted',
      'node ID released; waiting for open connections to close',
      'stopped',
    ].map((msg) => service.logs.findIndex((line) => line.msg === msg));
    assert.ok(
      order.every((index, i) => index >= 0 && (i === 0 || index > order[i - 1]!)),
      `log order ${order.join(', ')}`,
    );
  });

  it('on SIGTERM under load: finishes in-flight requests, answers only 200 or 503, exits 0', async () => {
    const service = await startService();
    const load = drawNumbers(service.port, 10_000_000, 16);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const stopping = service.stop('SIGTERM');
    const { numbers, failures } = await load;
    const { code } = await stopping;
    assert.equal(code, 0);
    assert.ok(numbers.length > 1000);
    // Requests that reached the server while it drained get 503 with Connection: close;
    // nothing else but 200 may come back.
    assert.ok(failures <= 16 * 2, `${failures} non-200 answers`);
    assert.ok(service.logs.some((l) => l.msg === 'high-water mark persisted'));
    assert.ok(service.logs.some((l) => l.msg === 'node ID released; waiting for open connections to close'));
    assert.ok(service.logs.some((l) => l.msg === 'stopped'));
  });

  it('SIGINT also shuts down cleanly', async () => {
    const service = await startService();
    assert.equal((await get(service.port, orderPath())).status, 200);
    assert.equal((await service.stop('SIGINT')).code, 0);
  });
});

describe('the built service (tspc)', () => {
  it('builds, starts from dist/ and issues a number', async () => {
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stdout + build.stderr);
    const service = await startService({ command: [process.execPath, 'dist/main.js'] });
    try {
      const answer = await get(service.port, orderPath());
      assert.equal(answer.status, 200, answer.body);
      assert.equal((await get(service.port, orderPath({ weight: '1e3' }))).status, 400);
    } finally {
      assert.equal((await service.stop()).code, 0);
    }
  });
});
