/**
 * The clients file's format (src/clients/clientsFile.ts): what it accepts,
 * what it refuses and how it says so (file and line, never a hash or a
 * token), and how it is loaded (optional or required, owner and mode).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  clientLine,
  loadClients,
  newToken,
  parseClients,
  parseQuota,
  tokenHash,
} from '../../src/clients/clientsFile.js';
import { isTracknumError } from '../../src/errors.js';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);
const ok = (name: string, hash = HASH_A, rest = 'quota=100/s burst=1000 routes=issue,batch,lookup'): string =>
  `${name} sha256:${hash} ${rest}`;

describe('the clients file', () => {
  it('reads one client per line, settings in any order, with comments, blank lines and spaces or tabs', () => {
    const text = [
      '# clients of the API',
      '',
      ok('acme'),
      `  globex\tsha256:${HASH_B}   routes=metrics burst=5 quota=1/s  `,
      '   # an indented comment',
      '',
    ].join('\n');
    assert.deepEqual(parseClients(text, 'clients'), [
      {
        name: 'acme',
        tokenHash: Buffer.from(HASH_A, 'hex'),
        quotaPerSecond: 100,
        burst: 1000,
        routes: ['issue', 'batch', 'lookup'],
        line: 3,
      },
      {
        name: 'globex',
        tokenHash: Buffer.from(HASH_B, 'hex'),
        quotaPerSecond: 1,
        burst: 5,
        routes: ['metrics'],
        line: 4,
      },
    ]);
    assert.deepEqual(parseClients('', 'clients'), []);
    assert.deepEqual(parseClients('# none yet\n', 'clients'), []);
  });

  it('takes the limits of each setting, and no more', () => {
    const limits: [string, boolean][] = [
      ['quota=1/s', true],
      ['quota=1048576/s', true],
      ['quota=1048577/s', false],
      ['quota=0/s', false],
      ['quota=100', false],
      ['quota=01/s', false],
      ['quota=1.5/s', false],
      ['quota=-1/s', false],
      ['burst=2147483647', true],
      ['burst=2147483648', false],
      ['burst=0', false],
      ['burst=1e3', false],
      ['routes=issue,batch,lookup,metrics', true],
      ['routes=issue,issue', false],
      ['routes=admin', false],
      ['routes=', false],
      ['routes=Issue', false],
    ];
    for (const [setting, accepted] of limits) {
      const defaults = { quota: 'quota=1/s', burst: 'burst=1', routes: 'routes=issue' };
      const key = setting.split('=')[0] as keyof typeof defaults;
      const line = ok('x', HASH_A, Object.values({ ...defaults, [key]: setting }).join(' '));
      if (accepted) assert.equal(parseClients(line, 'f').length, 1, setting);
      else assert.throws(() => parseClients(line, 'f'), /CLIENTS_INVALID|f, line 1: /, setting);
    }
  });

  it('refuses a malformed line with CLIENTS_INVALID, the file and the line, never quoting a hash or a token', () => {
    const token = newToken();
    const table: [string, string][] = [
      [`ACME sha256:${HASH_A} quota=1/s burst=1 routes=issue`, 'a name is 1 to 64 of a-z 0-9 . _ -'],
      [`-acme sha256:${HASH_A} quota=1/s burst=1 routes=issue`, 'a name is 1 to 64'],
      [`${'a'.repeat(65)} sha256:${HASH_A} quota=1/s burst=1 routes=issue`, 'a name is 1 to 64'],
      ['acme', 'the second field must be sha256: and 64 lower-case hex digits'],
      [`acme ${HASH_A} quota=1/s burst=1 routes=issue`, 'the second field must be sha256:'],
      [`acme sha256:${HASH_A.toUpperCase()} quota=1/s burst=1 routes=issue`, 'the second field must be sha256:'],
      [`acme sha256:${HASH_A}0 quota=1/s burst=1 routes=issue`, 'the second field must be sha256:'],
      [`acme md5:${HASH_A} quota=1/s burst=1 routes=issue`, 'the second field must be sha256:'],
      [`acme sha256:${HASH_A} quota=1/s burst=1`, 'routes= is missing'],
      [`acme sha256:${HASH_A} burst=1 routes=issue`, 'quota= is missing'],
      [`acme sha256:${HASH_A} quota=1/s burst=1 routes=issue quota=2/s`, 'quota is given twice'],
      [`acme sha256:${HASH_A} quota=1/s burst=1 routes=issue extra`, 'and nothing else'],
      [`acme sha256:${HASH_A} quota=1/s burst=1 routes=issue rate=3`, 'and nothing else'],
      [`acme ${token} quota=1/s burst=1 routes=issue`, 'holds what looks like a token'],
      [`${token}`, 'holds what looks like a token'],
      [`acme sha256:${HASH_A} quota=1/s burst=1 routes=issue token=${token}`, 'holds what looks like a token'],
    ];
    for (const [line, problem] of table) {
      const text = `# header\n\n${line}\n`;
      assert.throws(
        () => parseClients(text, '/etc/tracknum/clients'),
        (error: unknown) => {
          assert.ok(isTracknumError(error) && error.code === 'CLIENTS_INVALID', `${line}: ${String(error)}`);
          assert.ok(error.message.startsWith('/etc/tracknum/clients, line 3: '), error.message);
          assert.ok(error.message.includes(problem), `${line}: ${error.message}`);
          assert.equal(error.context['line'], 3);
          for (const secret of [HASH_A, HASH_A.toUpperCase(), token]) {
            assert.ok(!error.message.includes(secret), `${line}: quotes a secret`);
          }
          return true;
        },
        line,
      );
    }
  });

  it('refuses a name or a token hash given twice, naming the first line', () => {
    assert.throws(
      () => parseClients(`${ok('acme')}\n${ok('acme', HASH_B)}\n`, 'f'),
      /^TracknumError: f, line 2: client acme is already on line 1$/,
    );
    assert.throws(
      () => parseClients(`${ok('acme')}\n\n${ok('globex')}\n`, 'f'),
      (error: unknown) =>
        isTracknumError(error) &&
        error.message === 'f, line 3: the token hash is already on line 1: every client has its own token',
    );
  });

  it('makes tokens of 256 random bits, hashes them with SHA-256, and writes lines it reads back', () => {
    const token = newToken();
    assert.match(token, /^tn_[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(token.slice(3), 'base64url').length, 32);
    assert.notEqual(newToken(), token);
    assert.equal(tokenHash(token).toString('hex'), createHashHex(token));
    const entry = {
      name: 'acme',
      tokenHash: tokenHash(token),
      quotaPerSecond: 7,
      burst: 70,
      routes: ['lookup'] as const,
    };
    const line = clientLine({ ...entry, routes: [...entry.routes] });
    assert.equal(line, `acme sha256:${createHashHex(token)} quota=7/s burst=70 routes=lookup\n`);
    assert.deepEqual(parseClients(line, 'f'), [{ ...entry, routes: ['lookup'], line: 1 }]);
  });

  it('reads N/s, and N alone only on the command line', () => {
    assert.deepEqual(parseQuota('5/s', true), { ok: true, value: 5 });
    assert.equal(parseQuota('5', true).ok, false);
    assert.deepEqual(parseQuota('5', false), { ok: true, value: 5 });
    assert.deepEqual(parseQuota('5/s', false), { ok: true, value: 5 });
    assert.equal(parseQuota('5/m', false).ok, false);
  });

  it('is loaded when configured: absent is fine for systemd’s default, not when named; its mode is checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracknum-clients-'));
    const file = join(dir, 'clients');
    assert.equal(await loadClients(undefined), undefined);
    assert.equal(await loadClients({ path: file, required: false }), undefined);
    await assert.rejects(loadClients({ path: file, required: true }), (error: unknown) => {
      return (
        isTracknumError(error) &&
        error.code === 'CLIENTS_INVALID' &&
        /cannot read the clients file .*ENOENT/.test(error.message)
      );
    });
    writeFileSync(file, `${ok('acme')}\n`, { mode: 0o600 });
    const loaded = await loadClients({ path: file, required: true });
    assert.deepEqual(
      loaded?.entries.map((c) => c.name),
      ['acme'],
    );
    chmodSync(file, 0o644);
    for (const required of [true, false]) {
      await assert.rejects(loadClients({ path: file, required }), (error: unknown) => {
        return (
          isTracknumError(error) && error.code === 'SECRET_FILE_PERMISSIONS' && error.message.includes('clients file')
        );
      });
    }
  });
});

function createHashHex(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
