/**
 * The operator's procedures (docs/deploying.md, docs/operations.md) run step
 * by step as printed, each step's block one `bash -e -o pipefail` script on
 * the machine it names, and the outcome of each checked.
 *
 * The machines (machines.ts) are network and mount namespaces on this one,
 * with their own addresses, host names and /etc, /opt, /usr/local, /var, /run
 * and /root, so the printed paths and port 3000 are used as they are. The one
 * substitution is ADDRESSES below: the guides' example addresses to the
 * machines'. systemd is not PID 1 here: `systemctl` and `journalctl` are
 * systemdStandIn.ts, which reads the installed unit and its drop-ins; `sudo`
 * runs its command (the test is root) and `ssh HOST COMMAND` runs the command
 * on that machine. What the test sets up before the procedures, beside them:
 *
 * - `~/tracknum` on tn1: a clone of this commit (from a bare copy, `origin`,
 *   which gets one commit more before the upgrade);
 * - tn2, tn3, tn4: the files `scripts/install.sh` installed on tn1 (its step 1
 *   of the first install), copied rather than built three more times, and
 *   `RESERVE_SECONDS=5` in their tracknum.env, so that a backup is overtaken
 *   within seconds;
 * - etcd1: /etc/default/etcd as docs/operations.md prints it, and etcd
 *   started from Debian's unit.
 *
 * Needs root, iproute2, util-linux (unshare, nsenter), git, curl, Debian's
 * etcd-server and etcd-client (etcdctl), and the npm registry (install.sh's
 * npm ci). About 3 minutes: two builds (the first install and the upgrade).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeTrackingNumber, type DecodedTrackingNumber, type NumberKey } from '../../src/core/numberFormat.js';
import { parseTrackingNumber } from '../../src/core/trackingNumber.js';
import { keyFingerprint, parseKeys } from '../../src/numberSpace/keys.js';
import { orderPath, ROOT } from '../helpers/service.js';
import { Network, type Machine, type StepResult } from './machines.js';
import { readProcedures, type Step } from './procedures.js';
import { DYNAMIC_UID } from './systemdStandIn.js';

/** The substitution table: the guides' example addresses, and the machine each one stands for. */
const ADDRESSES: Record<string, string> = {
  '10.0.0.11': 'tn1',
  '10.0.0.12': 'tn2',
  '10.0.0.13': 'tn3',
  '10.0.0.14': 'tn4',
  '10.0.0.21': 'etcd1',
};
const MACHINES: Record<string, number> = { tn1: 11, tn2: 12, tn3: 13, tn4: 14, etcd1: 21 };

/** /etc/default/etcd on etcd1, from docs/operations.md ("How the procedures are tested"). */
function etcdDefaults(): string {
  const guide = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');
  const block = /```sh\n# \/etc\/default\/etcd on etcd1\n([\s\S]*?)```/.exec(guide)?.[1];
  assert.ok(block !== undefined, 'docs/operations.md shows /etc/default/etcd');
  return block;
}

function requireTool(name: string, debianPackage: string): void {
  if (spawnSync('sh', ['-c', `command -v ${name}`]).status !== 0) {
    assert.fail(`${name} is not installed: run scripts/install-test-tools.sh (apt-get install ${debianPackage})`);
  }
}

let network: Network | undefined;
const machines = new Map<string, Machine>();
let work = '';
let procedures = new Map<string, Step[]>();

const machine = (name: string): Machine => machines.get(name) ?? assert.fail(`no machine ${name}`);

/** The printed text with the example addresses replaced by the machines'; any other 10.0.0.x is an error. */
function substitute(text: string): string {
  const replaced = text.replace(/\b10\.0\.0\.(\d+)\b/g, (address) => {
    const name = ADDRESSES[address];
    assert.ok(name !== undefined, `a step uses ${address}, which is not in the substitution table`);
    return machine(name).address;
  });
  return replaced;
}

/**
 * Runs a procedure step by step, each as printed (addresses substituted); a
 * step that fails stops it. `between` runs after the step of that number.
 */
