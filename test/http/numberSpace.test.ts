/**
 * One number space, one record, in the embedded mode: the key an instance
 * makes when it runs alone, the refusals (wrong key, missing key, another
 * format, a generation reused with another key), a key rotation, the
 * sequential format, and the operator's commands. Real service processes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeTrackingNumber, OpaqueEncoder, type NumberKey } from '../../src/core/numberFormat.js';
import { secondOf } from '../../src/core/layout.js';
import { parseTrackingNumber } from '../../src/core/trackingNumber.js';
import { parseKeys } from '../../src/numberSpace/keys.js';
import {
  drawNumbers,
  duplicatesIn,
  freshStateDir,
  ROOT,
  startService,
  TEST_KEY_FILE,
  TEST_NODE_ID,
  type Service,
} from '../helpers/service.js';

/** A key file with one line per key, as `tracknum keygen` writes them. */
function keyFile(...keys: NumberKey[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tracknum-keys-')), 'keys');
  writeFileSync(
    file,
    keys.map((k) => `${k.generation.toString(36).toUpperCase()} ${Buffer.from(k.key).toString('hex')}\n`).join(''),
    { mode: 0o600 },
  );
  return file;
}
const newKey = (generation: number): NumberKey => ({ generation, key: randomBytes(32) });
/** Settings of an instance that runs alone: no NODE_ID, no key file. */
const ALONE = { NODE_ID: '', TRACKING_NUMBER_KEY_FILE: '' };

/** Runs `tracknum <args>` from the sources, as an operator would. */
function tracknum(
  args: string[],
  env: Record<string, string>,
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Asserts a start-up refusal: exit 1, one line `tracknum: CODE: ...` on stderr, and no key material anywhere. */
async function assertRefused(
  service: Service,
  code: string,
  keys: readonly NumberKey[],
  includes: RegExp,
): Promise<void> {
  const { code: exitCode } = await service.exited;
  assert.equal(exitCode, 1);
  const stderr = service.stderr();
  assert.match(stderr, new RegExp(`^tracknum: ${code}: `));
  assert.match(stderr, includes);
  const everything = stderr + JSON.stringify(service.logs);
  for (const key of keys) assert.ok(!everything.includes(Buffer.from(key.key).toString('hex')), 'a key was printed');
}

describe('one number space, one record (embedded mode)', () => {
  it('makes its own key when it runs alone on a new state directory, and keeps it across restarts', async () => {
    const stateDir = freshStateDir();
    const first = await startService({ stateDir, env: ALONE });
    const { numbers: before } = await drawNumbers(first.port, 2_000, 8);
    assert.equal((await first.stop()).code, 0);
    const keyPath = join(stateDir, 'tracking-number.key');
    assert.equal(statSync(keyPath).mode & 0o777, 0o600);
    assert.ok(
      first.logs.some((l) => l.msg?.startsWith('made a tracking-number key') === true && l['path'] === keyPath),
    );
    const key = readFileSync(keyPath, 'utf8').trim().split(' ')[1]!;
    assert.ok(!JSON.stringify(first.logs).includes(key), 'the key is in the log');

    const second = await startService({ stateDir, env: ALONE });
    const { numbers: after } = await drawNumbers(second.port, 2_000, 8);
    assert.equal((await second.stop()).code, 0);
    assert.ok(!second.logs.some((l) => l.msg?.startsWith('made a tracking-number key') === true));
    assert.deepEqual(duplicatesIn([...before, ...after]), []);
    // Both runs issued under the same key: the operator's decode reads the state directory's key.
    const decoded = tracknum(['decode', before[0]!, after[0]!], { STATE_DIR: stateDir, ...ALONE });
    assert.equal(decoded.status, 0, decoded.stderr);
    const lines = decoded.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(
      lines.map((l) => [l['format'], l['generation'], l['node_id']]),
      [
        ['opaque', '0', 0],
        ['opaque', '0', 0],
      ],
    );
    assert.ok((lines[1]!['second'] as number) >= (lines[0]!['second'] as number));
    assert.deepEqual(
      lines.map((l) => [l['key_check'], l['impossible']]),
      [
        ['matched', []],
        ['matched', []],
      ],
    );
    // A lone instance's key is its own: a number under it with another node ID was never issued.
    const ownKey = parseKeys(readFileSync(keyPath, 'utf8'), keyPath)[0]!;
    const stranger = new OpaqueEncoder(ownKey, 1).encode('MY', (lines[0]!['second'] as number) - 1, 5, 0);
    const refused = tracknum(['decode', stranger], { STATE_DIR: stateDir, ...ALONE });
    assert.equal(refused.status, 1);
    assert.deepEqual((JSON.parse(refused.stdout) as { impossible: string[] }).impossible, [
      'this state directory was used with node ID 0 only, and its key is its own',
    ]);
  });

  it('refuses a key that differs from the one recorded for its generation', async () => {
    const stateDir = freshStateDir();
    const first = await startService({ stateDir });
    await first.stop();
    const wrong = newKey(0);
    const refused = await startService({
      stateDir,
      env: { TRACKING_NUMBER_KEY_FILE: keyFile(wrong) },
      expectExit: true,
    });
    await assertRefused(refused, 'KEY_MISMATCH', [wrong], /key generation 0 .* was used with another key/);
    // Also when the generation comes with others in a key file.
    const several = await startService({
      stateDir,
      env: { TRACKING_NUMBER_KEY_FILE: keyFile(wrong, newKey(1)) },
      expectExit: true,
    });
    await assertRefused(several, 'KEY_MISMATCH', [wrong], /key generation 0/);
  });

  it('refuses to start without its key, and never makes a fresh one over issued numbers', async () => {
    const stateDir = freshStateDir();
    const first = await startService({ stateDir, env: ALONE });
    await first.stop();
    unlinkSync(join(stateDir, 'tracking-number.key'));
    const refused = await startService({ stateDir, env: ALONE, expectExit: true });
    await assertRefused(refused, 'KEY_MISSING', [], /restore it from a backup/);
    // With a node ID, the key file is a setting that must be there.
    const noKeyFile = await startService({ env: { TRACKING_NUMBER_KEY_FILE: '' }, expectExit: true });
    await assertRefused(noKeyFile, 'CONFIG_INVALID', [], /TRACKING_NUMBER_KEY_FILE is required with NODE_ID/);
  });

  it('refuses another number format than the one recorded, both ways', async () => {
    const opaque = freshStateDir();
    await (await startService({ stateDir: opaque })).stop();
    const toSequential = await startService({
      stateDir: opaque,
      env: { NUMBER_FORMAT: 'sequential' },
      expectExit: true,
    });
    await assertRefused(toSequential, 'FORMAT_MISMATCH', [], /issues opaque numbers, this instance sequential ones/);
    const sequential = freshStateDir();
    await (await startService({ stateDir: sequential, env: { NUMBER_FORMAT: 'sequential' } })).stop();
    const toOpaque = await startService({ stateDir: sequential, expectExit: true });
    await assertRefused(toOpaque, 'FORMAT_MISMATCH', [], /issues sequential numbers, this instance opaque ones/);
  });

  it('refuses state of an earlier layout: marks but no number-space record', async () => {
    const stateDir = freshStateDir();
    const first = await startService({ stateDir });
    await first.stop();
    unlinkSync(join(stateDir, 'number-space.json'));
    const refused = await startService({ stateDir, expectExit: true });
    await assertRefused(refused, 'STATE_CORRUPT', [], /high-water marks but no number-space record/);
  });

  it('rotates to a new key generation: both generations recorded, and no number of one meets a number of the other', async () => {
    const stateDir = freshStateDir();
    const zero = newKey(0);
    const one = newKey(1);
    const first = await startService({ stateDir, env: { TRACKING_NUMBER_KEY_FILE: keyFile(zero) } });
    const { numbers: underZero } = await drawNumbers(first.port, 5_000, 8);
    await first.stop();
    // The operator adds a line for generation 1 (tracknum keygen --generation 1 >> keys).
    const rotated = keyFile(zero);
    appendFileSync(rotated, `1 ${Buffer.from(one.key).toString('hex')}\n`);
    const second = await startService({ stateDir, env: { TRACKING_NUMBER_KEY_FILE: rotated } });
    const { numbers: underOne } = await drawNumbers(second.port, 5_000, 8);
    await second.stop();
    assert.ok(underZero.every((n) => n[2] === '0') && underOne.every((n) => n[2] === '1'));
    assert.deepEqual(duplicatesIn([...underZero, ...underOne]), []);
    const record = JSON.parse(readFileSync(join(stateDir, 'number-space.json'), 'utf8')) as { keys: object };
    assert.deepEqual(Object.keys(record.keys).sort(), ['0', '1']);
    // Each decodes with its own generation's key, to the fields of one instance, seconds going on.
    const fields = [...underZero, ...underOne].map((n) => {
      const parsed = parseTrackingNumber(n);
      assert.ok(parsed.ok);
      return decodeTrackingNumber(parsed, [zero, one]);
    });
    assert.ok(fields.every((f) => f.format === 'opaque'));
    assert.ok(
      Math.min(...fields.slice(5_000).map((f) => f.second)) >= Math.max(...fields.slice(0, 5_000).map((f) => f.second)),
    );
  });

  it('issues sequential numbers, Z after the origin, ordered, unique across a restart', async () => {
    const stateDir = freshStateDir();
    const env = { NUMBER_FORMAT: 'sequential', TRACKING_NUMBER_KEY_FILE: '' };
    const first = await startService({ stateDir, env });
    const { numbers: before } = await drawNumbers(first.port, 20_000, 16);
    first.child.kill('SIGKILL');
    await first.exited;
    const second = await startService({ stateDir, env });
    const { numbers: after } = await drawNumbers(second.port, 20_000, 16);
    await second.stop();
    assert.ok([...before, ...after].every((n) => n[2] === 'Z'));
    assert.deepEqual(duplicatesIn([...before, ...after]), []);
    // Ordered: every body after the restart sorts after every body before it.
    const bodies = (numbers: string[]): string[] => numbers.map((n) => n.slice(3, 15)).sort();
    assert.ok(bodies(after)[0]! > bodies(before).at(-1)!);
  });

  it('tells the operator whether a configuration agrees with the record (tracknum verify)', async () => {
    const stateDir = freshStateDir();
    await (await startService({ stateDir })).stop();
    const agrees = tracknum(['verify', '--state-dir', stateDir], { TRACKING_NUMBER_KEY_FILE: TEST_KEY_FILE });
    assert.equal(agrees.status, 0, agrees.stderr);
    assert.match(agrees.stdout, /agrees with this configuration \(opaque, key generation 0; generations recorded: 0\)/);
    const wrong = newKey(0);
    const differs = tracknum(['verify', '--state-dir', stateDir], { TRACKING_NUMBER_KEY_FILE: keyFile(wrong) });
    assert.equal(differs.status, 1);
    assert.match(differs.stderr, /^tracknum: KEY_MISMATCH: /);
    assert.ok(!differs.stderr.includes(Buffer.from(wrong.key).toString('hex')));
  });

  it('makes keys with tracknum keygen, one line per generation', () => {
    const zero = tracknum(['keygen'], {});
    assert.equal(zero.status, 0, zero.stderr);
    assert.match(zero.stdout, /^0 [0-9a-f]{64}\n$/);
    assert.match(tracknum(['keygen', '--generation', 'B'], {}).stdout, /^B [0-9a-f]{64}\n$/);
    assert.notEqual(tracknum(['keygen'], {}).stdout, zero.stdout);
    const refused = tracknum(['keygen', '--generation', 'Z'], {});
    assert.equal(refused.status, 2);
    assert.equal(
      refused.stderr,
      'tracknum: USAGE: --generation must be one of 0-9, A-Y, got "Z" (see tracknum keygen --help)\n',
    );
    assert.equal(refused.stdout, '');
  });

  it('decodes with a caveat, checks the key against the record, and lists what this number space cannot have issued', async () => {
    // A fixed key, so that the readme's example number decodes the same way every time: to a second in 2056.
    const fixed: NumberKey = { generation: 0, key: Buffer.alloc(32, 6) };
    const stateDir = freshStateDir();
    const settings = { STATE_DIR: stateDir, TRACKING_NUMBER_KEY_FILE: keyFile(fixed) };
    const service = await startService({ stateDir, env: settings });
    const { numbers } = await drawNumbers(service.port, 24, 1);
    await service.stop();
    const issued = numbers[0]!;
    const lines = (ran: { stdout: string }): Record<string, unknown>[] =>
      ran.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);

    // A number this number space issued: the key matches its record, and nothing is impossible.
    const mine = tracknum(['decode', issued], settings);
    assert.equal(mine.status, 0, mine.stderr);
    const [decoded] = lines(mine);
    assert.equal(decoded!['key_check'], 'matched');
    assert.deepEqual(decoded!['impossible'], []);
    assert.equal(decoded!['node_id'], TEST_NODE_ID);
    assert.match(decoded!['caveat'] as string, /decodes to some fields under any key/);

    // The readme's example, never issued here: it decodes (any number does), but not with confidence.
    const example = tracknum(['decode', 'MY0O91ZKF95OFVN7'], settings);
    assert.equal(example.status, 1, example.stderr);
    const [fields] = lines(example);
    assert.equal(fields!['issued_at'], '2056-05-23T18:54:49.000Z');
    assert.match(decoded!['caveat'] as string, /these are its fields only if it was issued under the key used here/);
    assert.ok(
      (fields!['impossible'] as string[]).includes(
        'issued_at is after now plus RESERVE_SECONDS (10): no instance with a right clock can have issued it yet',
      ),
      JSON.stringify(fields),
    );

    // Another key for generation 0 than the recorded one: whatever it decodes to is noise.
    // Under a wrong key, some numbers decrypt to fields no number can hold (an error): the mismatch is said all the same.
    const other = tracknum(['decode', ...numbers], { ...settings, TRACKING_NUMBER_KEY_FILE: keyFile(newKey(0)) });
    assert.equal(other.status, 1);
    for (const noise of lines(other)) {
      assert.equal(noise['key_check'], 'mismatched', JSON.stringify(noise));
      assert.ok(
        (noise['impossible'] as string[]).some((reason) => reason.includes('is not the one the number space used')),
      );
    }

    // Numbers made here under this key, for fields this number space never used.
    const one: NumberKey = { generation: 1, key: Buffer.alloc(32, 7) };
    const now = secondOf(Date.now());
    const mark = (
      JSON.parse(readFileSync(join(stateDir, `node-${TEST_NODE_ID}.high-water.json`), 'utf8')) as {
        highWaterSecond: number;
      }
    ).highWaterSecond;
    const craft = (key: NumberKey, second: number, nodeId: number): string =>
      new OpaqueEncoder(key, 1).encode('MY', second, nodeId, 0);
    const crafted = tracknum(
      [
        'decode',
        craft(fixed, mark, TEST_NODE_ID),
        craft(one, now - 5, TEST_NODE_ID),
        craft(fixed, now - 5, (TEST_NODE_ID + 1) % 4096),
      ],
      { ...settings, TRACKING_NUMBER_KEY_FILE: keyFile(fixed, one) },
    );
    assert.equal(crafted.status, 1, crafted.stderr);
    const [atMark, unusedGeneration, otherNode] = lines(crafted);
    assert.ok(
      (atMark!['impossible'] as string[]).includes(
        `second ${mark} is at or above node ID ${TEST_NODE_ID}'s high-water mark, ${mark}`,
      ),
      JSON.stringify(atMark),
    );
    assert.equal(unusedGeneration!['key_check'], 'unrecorded');
    assert.ok((unusedGeneration!['impossible'] as string[]).includes('the number space never used key generation 1'));
    // A shared key file: another instance, with another node ID, may have issued it.
    assert.deepEqual(otherNode!['impossible'], []);
    assert.deepEqual(otherNode!['notes'], [
      `this state directory was used with node ID ${TEST_NODE_ID} only: only another instance sharing the key can have issued it`,
    ]);

    // Without the number space at hand, nothing is checked, and it says so.
    const elsewhere = tracknum(['decode', issued], { ...settings, STATE_DIR: join(stateDir, 'missing') });
    assert.equal(elsewhere.status, 0, elsewhere.stderr);
    const [unchecked] = lines(elsewhere);
    assert.equal(unchecked!['key_check'], 'unchecked');
    assert.deepEqual(unchecked!['notes'], [
      `not checked against the number space: there is no state directory ${join(stateDir, 'missing')}`,
    ]);
  });
});
