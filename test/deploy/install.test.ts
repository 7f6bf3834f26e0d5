/**
 * The deployment: scripts/install.sh staged into a temporary root (--destdir,
 * so no systemctl), the installed unit checked by systemd-analyze, and the
 * installed copy started the way the unit starts it. systemd is not PID 1 on
 * the test machines, so the unit's system call filter and address families
 * are checked against what the service really calls, traced with strace.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { probePort } from '../../src/primary/portProbe.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decodeNumber, get, orderPath, ROOT, startService, TEST_KEY_FILE, type Issued } from '../helpers/service.js';
import { filesUnder } from '../helpers/files.js';
import { bearer } from '../helpers/clients.js';
import { clientLine, tokenHash } from '../../src/clients/clientsFile.js';
import { randomBytes } from 'node:crypto';

const PREFIX = '/opt/tracknum';
const EXAMPLE_ENV = readFileSync(join(ROOT, 'scripts/systemd/tracknum.env.example'), 'utf8');
// Node IDs are locked host-wide: keep clear of the default 0 that other test runs on this machine use.
const NODE_IDS = { start: '3901', strace: '3902' };

let destdir = '';
let firstInstall = { status: -1 as number | null, output: '' };
const target = (): string => join(destdir, PREFIX);
const unitFile = (): string => join(destdir, 'etc/systemd/system/tracknum.service');
const envFile = (): string => join(destdir, 'etc/tracknum/tracknum.env');
const mainJs = (): string => join(target(), 'dist/main.js');

/** The absolute path of a tool, or a failure that says which Debian package to install (never a skip). */
function requireTool(name: string, debianPackage: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (found.status !== 0) {
    assert.fail(
      `${name} is not installed: install the Debian package "${debianPackage}" (apt-get install ${debianPackage})`,
    );
  }
  return found.stdout.trim();
}

