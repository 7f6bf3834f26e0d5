/**
 * The tracknum command as an operator runs it (issue 18): help for every
 * command, the version, usage errors (one line, exit 2) and refusals
 * (`tracknum: CODE: message`, exit 1) on standard error with standard output
 * left to results, stack traces only at debug level, and the files that
 * keygen --out and client add --out write.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseClients } from '../../src/clients/clientsFile.js';
import { keyFingerprint, parseKeys } from '../../src/numberSpace/keys.js';
import { ROOT, startService, TEST_KEY_FILE } from '../helpers/service.js';

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `tracknum <args>` from the sources, with only the environment given (plus PATH and HOME). */
function tracknum(args: string[], env: Record<string, string> = {}): Ran {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/', ...env },
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const fresh = (): string => mkdtempSync(join(tmpdir(), 'tracknum-cli-'));
/** What every refusal and usage error looks like: one line on standard error, nothing on standard output. */
function assertOneLine(ran: Ran, status: number, line: RegExp): void {
  assert.equal(ran.status, status, `${ran.stderr}${ran.stdout}`);
  assert.equal(ran.stdout, '', 'standard output carries only results');
  assert.match(ran.stderr, line);
  assert.equal(ran.stderr.split('\n').length, 2, `one line: ${ran.stderr}`);
}

describe('tracknum: help, version, usage errors', () => {
  it('answers --help and -h with its commands, and --version with the package version', () => {
    for (const flag of ['--help', '-h']) {
      const help = tracknum([flag]);
      assert.equal(help.status, 0);
      assert.equal(help.stderr, '');
      assert.match(help.stdout, /^Usage: tracknum \[COMMAND\] \[OPTIONS\]\n/);
      for (const command of ['serve', 'keygen', 'decode', 'verify', 'client add', '--version']) {
        assert.match(help.stdout, new RegExp(`^  ${command} +\\S`, 'm'), command);
      }
    }
    const version = tracknum(['--version']);
    assert.equal(version.status, 0);
    assert.equal(version.stdout, `tracknum ${VERSION} (commit unknown)\n`);
  });

  it('gives every command --help and -h, listing only what the command reads, aligned, with no empty default', () => {
    const table: { command: string[]; has: string[]; hasNot: string[] }[] = [
      { command: [], has: ['--port N', 'PORT', '--node-id N', 'CLIENTS_FILE', 'ETCD_PASSWORD'], hasNot: ['--out'] },
      { command: ['serve'], has: ['--port N', 'TRACKING_NUMBER_KEY_FILE'], hasNot: ['--generation'] },
      {
        command: ['keygen'],
        has: ['--generation G', '--out FILE', '--log-level'],
        hasNot: ['--port', '--state-dir', '--key-file', 'NODE_ID'],
      },
      {
        command: ['decode'],
        has: ['--key-file FILE', '--state-dir DIR', '--reserve-seconds N', '--etcd-endpoints URLS'],
        hasNot: ['--port', '--workers', '--node-id', '--out', '--clients-file'],
      },
      {
        command: ['verify'],
        has: ['--key-file FILE', '--state-dir DIR', '--number-format FORMAT'],
        hasNot: ['--port', '--reserve-seconds', '--out'],
      },
      {
        command: ['client', 'add'],
        has: ['--quota N/s', '--burst N', '--routes LIST', '--out FILE'],
        hasNot: ['--port', '--state-dir', '--key-file'],
      },
    ];
    for (const { command, has, hasNot } of table) {
      for (const flag of ['--help', '-h']) {
        const help = tracknum(command.length === 0 ? ['serve', flag] : [...command, flag]);
        const name = `${command.join(' ') || 'serve'} ${flag}`;
        assert.equal(help.status, 0, `${name}: ${help.stderr}`);
        assert.equal(help.stderr, '', name);
        assert.match(
          help.stdout,
          new RegExp(
            `^Usage: tracknum ${command.length === 0 || command[0] === 'serve' ? '\\[serve\\]' : command.join(' ')}`,
          ),
        );
        assert.doesNotMatch(help.stdout, /\(default: \)/, name);
        for (const text of has) assert.ok(help.stdout.includes(text), `${name} lacks ${text}`);
        for (const text of hasNot) assert.ok(!help.stdout.includes(text), `${name} lists ${text}`);
        // The option rows: the meaning starts in one column for all of them.
        const rows = help.stdout.slice(help.stdout.indexOf('  option')).trimEnd().split('\n');
        const column = rows[0]!.indexOf('meaning');
        for (const row of rows) {
          assert.ok(row.slice(column - 2, column) === '  ' && row[column] !== ' ', `${name}: misaligned: ${row}`);
        }
      }
    }
  });

  it('answers a command line it does not understand with one line and exit status 2', () => {
    for (const [args, message] of [
      [['decode'], 'tracknum decode needs NUMBER... (see tracknum decode --help)'],
      [['keygen', 'foo'], 'unexpected argument "foo" (see tracknum keygen --help)'],
      [['keygen', '--generation', 'Z'], '--generation must be one of 0-9, A-Y, got "Z" (see tracknum keygen --help)'],
      [['keygen', '--port', '1'], "Unknown option '--port' (see tracknum keygen --help)"],
      [['decode', '--workers', '2', 'MY0O91ZKF95OFVN7'], "Unknown option '--workers' (see tracknum decode --help)"],
      [['verify', 'extra'], 'unexpected argument "extra" (see tracknum verify --help)'],
      [['client'], 'tracknum client needs a subcommand: add (see tracknum client add --help)'],
      [['client', 'frob'], 'tracknum client needs a subcommand: add (see tracknum client add --help)'],
      [['client', 'add'], 'tracknum client add takes one NAME (see tracknum client add --help)'],
      [['client', 'add', 'a', 'b'], 'tracknum client add takes one NAME (see tracknum client add --help)'],
      [['client', 'add', 'a', '--quota', '0'], '--quota: a quota is N/s, numbers per second, with N from 1 to 1048576'],
      [['client', 'add', 'a', '--routes', 'issue,admin'], '--routes: routes are a comma-separated list of'],
      [['--colour', 'blue'], "Unknown option '--colour' (see tracknum serve --help)"],
      [['serve', 'now'], 'unexpected argument "now" (see tracknum serve --help)'],
    ] as const) {
      const ran = tracknum([...args]);
      assertOneLine(ran, 2, /^tracknum: USAGE: /);
      assert.ok(ran.stderr.includes(message), `${args.join(' ')}: ${ran.stderr}`);
    }
  });

  it('verify refuses a state directory that does not exist, rather than call it a number space without a record', () => {
    const refused = tracknum(['verify', '--state-dir', '/nonexistent/state', '--key-file', TEST_KEY_FILE]);
    assertOneLine(refused, 1, /^tracknum: CONFIG_INVALID: the state directory \/nonexistent\/state does not exist/);
  });

  it('refuses with tracknum: CODE: message and exit status 1, with a stack trace only at debug level', () => {
    const refused = tracknum(['verify', '--key-file', '/nonexistent/key']);
    assertOneLine(refused, 1, /^tracknum: KEY_INVALID: cannot read the key file \/nonexistent\/key: ENOENT\n$/);
    for (const debug of [['--log-level', 'debug'], ['--log-level=trace']]) {
      const traced = tracknum(['verify', '--key-file', '/nonexistent/key', ...debug]);
      assert.equal(traced.status, 1);
      assert.equal(traced.stdout, '');
      assert.match(traced.stderr, /^tracknum: KEY_INVALID: .*\nTracknumError: cannot read .*\n {4}at /);
    }
    const byVariable = tracknum(['verify', '--key-file', '/nonexistent/key'], { LOG_LEVEL: 'debug' });
    assert.match(byVariable.stderr, /\n {4}at /);
  });

  it('logs a failed start-up as one JSON line without a stack, unless at debug level', async () => {
    for (const level of ['info', 'debug']) {
      const service = await startService({
        env: { TRACKING_NUMBER_KEY_FILE: '/nonexistent/key', LOG_LEVEL: level },
        expectExit: true,
      });
      assert.equal((await service.exited).code, 1);
      assert.equal(
        service.stderr().split('\n')[0],
        'tracknum: KEY_INVALID: cannot read the key file /nonexistent/key: ENOENT',
      );
      const fatal = service.logs.filter((line) => line.level === 'fatal');
      assert.equal(fatal.length, 1, JSON.stringify(service.logs));
      assert.equal(fatal[0]!['code'], 'KEY_INVALID');
      assert.equal(fatal[0]!.msg, 'start-up failed: cannot read the key file /nonexistent/key: ENOENT');
      if (level === 'info') {
        assert.equal(fatal[0]!['err'], undefined, 'no stack below debug');
        assert.equal(service.stderr().split('\n').length, 2);
      } else {
        assert.match(JSON.stringify(fatal[0]!['err']), /at /);
      }
    }
  });
});

describe('tracknum keygen --out', () => {
  it('creates the key file 0600 (under umask 022), prints its fingerprint, never the key', () => {
    const file = join(fresh(), 'tracking-number.key');
    const ran = tracknum(['keygen', '--out', file]);
    assert.equal(ran.status, 0, ran.stderr);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const keys = parseKeys(readFileSync(file, 'utf8'), file);
    assert.deepEqual(
      keys.map((k) => k.generation),
      [0],
    );
    assert.equal(
      ran.stdout,
      `key generation 0 written to the new file ${file} (fingerprint ${keyFingerprint(keys[0]!.key)})\n`,
    );
    assert.ok(!ran.stdout.includes(Buffer.from(keys[0]!.key).toString('hex')));
  });

  it('appends the next generation, or the one given, and refuses one already there, leaving the file as it was', () => {
    const file = join(fresh(), 'keys');
    assert.equal(tracknum(['keygen', '--out', file]).status, 0);
    const one = tracknum(['keygen', '--out', file]);
    assert.match(one.stdout, /^key generation 1 appended to /);
    assert.equal(tracknum(['keygen', '--out', file, '--generation', 'b']).status, 0);
    assert.match(tracknum(['keygen', '--out', file]).stdout, /^key generation C appended to /);
    const before = readFileSync(file, 'utf8');
    assert.deepEqual(
      parseKeys(before, file).map((k) => k.generation),
      [0, 1, 11, 12],
    );
    const again = tracknum(['keygen', '--out', file, '--generation', '1']);
    assertOneLine(again, 1, /^tracknum: KEY_GENERATION_EXISTS: .* already holds key generation 1; /);
    assert.equal(readFileSync(file, 'utf8'), before);
    // The last generation, Y, leaves none to add.
    assert.equal(tracknum(['keygen', '--out', file, '--generation', 'Y']).status, 0);
    assertOneLine(tracknum(['keygen', '--out', file]), 1, /^tracknum: KEY_GENERATION_EXISTS: .* no generation is left/);
  });

  it('appends to an empty file, after a last line without its newline, and refuses a malformed one', () => {
    const dir = fresh();
    const empty = join(dir, 'empty');
    writeFileSync(empty, '# keys\n', { mode: 0o600 });
    assert.equal(tracknum(['keygen', '--out', empty]).status, 0);
    assert.deepEqual(
      parseKeys(readFileSync(empty, 'utf8'), empty).map((k) => k.generation),
      [0],
    );
    const unterminated = join(dir, 'unterminated');
    writeFileSync(unterminated, `0 ${'ab'.repeat(32)}`, { mode: 0o600 });
    assert.equal(tracknum(['keygen', '--out', unterminated]).status, 0);
    assert.equal(parseKeys(readFileSync(unterminated, 'utf8'), unterminated).length, 2);
    const malformed = join(dir, 'malformed');
    writeFileSync(malformed, 'not a key\n', { mode: 0o600 });
    assertOneLine(tracknum(['keygen', '--out', malformed]), 1, /^tracknum: KEY_INVALID: .*malformed, line 1: /);
    assert.equal(readFileSync(malformed, 'utf8'), 'not a key\n');
  });

  it('refuses a file others can read, and never writes through a symbolic link', () => {
    const dir = fresh();
    const shared = join(dir, 'shared');
    writeFileSync(shared, '', { mode: 0o600 });
    chmodSync(shared, 0o640);
    assertOneLine(
      tracknum(['keygen', '--out', shared]),
      1,
      /^tracknum: SECRET_FILE_PERMISSIONS: key file .*shared is mode 0640: group or others can read or change it \(chmod 600\)\n$/,
    );
    assert.equal(readFileSync(shared, 'utf8'), '');
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'not a key file\n', { mode: 0o600 });
    symlinkSync(victim, join(dir, 'link'));
    assertOneLine(
      tracknum(['keygen', '--out', join(dir, 'link')]),
      1,
      /^tracknum: OUT_FILE_UNSAFE: key file .*link is a symbolic link: refusing to write through it\n$/,
    );
    assert.equal(readFileSync(victim, 'utf8'), 'not a key file\n');
    // A link to nothing yet: not followed to create its target either.
    symlinkSync(join(dir, 'planted'), join(dir, 'dangling'));
    assertOneLine(tracknum(['keygen', '--out', join(dir, 'dangling')]), 1, /^tracknum: OUT_FILE_UNSAFE: /);
    assert.equal(existsSync(join(dir, 'planted')), false);
    assert.ok(lstatSync(join(dir, 'dangling')).isSymbolicLink());
  });
});

