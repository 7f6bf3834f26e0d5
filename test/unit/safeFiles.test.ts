/**
 * Secret files (the key file, the clients file): who may own them, with what
 * mode, read as root (the tests' user) and as another user (nobody, through
 * a child process), where root-owned files follow a rule of their own.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isTracknumError, TracknumError } from '../../src/errors.js';
import { readSecretFile } from '../../src/safeFiles.js';
import { ROOT } from '../helpers/service.js';

const SECRET = '0 ' + 'ab'.repeat(32) + '\n';
const NOBODY = 65534;
const STRANGER = 12345;

/** A directory anyone may enter, so that another user can reach the files in it. */
function openDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tracknum-secret-'));
  chmodSync(dir, 0o755);
  return dir;
}

function secretFile(dir: string, name: string, mode: number, owner = 0, group = 0): string {
  const file = join(dir, name);
  writeFileSync(file, SECRET);
  chownSync(file, owner, group);
  chmodSync(file, mode);
  return file;
}

const read = (file: string): Promise<string> =>
  readSecretFile(file, 'key file', (reason) => new TracknumError('KEY_INVALID', `cannot read ${file}: ${reason}`));

/** readSecretFile run as `uid` (with that uid as its only group). */
function readAs(uid: number, file: string): { ok: boolean; code?: string; message?: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/fixtures/readSecretFile.ts', file], {
    cwd: ROOT,
    uid,
    gid: uid,
    encoding: 'utf8',
    env: { ...process.env, HOME: '/nonexistent' },
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as { ok: boolean; code?: string; message?: string };
}

describe('secret files', () => {
  assert.equal(process.getuid?.(), 0, 'these tests change owners: run them as root');

  it('owned by the reader: 0600 or less, nothing for group or others (the fix, chmod 600, in the message, never the content)', async () => {
    const dir = openDirectory();
    for (const mode of [0o600, 0o400, 0o200]) {
      assert.equal(await read(secretFile(dir, `ok-${mode.toString(8)}`, mode)), SECRET, mode.toString(8));
    }
    for (const mode of [0o644, 0o640, 0o660, 0o666, 0o604, 0o620, 0o602, 0o610, 0o601]) {
      const file = secretFile(dir, `bad-${mode.toString(8)}`, mode);
      await assert.rejects(read(file), (error: unknown) => {
        assert.ok(isTracknumError(error) && error.code === 'SECRET_FILE_PERMISSIONS', String(error));
        assert.equal(
          error.message,
          `key file ${file} is mode 0${mode.toString(8)}: group or others can read or change it (chmod 600)`,
        );
        assert.ok(!error.message.includes('abab'), 'the content is never shown');
        return true;
      });
    }
  });

  it('refuses what is not a regular file, and follows a symbolic link to a safe one (Kubernetes Secrets are links)', async () => {
    const dir = openDirectory();
    const directory = join(dir, 'a-directory');
    mkdirSync(directory, { mode: 0o700 });
    await assert.rejects(read(directory), (error: unknown) => {
      return (
        isTracknumError(error) &&
        error.code === 'SECRET_FILE_PERMISSIONS' &&
        /is not a regular file/.test(error.message)
      );
    });
    const target = secretFile(dir, 'target', 0o600);
    symlinkSync(target, join(dir, 'link'));
    assert.equal(await read(join(dir, 'link')), SECRET);
    // The file the link leads to is what is checked.
    chmodSync(target, 0o644);
    await assert.rejects(read(join(dir, 'link')), (error: unknown) => {
      return isTracknumError(error) && error.code === 'SECRET_FILE_PERMISSIONS';
    });
  });

  it('names an unreadable file with the caller’s code', async () => {
    await assert.rejects(read('/nonexistent/key'), (error: unknown) => {
      return isTracknumError(error) && error.code === 'KEY_INVALID' && /ENOENT/.test(error.message);
    });
  });

  it("read by another user: root's file may be group-readable (0640, as systemd's credentials look), another user's never", () => {
    const dir = openDirectory();
    const table: { name: string; owner: number; group: number; mode: number; ok: boolean; why?: RegExp }[] = [
      { name: 'own-0600', owner: NOBODY, group: NOBODY, mode: 0o600, ok: true },
      { name: 'own-0400', owner: NOBODY, group: NOBODY, mode: 0o400, ok: true },
      { name: 'own-0640', owner: NOBODY, group: NOBODY, mode: 0o640, ok: false, why: /is mode 0640/ },
      { name: 'root-0440', owner: 0, group: NOBODY, mode: 0o440, ok: true },
      { name: 'root-0640', owner: 0, group: NOBODY, mode: 0o640, ok: true },
      { name: 'root-0644', owner: 0, group: NOBODY, mode: 0o644, ok: false, why: /is root's with mode 0644/ },
      { name: 'root-0664', owner: 0, group: NOBODY, mode: 0o664, ok: false, why: /is root's with mode 0664/ },
      { name: 'root-0460', owner: 0, group: NOBODY, mode: 0o460, ok: false, why: /is root's with mode 0460/ },
      {
        name: 'stranger-0640',
        owner: STRANGER,
        group: NOBODY,
        mode: 0o640,
        ok: false,
        why: new RegExp(`owned by uid ${STRANGER}, neither this user \\(uid ${NOBODY}\\) nor root`),
      },
    ];
    for (const { name, owner, group, mode, ok, why } of table) {
      const outcome = readAs(NOBODY, secretFile(dir, name, mode, owner, group));
      if (ok) assert.deepEqual(outcome, { ok: true, text: SECRET }, name);
      else {
        assert.equal(outcome.code, 'SECRET_FILE_PERMISSIONS', `${name}: ${JSON.stringify(outcome)}`);
        assert.match(outcome.message ?? '', why!, name);
      }
    }
  });
});