function install(): { status: number | null; output: string } {
  const run = spawnSync(
    'bash',
    [join(ROOT, 'scripts/install.sh'), '--destdir', destdir, '--prefix', PREFIX, '--no-enable'],
    {
      encoding: 'utf8',
      timeout: 300_000,
    },
  );
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

function nodeOnPath(): string {
  return spawnSync('sh', ['-c', 'command -v node'], { encoding: 'utf8' }).stdout.trim();
}

/** Every line `key=value` of the unit for `key`, in order. */
function unitValues(key: string): string[] {
  return readFileSync(unitFile(), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith(`${key}=`))
    .map((line) => line.slice(key.length + 1));
}

before(
  () => {
    destdir = mkdtempSync(join(tmpdir(), 'tracknum-install-'));
    // Builds from a scratch copy of the checkout (npm ci, build, prune): slow, so once per file.
    firstInstall = install();
  },
  { timeout: 300_000 },
);

after(() => {
  if (destdir !== '') rmSync(destdir, { recursive: true, force: true });
});

test('install.sh stages the bundle, the unit with node and the prefix filled in, and the configuration', () => {
  assert.equal(firstInstall.status, 0, firstInstall.output);
  // The bundle (npm run bundle) and nothing else: no node_modules, no TypeScript, no build tool.
  assert.deepEqual(filesUnder(target()), [
    'dist/THIRD-PARTY-LICENSES.txt',
    'dist/main.js',
    `dist/native/uws_${process.platform}_${process.arch}_${process.versions.modules}.node`,
    'dist/package.json',
    'dist/proto/etcd3/auth.proto',
    'dist/proto/etcd3/kv.proto',
    'dist/proto/etcd3/rpc.proto',
    'dist/worker/worker.js',
    'libexec/wait-ready.mjs',
  ]);
  assert.equal(
    (JSON.parse(readFileSync(join(target(), 'dist/package.json'), 'utf8')) as { type: string }).type,
    'module',
  );
  const bytes = filesUnder(target()).reduce((sum, file) => sum + statSync(join(target(), file)).size, 0);
  assert.ok(bytes <= 15e6, `the installed payload is ${bytes} bytes, over 15 MB`);

  const unit = readFileSync(unitFile(), 'utf8');
  assert.doesNotMatch(unit, /@[A-Z]+@/, 'no placeholder left');
  const node = nodeOnPath();
  assert.deepEqual(unitValues('ExecStart'), [`${node} ${PREFIX}/dist/main.js`]);
  assert.deepEqual(unitValues('ExecStartPost'), [`${node} ${PREFIX}/libexec/wait-ready.mjs`]);
  assert.deepEqual(unitValues('DynamicUser'), ['yes']);
  assert.deepEqual(unitValues('StateDirectory'), ['tracknum']);
  assert.deepEqual(unitValues('MemoryDenyWriteExecute'), [], 'V8 needs W+X memory');
  // No core dumps: one would hold the key. A state directory closed to others (tracknum refuses one they can write).
  assert.deepEqual(unitValues('LimitCORE'), ['0']);
  assert.deepEqual(unitValues('StateDirectoryMode'), ['0700']);

  assert.equal(readFileSync(envFile(), 'utf8'), EXAMPLE_ENV);
  assert.equal(statSync(envFile()).mode & 0o777, 0o640);
  assert.equal(readFileSync(`${envFile()}.example`, 'utf8'), EXAMPLE_ENV);

  // What to do next, in an order that works: the key before NODE_ID, which is refused without one.
  const output = firstInstall.output;
  assert.ok(output.indexOf('tracknum keygen --out') >= 0, output);
  assert.ok(output.indexOf('tracknum keygen --out') < output.lastIndexOf('NODE_ID'), output);
});

test('install.sh puts the tracknum command on the PATH: the service’s node on the installed bundle, with its build baked in', () => {
  const command = join(destdir, 'usr/local/bin/tracknum');
  assert.equal(statSync(command).mode & 0o777, 0o755);
  assert.equal(
    readFileSync(command, 'utf8'),
    `#!/bin/sh\n# tracknum, installed by scripts/install.sh: the service's node on its bundle.\nexec ${nodeOnPath()} ${PREFIX}/dist/main.js "$@"\n`,
  );
  // The same command on the staged copy (the script names the final path, which a staged install does not have).
  const run = (args: string[]) => spawnSync(nodeOnPath(), [mainJs(), ...args], { encoding: 'utf8', cwd: '/' });
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  const version = run(['--version']);
  assert.equal(version.status, 0, version.stderr);
  assert.match(version.stdout, new RegExp(`^tracknum \\d+\\.\\d+\\.\\d+ \\(commit ${head}(-dirty)?\\)\\n$`));
  const keygen = run(['keygen']);
  assert.match(keygen.stdout, /^0 [0-9a-f]{64}\n$/);
  assert.equal(run(['decode', '--help']).status, 0);
});

test('systemd-analyze verify accepts the installed unit without a warning', () => {
  const analyze = requireTool('systemd-analyze', 'systemd');
  const run = spawnSync(analyze, ['verify', unitFile()], { encoding: 'utf8' });
  const output = `${run.stdout}${run.stderr}`;
  assert.equal(run.status, 0, output);
  // verify only warns (and exits 0) on unknown keys and bad values.
  const aboutUnit = output.split('\n').filter((line) => line.includes('tracknum.service'));
  assert.deepEqual(aboutUnit, []);
});

test('install.sh again: the same install, the operator’s tracknum.env kept, the old layout’s files gone', () => {
  const unitBefore = readFileSync(unitFile(), 'utf8');
  const operatorSettings = 'NODE_ID=7\nWORKERS=2\n';
  writeFileSync(envFile(), operatorSettings);
  // What installs before the bundle left next to dist/.
  mkdirSync(join(target(), 'node_modules/typescript'), { recursive: true });
  writeFileSync(join(target(), 'package.json'), '{"type":"module"}\n');

  const again = install();
  assert.equal(again.status, 0, again.output);
  assert.match(again.output, /kept .*tracknum\.env/);
  assert.equal(readFileSync(envFile(), 'utf8'), operatorSettings);
  assert.equal(readFileSync(unitFile(), 'utf8'), unitBefore);
  assert.ok(existsSync(mainJs()));
  assert.deepEqual(readdirSync(target()).sort(), ['dist', 'libexec']);
});

test('the installed copy serves with systemd’s $STATE_DIRECTORY, is ready, and exits 0 on SIGTERM', async () => {
  const stateDirectory = mkdtempSync(join(tmpdir(), 'tracknum-state-'));
  try {
    // STATE_DIR empty counts as unset: the default is $STATE_DIRECTORY, as under the unit.
    const service = await startService({
      command: [process.execPath, mainJs()],
      env: { STATE_DIR: '', STATE_DIRECTORY: stateDirectory, NODE_ID: NODE_IDS.start },
    });
    try {
      const ready = await get(service.port, '/readyz');
      assert.equal(ready.status, 200, ready.body);
      assert.equal((await get(service.port, orderPath())).status, 200);

      const wait = spawnSync(process.execPath, [join(target(), 'libexec/wait-ready.mjs')], {
        env: { ...process.env, PORT: String(service.port), HOST: '127.0.0.1' },
        encoding: 'utf8',
        timeout: 10_000,
      });
      assert.equal(wait.status, 0, wait.stderr);
    } finally {
      assert.deepEqual(await service.stop('SIGTERM'), { code: 0, signal: null });
    }
    assert.ok(readdirSync(stateDirectory).includes(`node-${NODE_IDS.start}.high-water.json`));
  } finally {
    rmSync(stateDirectory, { recursive: true, force: true });
  }
});

test('the guide’s key drop-in: the unit with it passes systemd-analyze verify, and the service reads the key from $CREDENTIALS_DIRECTORY', async () => {
  // The drop-in exactly as docs/deploying.md prints it, under "The tracking-number key".
  const guide = readFileSync(join(ROOT, 'docs/deploying.md'), 'utf8');
  const section = guide.slice(guide.indexOf('### The tracking-number key'));
  const dropIn = /```ini\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const source = /LoadCredential=tracking-number-key:(\S+)/.exec(dropIn)?.[1];
  assert.ok(source !== undefined, `the guide shows the LoadCredential= drop-in, got ${JSON.stringify(dropIn)}`);

  const analyze = requireTool('systemd-analyze', 'systemd');
  const withDropIn = join(mkdtempSync(join(tmpdir(), 'tracknum-unit-')), 'tracknum.service');
  writeFileSync(withDropIn, `${readFileSync(unitFile(), 'utf8')}\n${dropIn}`);
  const verified = spawnSync(analyze, ['verify', withDropIn], { encoding: 'utf8' });
  const output = `${verified.stdout}${verified.stderr}`;
  assert.equal(verified.status, 0, output);
  assert.deepEqual(
    output.split('\n').filter((line) => line.includes('tracknum.service') && !line.includes(source)),
    [],
  );

  // What systemd then does: the key, copied into the credentials directory under the name given.
  const credentials = mkdtempSync(join(tmpdir(), 'tracknum-credentials-'));
  // As systemd writes it: mode 0400 (owned by the service's user, or root's with an ACL for it).
  writeFileSync(join(credentials, 'tracking-number-key'), readFileSync(TEST_KEY_FILE), { mode: 0o400 });
  const acme = { name: 'acme', token: randomBytes(32).toString('base64url'), quota: 10, burst: 100 };
  const acmeLine = clientLine({ ...acme, tokenHash: tokenHash(acme.token), quotaPerSecond: 10, routes: ['issue'] });
  writeFileSync(join(credentials, 'tracknum-clients'), acmeLine, { mode: 0o400 });
  const service = await startService({
    command: [process.execPath, mainJs()],
    env: { NODE_ID: NODE_IDS.start, TRACKING_NUMBER_KEY_FILE: '', CREDENTIALS_DIRECTORY: credentials },
  });
  try {
    assert.ok(service.logs.some((line) => line.msg === 'clients file read' && line['clients'] === 1));
    assert.equal((await get(service.port, orderPath())).status, 401, 'the clients file from the credential holds');
    const issued = await get(service.port, orderPath(), { headers: bearer(acme) });
    assert.equal(issued.status, 200, issued.body);
    // Issued under the test key: it decodes with it to this instance's node ID.
    assert.equal(decodeNumber(issued.json<Issued>().tracking_number).nodeId, Number(NODE_IDS.start));
  } finally {
    assert.deepEqual(await service.stop('SIGTERM'), { code: 0, signal: null });
  }
});

test('wait-ready gives up with a message after READY_TIMEOUT_SECONDS when nothing is ready', async () => {
  const port = await probePort('127.0.0.1', 0);
  const started = Date.now();
  const wait = spawnSync(process.execPath, [join(target(), 'libexec/wait-ready.mjs')], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', READY_TIMEOUT_SECONDS: '1' },
    encoding: 'utf8',
    timeout: 10_000,
  });
  assert.equal(wait.status, 1, wait.stderr);
  assert.match(wait.stderr, /not ready after 1 s \(last: ECONNREFUSED\)/);
  assert.ok(Date.now() - started < 5_000);
});

test('every system call and address family the service uses is allowed by the unit', async () => {
  const strace = requireTool('strace', 'strace');
  const analyze = requireTool('systemd-analyze', 'systemd');
  const traceDir = mkdtempSync(join(tmpdir(), 'tracknum-strace-'));
  try {
    const trace = (name: string, command: string[]): string[] => [
      strace,
      '-f',
      '-qq',
      '-o',
      join(traceDir, name),
      ...command,
    ];
    const service = await startService({
      command: trace('service', [process.execPath, mainJs()]),
      env: { NODE_ID: NODE_IDS.strace },
    });
    try {
      assert.equal((await get(service.port, orderPath())).status, 200);
      assert.equal((await get(service.port, '/metrics')).status, 200);
      // The unit's ExecStartPost= runs node too, with fetch.
      const [command, ...args] = trace('wait-ready', [process.execPath, join(target(), 'libexec/wait-ready.mjs')]);
      const wait = spawnSync(command ?? strace, args, {
        env: { ...process.env, PORT: String(service.port), HOST: '127.0.0.1' },
        encoding: 'utf8',
        timeout: 20_000,
      });
      assert.equal(wait.status, 0, wait.stderr);
    } finally {
      // The child is strace; SIGTERM goes to node itself (its pid is on every log line), strace exits with it.
      const pid = service.logs.find((line) => line.msg === 'ready')?.['pid'];
      assert.equal(typeof pid, 'number');
      process.kill(pid as number, 'SIGTERM');
      assert.deepEqual(await service.exited, { code: 0, signal: null });
    }

    const traced = ['service', 'wait-ready'].map((name) => readFileSync(join(traceDir, name), 'utf8')).join('\n');
    const used = new Set([...traced.matchAll(/^\d+ +([a-z0-9_]+)\(/gm)].map((m) => m[1] ?? ''));
    assert.ok(used.has('openat') && used.has('epoll_pwait'), 'the trace has the calls node makes');

    const allowed = allowedSystemCalls(analyze, unitValues('SystemCallFilter'));
    assert.deepEqual(
      [...used].filter((call) => !allowed.has(call)).sort(),
      [],
      'system calls outside SystemCallFilter=',
    );

    // ProtectSystem=strict leaves only the state directory writable.
    const written = [
      ...traced.matchAll(
        / (?:openat\(AT_FDCWD, "([^"]+)", [^)\n]*O_(?:WRONLY|RDWR|CREAT)|mkdir\("([^"]+)"|rename\("[^"]+", "([^"]+)")/g,
      ),
    ]
      .map((m) => m[1] ?? m[2] ?? m[3] ?? '')
      .filter((path) => !path.startsWith('/dev/'));
    assert.ok(written.length > 0, 'the high-water mark is written');
    assert.deepEqual(
      written.filter((path) => !path.startsWith(`${service.stateDir}/`) && path !== service.stateDir),
      [],
    );

    const families = new Set(unitValues('RestrictAddressFamilies').flatMap((value) => value.split(/\s+/)));
    const opened = new Set([...traced.matchAll(/ socket\((AF_[A-Z0-9]+)/g)].map((m) => m[1] ?? ''));
    assert.ok(opened.has('AF_INET') && opened.has('AF_UNIX'), 'TCP listeners and the abstract-socket lock');
    assert.deepEqual(
      [...opened].filter((family) => !families.has(family)),
      [],
      'outside RestrictAddressFamilies=',
    );
  } finally {
    rmSync(traceDir, { recursive: true, force: true });
  }
});

/**
 * What the unit's SystemCallFilter= lines allow: the union of the allow
 * lists, minus everything on the `~` deny lines, with groups expanded the way
 * this systemd defines them (`systemd-analyze syscall-filter`).
 */
function allowedSystemCalls(analyze: string, filterLines: readonly string[]): Set<string> {
  const listing = spawnSync(analyze, ['syscall-filter'], { encoding: 'utf8' }).stdout;
  const groups = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of listing.split('\n')) {
    if (/^@[a-z-]+$/.test(line)) groups.set(line, (current = []));
    else if (/^\s+[@a-z0-9_-]+$/.test(line)) current?.push(line.trim());
    else if (!line.startsWith(' ')) current = undefined;
  }
  const expand = (name: string): string[] =>
    name.startsWith('@') ? (groups.get(name) ?? assert.fail(`unknown group ${name}`)).flatMap(expand) : [name];
  const allow = new Set<string>();
  const deny = new Set<string>();
  for (const line of filterLines) {
    const denying = line.startsWith('~');
    for (const name of line.replace(/^~/, '').split(/\s+/).filter(Boolean)) {
      for (const call of expand(name)) (denying ? deny : allow).add(call);
    }
  }
  assert.ok(allow.size > 100, 'groups expanded');
  return new Set([...allow].filter((call) => !deny.has(call)));
}