function runProcedure(name: string, between: Record<number, () => void> = {}): StepResult[] {
  const steps = procedures.get(name);
  assert.ok(steps !== undefined, `no procedure ${name} in the guides`);
  return steps.map((step) => {
    const ran = machine(step.machine).run(substitute(step.script), { timeoutMs: 300_000 });
    assert.equal(
      ran.status,
      0,
      `${name}, step ${step.number}, on ${step.machine}, exited ${ran.status}:\n${step.script}\n--- stdout\n${ran.stdout}\n--- stderr\n${ran.stderr}`,
    );
    between[step.number]?.();
    return ran;
  });
}

/** GET on a machine's port 3000, from this (the controller's) side of the bridge; a fresh connection each. */
function httpGet(on: Machine, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: on.address, port: 3000, path, agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} on ${on.name}: timeout`)));
    req.on('error', reject);
    req.end();
  });
}

async function issue(on: Machine, count = 1): Promise<string[]> {
  const numbers: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const answer = await httpGet(on, orderPath());
    assert.equal(answer.status, 200, `${on.name}: ${answer.body}`);
    numbers.push((JSON.parse(answer.body) as { tracking_number: string }).tracking_number);
  }
  return numbers;
}

const keysOn = (on: Machine): NumberKey[] =>
  parseKeys(on.must('cat /etc/tracknum/tracking-number.key'), `${on.name}:/etc/tracknum/tracking-number.key`);

function decode(trackingNumber: string, keys: readonly NumberKey[]): DecodedTrackingNumber {
  const parsed = parseTrackingNumber(trackingNumber);
  assert.ok(parsed.ok, trackingNumber);
  return decodeTrackingNumber(parsed, keys);
}

interface NumberSpaceRecord {
  format: string;
  keys: Record<string, string>;
}

const fingerprints = (keys: readonly NumberKey[]): Record<string, string> =>
  Object.fromEntries(keys.map((k) => [k.generation.toString(36).toUpperCase(), keyFingerprint(k.key)]));

const etcdGet = (key: string): string =>
  machine('etcd1').must(`etcdctl --endpoints http://127.0.0.1:2379 get ${key} --print-value-only`).trim();

/** Copies what install.sh installed on tn1 to `names`, as if step 1 of the first install had run there. */
function installLikeTn1(names: readonly string[], extraSettings: string): void {
  const archive = join(work, 'install.tar');
  machine('tn1').must(
    `tar -C / -cf ${archive} opt/tracknum usr/local/bin/tracknum etc/systemd/system/tracknum.service etc/tracknum/tracknum.env.example`,
  );
  for (const name of names) {
    machine(name).must(
      `tar -C / -xpf ${archive}\ninstall -m 0640 /etc/tracknum/tracknum.env.example /etc/tracknum/tracknum.env\n` +
        `printf '%s\\n' '${extraSettings}' >> /etc/tracknum/tracknum.env`,
    );
  }
}

/** Issues on `on` until a number's second reaches `second` (its reserve runs out past the backup); returns them. */
async function issueUntilSecond(on: Machine, keys: NumberKey[], second: number): Promise<string[]> {
  const numbers: string[] = [];
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [issued] = await issue(on);
    numbers.push(issued!);
    if (decode(issued!, keys).second >= second) return numbers;
    assert.ok(Date.now() < deadline, `${on.name} issued nothing at or above second ${second} in 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('the procedures of the guides', () => {
  it('are numbered steps of one sh block each, naming a machine of the example fleet', () => {
    procedures = readProcedures();
    assert.deepEqual([...procedures.keys()].sort(), [
      'add-instance-embedded',
      'add-instance-etcd',
      'backup-embedded',
      'backup-etcd',
      'first-install-etcd',
      'first-install-systemd',
      'restore-embedded',
      'restore-etcd',
      'rollback',
      'rotate-key',
      'upgrade',
    ]);
    for (const steps of procedures.values()) {
      for (const step of steps) assert.ok(step.machine in MACHINES, `${step.procedure} runs on ${step.machine}`);
    }
  });
  it('and the runbook’s alert table names every alert of docs/monitoring/alerts.yml', () => {
    const rules = readFileSync(join(ROOT, 'docs/monitoring/alerts.yml'), 'utf8');
    const alerts = [...rules.matchAll(/^\s+- alert: (\w+)$/gm)].map((m) => m[1]!);
    assert.ok(alerts.length > 10, 'alerts read');
    const guide = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');
    const table = guide.slice(
      guide.indexOf('## Alerts and what to do'),
      guide.indexOf('## How the procedures are tested'),
    );
    for (const alert of alerts) assert.ok(table.includes(`\`${alert}\``), `${alert} is not in the table`);
  });
});