describe('tracknum client add', () => {
  const TOKEN = /^tn_[A-Za-z0-9_-]{43}$/;

  it('prints a new token once, with a note, and the clients-file line holding its hash', () => {
    const ran = tracknum(['client', 'add', 'acme']);
    assert.equal(ran.status, 0, ran.stderr);
    assert.equal(ran.stderr, '');
    const [note, token, lineNote, line, ...rest] = ran.stdout.split('\n');
    assert.deepEqual(rest, ['']);
    assert.match(note!, /^# The token of client acme, shown this once: /);
    assert.match(token!, TOKEN);
    assert.match(lineNote!, /^# /);
    const [client] = parseClients(line!, 'output');
    assert.equal(client!.name, 'acme');
    assert.deepEqual(client!.tokenHash, createHash('sha256').update(token!).digest());
    assert.equal(client!.quotaPerSecond, 100);
    assert.equal(client!.burst, 1000);
    assert.deepEqual(client!.routes, ['issue', 'batch', 'lookup']);
    assert.notEqual(tracknum(['client', 'add', 'acme']).stdout.split('\n')[1], token, 'a new token every time');
  });

  it('takes the quota, burst and routes given', () => {
    const ran = tracknum(['client', 'add', 'ops', '--quota', '5/s', '--burst', '7', '--routes', 'metrics,lookup']);
    assert.equal(ran.status, 0, ran.stderr);
    assert.match(ran.stdout.split('\n')[3]!, /^ops sha256:[0-9a-f]{64} quota=5\/s burst=7 routes=metrics,lookup$/);
  });

  it('appends the line to --out (created 0600), never the token, and refuses a name already there before showing a token', () => {
    const file = join(fresh(), 'clients');
    const first = tracknum(['client', 'add', 'acme', '--out', file]);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const token = first.stdout.split('\n')[1]!;
    assert.match(token, TOKEN);
    assert.match(first.stdout.split('\n')[2]!, new RegExp(`^# Its line, appended to ${file}:$`));
    assert.equal(tracknum(['client', 'add', 'globex', '--out', file]).status, 0);
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes(token), 'the token is in the file');
    assert.deepEqual(
      parseClients(text, file).map((c) => c.name),
      ['acme', 'globex'],
    );
    const twice = tracknum(['client', 'add', 'acme', '--out', file]);
    assertOneLine(twice, 1, /^tracknum: CLIENT_EXISTS: .*clients already has a client acme\n$/);
    assert.equal(readFileSync(file, 'utf8'), text);
  });

  it('refuses a clients file others can read, a malformed one, and a symbolic link', () => {
    const dir = fresh();
    const shared = join(dir, 'shared');
    writeFileSync(shared, '', { mode: 0o644 });
    chmodSync(shared, 0o644);
    assertOneLine(
      tracknum(['client', 'add', 'a', '--out', shared]),
      1,
      /^tracknum: SECRET_FILE_PERMISSIONS: clients file /,
    );
    const malformed = join(dir, 'malformed');
    writeFileSync(malformed, 'acme sha256:zz quota=1/s burst=1 routes=issue\n', { mode: 0o600 });
    assertOneLine(tracknum(['client', 'add', 'b', '--out', malformed]), 1, /^tracknum: CLIENTS_INVALID: .*, line 1: /);
    symlinkSync(TEST_KEY_FILE, join(dir, 'link'));
    const before = readFileSync(TEST_KEY_FILE, 'utf8');
    assertOneLine(tracknum(['client', 'add', 'c', '--out', join(dir, 'link')]), 1, /^tracknum: OUT_FILE_UNSAFE: /);
    assert.equal(readFileSync(TEST_KEY_FILE, 'utf8'), before);
  });
});
