/**
 * The service's start-up against the files it is given (issue 16): a key file
 * or clients file others can read, a malformed clients file, a state
 * directory others can write to, links planted where it writes, and a clock
 * past the number's layout. Real service processes.
 */
import assert from 'node:assert/strict';
import {
  chmodSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { shiftedClockEnv } from '../helpers/faketime.js';
import { freshStateDir, get, startService, TEST_KEY_FILE, TEST_NODE_ID, type Service } from '../helpers/service.js';

const HASH = 'c'.repeat(64);
const fresh = (): string => mkdtempSync(join(tmpdir(), 'tracknum-hygiene-'));

async function assertRefused(service: Service, line: RegExp): Promise<void> {
  assert.equal((await service.exited).code, 1);
  assert.match(service.stderr(), line);
  assert.equal(service.stderr().split('\n').length, 2, service.stderr());
}

function file(dir: string, name: string, text: string, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

describe('start-up against unsafe files', () => {
  it('refuses a key file others can read, naming it and the fix', async () => {
    const key = file(fresh(), 'key', readFileSync(TEST_KEY_FILE, 'utf8'), 0o644);
    const stateDir = freshStateDir();
    const service = await startService({ stateDir, env: { TRACKING_NUMBER_KEY_FILE: key }, expectExit: true });
    await assertRefused(
      service,
      new RegExp(
        `^tracknum: SECRET_FILE_PERMISSIONS: key file ${key} is mode 0644: group or others can read or change it \\(chmod 600\\)\\n$`,
      ),
    );
    assert.ok(!service.stderr().includes(readFileSync(TEST_KEY_FILE, 'utf8').slice(2, 66)));
  });

  it('reads a clients file at start, and refuses one others can read, a malformed one, or a missing one it was given', async () => {
    const dir = fresh();
    const good = file(
      dir,
      'good',
      `# clients\nacme sha256:${HASH} quota=10/s burst=100 routes=issue\nops sha256:${'d'.repeat(64)} quota=1/s burst=1 routes=metrics\n`,
      0o600,
    );
    const service = await startService({ env: { CLIENTS_FILE: good } });
    try {
      assert.equal((await get(service.port, '/readyz')).status, 200);
      assert.ok(
        service.logs.some((l) => l.msg === 'clients file read' && l['path'] === good && l['clients'] === 2),
        JSON.stringify(service.logs),
      );
      assert.ok(!JSON.stringify(service.logs).includes(HASH), 'a hash in the log');
    } finally {
      await service.stop();
    }

    const shared = file(dir, 'shared', readFileSync(good, 'utf8'), 0o640);
    await assertRefused(
      await startService({ env: { CLIENTS_FILE: shared }, expectExit: true }),
      /^tracknum: SECRET_FILE_PERMISSIONS: clients file .*shared is mode 0640: .*\(chmod 600\)\n$/,
    );
    // Refused before anything is written into the state directory.
    const stateDir = freshStateDir();
    const malformed = file(dir, 'malformed', `acme sha256:${HASH} quota=10/s burst=100 routes=issue\nacme\n`, 0o600);
    await assertRefused(
      await startService({ stateDir, env: { CLIENTS_FILE: malformed }, expectExit: true }),
      /^tracknum: CLIENTS_INVALID: .*malformed, line 2: the second field must be sha256:/,
    );
    assert.deepEqual(readdirSync(stateDir), []);
    await assertRefused(
      await startService({ env: { CLIENTS_FILE: join(dir, 'missing') }, expectExit: true }),
      /^tracknum: CLIENTS_INVALID: cannot read the clients file .*missing: ENOENT\n$/,
    );
  });

  it("starts without systemd's clients credential, which is optional, and reads it when it is there", async () => {
    const credentials = fresh();
    const key = file(credentials, 'tracking-number-key', readFileSync(TEST_KEY_FILE, 'utf8'), 0o400);
    assert.ok(statSync(key).isFile());
    const env = { TRACKING_NUMBER_KEY_FILE: '', CREDENTIALS_DIRECTORY: credentials };
    const without = await startService({ env });
    assert.ok(!without.logs.some((l) => l.msg === 'clients file read'));
    await without.stop();
    file(credentials, 'tracknum-clients', `acme sha256:${HASH} quota=10/s burst=100 routes=issue\n`, 0o400);
    const withClients = await startService({ env });
    assert.ok(withClients.logs.some((l) => l.msg === 'clients file read' && l['clients'] === 1));
    await withClients.stop();
  });

  it('refuses a state directory others can write to', async () => {
    const stateDir = freshStateDir();
    chmodSync(stateDir, 0o777);
    await assertRefused(
      await startService({ stateDir, expectExit: true }),
      new RegExp(
        `^tracknum: STATE_DIR_PERMISSIONS: state directory ${stateDir} is mode 0777: group or others can add files to it \\(chmod 700 ${stateDir}\\)\\n$`,
      ),
    );
    assert.deepEqual(readdirSync(stateDir), []);
  });

  it('writes its record and mark past links planted at their temporary paths, leaving their targets alone', async () => {
    const stateDir = freshStateDir();
    const outside = fresh();
    const victims = ['number-space.json', `node-${TEST_NODE_ID}.high-water.json`].map((name) => {
      const victim = file(outside, name, 'not yours\n', 0o644);
      symlinkSync(victim, join(stateDir, `${name}.tmp`));
      return { name, victim };
    });
    const service = await startService({ stateDir });
    const stopped = await service.stop();
    assert.deepEqual(stopped, { code: 0, signal: null }, service.stderr() + JSON.stringify(service.logs.slice(-3)));
    for (const { name, victim } of victims) {
      assert.equal(readFileSync(victim, 'utf8'), 'not yours\n', name);
      const written = lstatSync(join(stateDir, name));
      assert.ok(written.isFile() && (written.mode & 0o777) === 0o600, name);
    }
    assert.deepEqual(readdirSync(stateDir).sort(), victims.map((v) => v.name).sort());
  });

  it('refuses a clock past the layout, with the range the layout allows', async () => {
    const service = await startService({ env: shiftedClockEnv('@2060-01-01 00:00:00'), expectExit: true });
    await assertRefused(
      service,
      /^tracknum: CLOCK_OUT_OF_RANGE: system clock 2060-01-01T\d\d:\d\d:\d\d\.\d{3}Z is outside 2025-01-01T00:00:00\.000Z \.\. 2059-01-10T13:36:53\.000Z: the layout's last second is 2059-01-10T13:37:03\.000Z, and RESERVE_SECONDS \(10\) are reserved ahead of the clock\n$/,
    );
  });
});