describe('the procedures, run as printed', { concurrency: false }, () => {
  const numbers: string[] = [];
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  let origin = '';

  before(async () => {
    assert.equal(process.getuid?.(), 0, 'the procedures test runs as root (namespaces, overlays)');
    for (const [tool, debianPackage] of [
      ['ip', 'iproute2'],
      ['unshare', 'util-linux'],
      ['nsenter', 'util-linux'],
      ['iptables', 'iptables'],
      ['curl', 'curl'],
      ['git', 'git'],
      ['etcd', 'etcd-server'],
      ['etcdctl', 'etcd-client'],
    ] as const) {
      requireTool(tool, debianPackage);
    }
    procedures = readProcedures();
    work = mkdtempSync(join(tmpdir(), 'tracknum-procedures-'));
    network = new Network();
    for (const [name, octet] of Object.entries(MACHINES)) machines.set(name, await network.add(name, octet));
    // ~/tracknum on tn1: a clone of this commit, from a bare copy that plays the upstream repository.
    origin = join(work, 'origin.git');
    const git = (args: string[], cwd = ROOT): void => {
      const ran = spawnSync('git', args, { cwd, encoding: 'utf8' });
      assert.equal(ran.status, 0, `git ${args.join(' ')}: ${ran.stderr}`);
    };
    git(['init', '--quiet', '--bare', '--initial-branch=main', origin]);
    git(['push', '--quiet', origin, 'HEAD:refs/heads/main']);
    machine('tn1').must(`git clone --quiet ${origin} /root/tracknum`);
  });

  after(() => {
    network?.shutdown();
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('the first install with systemd (docs/deploying.md)', { timeout: 400_000 }, async () => {
    const tn1 = machine('tn1');
    runProcedure('first-install-systemd');
    assert.equal((await httpGet(tn1, '/readyz')).status, 200);
    const keys = keysOn(tn1);
    assert.deepEqual(
      keys.map((k) => k.generation),
      [0],
    );
    const issued = await issue(tn1, 3);
    numbers.push(...issued);
    for (const n of issued) assert.deepEqual([decode(n, keys).nodeId, decode(n, keys).generation], [1, 0]);
    // The state directory: the service's (dynamic) user's, 0700, with node 1's mark and the record of generation 0.
    assert.equal(tn1.must('stat -c "%u %a" /var/lib/private/tracknum').trim(), `${DYNAMIC_UID} 700`);
    const mark = JSON.parse(tn1.must('cat /var/lib/tracknum/node-1.high-water.json')) as Record<string, unknown>;
    assert.equal(mark['version'], 2);
    assert.deepEqual(JSON.parse(tn1.must('cat /var/lib/tracknum/number-space.json')), {
      format: 'opaque',
      keys: fingerprints(keys),
    });
  });

  it('adding an instance, embedded mode (docs/operations.md)', async () => {
    installLikeTn1(['tn2', 'tn3', 'tn4'], 'RESERVE_SECONDS=5');
    runProcedure('add-instance-embedded');
    const keys = keysOn(machine('tn1'));
    const [fromTn1] = await issue(machine('tn1'));
    const [fromTn2] = await issue(machine('tn2'));
    numbers.push(fromTn1!, fromTn2!);
    assert.equal(decode(fromTn1!, keys).nodeId, 1);
    assert.equal(decode(fromTn2!, keys).nodeId, 2);
    assert.deepEqual(keysOn(machine('tn2')), keys, 'the same key file on both');
  });

  it('rotating the key (docs/operations.md)', async () => {
    const before = numbers.at(-1)!;
    runProcedure('rotate-key');
    const keys = keysOn(machine('tn1'));
    assert.deepEqual(
      keys.map((k) => k.generation),
      [0, 1],
    );
    for (const name of ['tn1', 'tn2']) {
      const issued = await issue(machine(name), 2);
      numbers.push(...issued);
      for (const n of issued) assert.equal(decode(n, keys).generation, 1, `${name} issues under generation 1`);
      assert.deepEqual(
        (JSON.parse(machine(name).must('cat /var/lib/tracknum/number-space.json')) as NumberSpaceRecord).keys,
        fingerprints(keys),
      );
    }
    // A number of generation 0 still decodes, with the key file that now holds both.
    const decoded = JSON.parse(
      machine('tn1').must(
        `tracknum decode --key-file /etc/tracknum/tracking-number.key --state-dir /var/lib/tracknum ${before}`,
      ),
    ) as { generation: string; key_check: string };
    assert.deepEqual([decoded.generation, decoded.key_check], ['0', 'matched']);
  });

  it('backing up and restoring the embedded mode (docs/operations.md)', { timeout: 120_000 }, async () => {
    const tn2 = machine('tn2');
    runProcedure('backup-embedded');
    const backedUp = (
      JSON.parse(tn2.must('tar -xzOf /var/backups/tracknum/state.tar.gz tracknum/node-2.high-water.json')) as {
        highWaterSecond: number;
      }
    ).highWaterSecond;
    // tn2 goes on past the backup's mark: the restore rolls its mark back below seconds it has issued.
    const afterBackup = await issueUntilSecond(tn2, keysOn(tn2), backedUp);
    numbers.push(...afterBackup);

    runProcedure('restore-embedded', {
      1: () => {
        const restored = JSON.parse(tn2.must('cat /var/lib/private/tracknum/node-2.high-water.json')) as {
          highWaterSecond: number;
        };
        assert.equal(restored.highWaterSecond, backedUp, 'the backup is back in place');
      },
    });
    const keys = keysOn(machine('tn1'));
    assert.deepEqual(
      keys.map((k) => k.generation),
      [0, 1, 2],
    );
    assert.ok(
      afterBackup.some((n) => decode(n, keys).second >= backedUp),
      'numbers were issued above the mark that was restored',
    );
    const restoredRecord = JSON.parse(tn2.must('cat /var/lib/tracknum/number-space.json')) as NumberSpaceRecord;
    assert.deepEqual(restoredRecord.keys, fingerprints(keys));
    for (const name of ['tn2', 'tn1']) {
      const issued = await issue(machine(name), 3);
      for (const n of issued) {
        assert.equal(decode(n, keys).generation, 2, `${name} issues under the new generation`);
        assert.ok(!numbers.includes(n), `${n} was issued before`);
      }
      numbers.push(...issued);
    }
  });

  it('the first install with etcd (docs/deploying.md)', async () => {
    const etcd1 = machine('etcd1');
    etcd1.must(`cat > /etc/default/etcd <<'EOF'\n${substitute(etcdDefaults())}EOF\nsystemctl start etcd`);
    runProcedure('first-install-etcd');
    const tn3 = machine('tn3');
    const keys = keysOn(tn3);
    assert.notDeepEqual(keys, keysOn(machine('tn1')), 'the etcd fleet has a key of its own');
    const issued = await issue(tn3, 2);
    numbers.push(...issued);
    for (const n of issued) assert.deepEqual([decode(n, keys).nodeId, decode(n, keys).generation], [0, 0]);
    assert.deepEqual(JSON.parse(etcdGet('/tracknum/number-space')), { format: 'opaque', keys: fingerprints(keys) });
  });

  it('adding an instance, etcd mode (docs/operations.md)', async () => {
    runProcedure('add-instance-etcd');
    const keys = keysOn(machine('tn3'));
    assert.deepEqual(keysOn(machine('tn4')), keys);
    const issued = await issue(machine('tn4'), 2);
    numbers.push(...issued);
    for (const n of issued) assert.equal(decode(n, keys).nodeId, 1);
  });

  it('backing up and restoring etcd (docs/operations.md)', { timeout: 180_000 }, async () => {
    runProcedure('backup-etcd');
    const tn3 = machine('tn3');
    const tn4 = machine('tn4');
    const keysBefore = keysOn(tn3);
    // Marks right after the snapshot: at or above the snapshot's. The fleet issues past them.
    const marksAfterSnapshot = [Number(etcdGet('/tracknum/high-water/0')), Number(etcdGet('/tracknum/high-water/1'))];
    const afterSnapshot = [
      ...(await issueUntilSecond(tn3, keysBefore, marksAfterSnapshot[0]!)),
      ...(await issueUntilSecond(tn4, keysBefore, marksAfterSnapshot[1]!)),
    ];
    numbers.push(...afterSnapshot);

    let restoredMarks: number[] = [];
    runProcedure('restore-etcd', {
      2: () => {
        restoredMarks = [Number(etcdGet('/tracknum/high-water/0')), Number(etcdGet('/tracknum/high-water/1'))];
      },
    });
    const keys = keysOn(tn3);
    assert.deepEqual(
      keys.map((k) => k.generation),
      [0, 1],
    );
    for (const [nodeId, mark] of restoredMarks.entries()) {
      assert.ok(mark <= marksAfterSnapshot[nodeId]!, `node ${nodeId}: the restored mark is the snapshot's`);
      assert.ok(
        afterSnapshot.some((n) => decode(n, keys).nodeId === nodeId && decode(n, keys).second >= mark),
        `node ${nodeId} issued above the mark that was restored`,
      );
    }
    assert.deepEqual(JSON.parse(etcdGet('/tracknum/number-space')), { format: 'opaque', keys: fingerprints(keys) });
    for (const on of [tn3, tn4]) {
      const issued = await issue(on, 3);
      for (const n of issued) {
        assert.equal(decode(n, keys).generation, 1, `${on.name} issues under the new generation`);
        assert.ok(!numbers.includes(n), `${n} was issued before`);
      }
      numbers.push(...issued);
    }
  });

  it('upgrading and rolling back (docs/operations.md)', { timeout: 400_000 }, async () => {
    const tn1 = machine('tn1');
    const keys = keysOn(tn1);
    const secondsOf = (list: string[]): number[] => list.map((n) => decode(n, keys).second);
    const before = await issue(tn1, 2);
    // The next version upstream: one commit more.
    const next = join(work, 'next');
    for (const args of [
      ['clone', '--quiet', origin, next],
      [
        '-C',
        next,
        '-c',
        'user.name=test',
        '-c',
        'user.email=test@example.invalid',
        'commit',
        '--quiet',
        '--allow-empty',
        '-m',
        'the next version',
      ],
      ['-C', next, 'push', '--quiet', 'origin', 'HEAD:main'],
    ]) {
      const ran = spawnSync('git', args, { encoding: 'utf8' });
      assert.equal(ran.status, 0, ran.stderr);
    }
    const nextCommit = spawnSync('git', ['-C', next, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).stdout.trim();

    const upgraded = runProcedure('upgrade');
    assert.match(upgraded.at(-1)!.stdout, new RegExp(`\\(commit ${nextCommit}\\)`));
    const during = await issue(tn1, 2);
    assert.ok(Math.min(...secondsOf(during)) > Math.max(...secondsOf(before)), 'the state carried over the upgrade');

    const rolledBack = runProcedure('rollback');
    assert.match(rolledBack.at(-1)!.stdout, new RegExp(`\\(commit ${head}\\)`));
    const afterRollback = await issue(tn1, 2);
    assert.ok(
      Math.min(...secondsOf(afterRollback)) > Math.max(...secondsOf(during)),
      'the state carried over the rollback',
    );
    for (const n of [...before, ...during, ...afterRollback]) assert.ok(!numbers.includes(n), n);
  });
});
