import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { isTracknumError, type ErrorCode } from '../../src/errors.js';
import { StateDirectory } from '../../src/nodeIds/stateDirectory.js';
import { parseKeys } from '../../src/numberSpace/keys.js';
import { ROOT } from '../helpers/service.js';

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

  it('refuses a directory group or others can write to, or another user owns (STATE_DIR_PERMISSIONS)', async () => {
    for (const mode of [0o770, 0o707, 0o777, 0o1777, 0o720, 0o702]) {
      const dir = fresh();
      chmodSync(dir, mode);
      await assert.rejects(StateDirectory.lock(dir), (error: unknown) => {
        assert.ok(withCode('STATE_DIR_PERMISSIONS')(error), `${mode.toString(8)}: ${String(error)}`);
        assert.match((error as Error).message, /group or others can add files to it \(chmod 700 /);
        return true;
      });
    }
    const foreign = fresh();
    chownSync(foreign, 12345, 12345);
    await assert.rejects(StateDirectory.lock(foreign), (error: unknown) => {
      assert.ok(withCode('STATE_DIR_PERMISSIONS')(error), String(error));
      assert.match((error as Error).message, /is owned by uid 12345, not by this user \(uid 0\): chown 0 /);
      return true;
    });
    for (const mode of [0o700, 0o750, 0o755]) {
      const dir = fresh();
      chmodSync(dir, mode);
      await (await StateDirectory.lock(dir)).release();
    }
    // A new one is made 0700.
    const made = join(fresh(), 'state');
    await (await StateDirectory.lock(made)).release();
    assert.equal(statSync(made).mode & 0o777, 0o700);
  });

  /** The three files the service writes, each with a way to write it and a way to read it. */
  const writers = (directory: StateDirectory) =>
    [
      {
        file: 'node-3.high-water.json',
        write: () => directory.highWaterStore(3).write(42),
        read: () => directory.highWaterStore(3).read(),
      },
      {
        file: 'number-space.json',
        write: () => directory.numberSpace.write({ format: 'opaque', keys: { '0': 'ab' } }, ''),
        read: () => directory.numberSpace.read(),
      },
      {
        file: 'tracking-number.key',
        write: () => directory.ownKeys(silent),
        read: () => directory.readOwnKeys(),
      },
    ] as const;

  it('writes every file 0600, never through a link planted at its temporary path', async () => {
    const outside = fresh();
    for (const index of [0, 1, 2]) {
      const directory = await StateDirectory.lock(fresh());
      const { file, write } = writers(directory)[index]!;
      const victim = join(outside, `victim-${index}`);
      writeFileSync(victim, 'not yours\n', { mode: 0o644 });
      symlinkSync(victim, join(directory.path, `${file}.tmp`));
      await write();
      assert.equal(readFileSync(victim, 'utf8'), 'not yours\n', `${file}: written through the link`);
      assert.equal(statSync(victim).mode & 0o777, 0o644);
      const written = lstatSync(join(directory.path, file));
      assert.ok(written.isFile(), `${file} is a regular file`);
      assert.equal(written.mode & 0o777, 0o600, file);
      assert.deepEqual(readdirSync(directory.path).sort(), [file], 'no temporary file left');
      await directory.release();
    }
  });

  it('never reads through a link at a final path, and replaces one there rather than write through it', async () => {
    const outside = fresh();
    for (const index of [0, 1, 2]) {
      const directory = await StateDirectory.lock(fresh());
      const { file, write, read } = writers(directory)[index]!;
      const victim = join(outside, `victim-${index}`);
      writeFileSync(victim, index === 2 ? `0 ${'cd'.repeat(32)}\n` : '{"version":2,"nodeId":3,"highWaterSecond":9}\n');
      symlinkSync(victim, join(directory.path, file));
      await assert.rejects(read(), (error: unknown) => {
        assert.ok(withCode('STATE_CORRUPT')(error), `${file}: ${String(error)}`);
        assert.match((error as Error).message, /is a symbolic link, which tracknum never makes/);
        return true;
      });
      if (index === 2) {
        // The lone instance's key: a link there is refused, never replaced by a fresh key.
        await assert.rejects(write(), withCode('STATE_CORRUPT'));
      } else {
        await write();
        assert.ok(lstatSync(join(directory.path, file)).isFile(), `${file}: the link is replaced by a file`);
      }
      assert.ok(readFileSync(victim, 'utf8').length > 0 && !readFileSync(victim, 'utf8').includes('42'));
      await directory.release();
    }
  });

  it('writes a mark durably: the temporary file written and fsynced, then renamed, then the directory fsynced (strace)', () => {
    const strace = spawnSync('sh', ['-c', 'command -v strace'], { encoding: 'utf8' }).stdout.trim();
    assert.ok(strace !== '', 'strace is not installed: apt-get install strace (scripts/install-test-tools.sh does)');
    const dir = fresh();
    const trace = join(fresh(), 'trace');
    const run = spawnSync(
      strace,
      [
        '-f',
        '-qq',
        '-e',
        'trace=openat,write,pwrite64,writev,pwritev,fsync,fdatasync,rename,renameat,renameat2,close',
        '-o',
        trace,
        process.execPath,
        '--import',
        'tsx',
        'test/fixtures/markWriter.ts',
        dir,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    const lines = readFileSync(trace, 'utf8').split('\n');
    const temporary = join(dir, 'node-5.high-water.json.tmp');
    const final = join(dir, 'node-5.high-water.json');
    const at = (test: (line: string) => boolean, from = 0, what = ''): number => {
      const found = lines.findIndex((line, i) => i >= from && test(line));
      assert.ok(found >= 0, `no ${what} after line ${from} in:\n${lines.slice(from).join('\n')}`);
      return found;
    };
    const opened = at((l) => l.includes(`openat(AT_FDCWD, "${temporary}"`), 0, 'open of the temporary file');
    for (const flag of ['O_WRONLY', 'O_CREAT', 'O_EXCL', 'O_NOFOLLOW']) assert.ok(lines[opened]!.includes(flag), flag);
    assert.match(lines[opened]!, /, 0600\)/);
    const fd = /= (\d+)$/.exec(lines[opened]!.replace(/ <unfinished \.\.\.>$/, ''))?.[1] ?? assert.fail(lines[opened]);
    const call = (name: string, onFd: string) => (l: string) => new RegExp(`\\b${name}\\(${onFd}[,)]`).test(l);
    const wrote = at((l) => /\b(p?writev?|pwrite64)\(/.test(l) && new RegExp(`\\(${fd},`).test(l), opened, 'write');
    const synced = at(call('fsync', fd), wrote, 'fsync of the temporary file');
    const renamed = at(
      (l) => /\brename(at2?)?\(/.test(l) && l.includes(`"${temporary}"`) && l.includes(`"${final}"`),
      synced,
      'rename',
    );
    const dirOpened = at(
      (l) => l.includes(`openat(AT_FDCWD, "${dir}", O_RDONLY`) && l.includes('O_DIRECTORY'),
      renamed,
      'open of the directory',
    );
    const dirFd = /= (\d+)$/.exec(lines[dirOpened]!)?.[1] ?? assert.fail(lines[dirOpened]);
    at(call('fsync', dirFd), dirOpened, 'fsync of the directory');
    // Nothing renamed before the file's fsync had returned (its line, or its thread's "resumed" line, says = 0).
    const pid = lines[synced]!.split(' ')[0]!;
    const syncDone = lines.findIndex(
      (l, i) =>
        i >= synced &&
        l.startsWith(`${pid} `) &&
        / = 0$/.test(l) &&
        (i === synced || l.includes('<... fsync resumed>')),
    );
    assert.ok(syncDone >= 0 && syncDone < renamed, 'fsync returned before the rename');
  });
});
