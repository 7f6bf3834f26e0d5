/**
 * The container image: the Dockerfile, unchanged, built with podman and run.
 *
 * No registry can be reached here, so the base image the Dockerfile names is
 * made offline under that name (a Debian 12 debootstrap plus this machine's
 * Node 20, see standInBase.ts; cached between runs), and the build runs with
 * --pull=never. Then the image is run with the deploying guide's `docker run`
 * command, as printed (its port, name and volume made unique), with `podman run`; where
 * podman cannot start containers on this machine, its file system is exported
 * and the entry point is run under `chroot --userspec=<the image's user>`
 * instead. The test output says which way ran (TRACKNUM_IMAGE_RUN=podman or
 * chroot forces one).
 *
 * Needs root, podman, runc, debootstrap and network access to a Debian mirror
 * (first run only) and to the npm registry (the build's `npm ci`):
 * scripts/install-test-tools.sh installs the tools. About 5 minutes on the
 * first run (debootstrap, importing the stand-in, `npm ci` in the build), 40 s
 * once the stand-in and the build's layers are cached (see standInBase.ts).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { probePort } from '../../src/primary/portProbe.js';
import { get, orderPath, ROOT } from '../helpers/service.js';
import { CACHE_DIR, ensureStandInBase, officialName, podman, run, type Run } from './standInBase.js';

/**
 * The folder the guide's command runs in ($PWD): it holds the operator's key file, as the guide has it made,
 * mode 0600 and owned by the image's user (uid 1000), which alone can read it.
 */
const WORKING_DIR = mkdtempSync(join(tmpdir(), 'tracknum-image-'));
chmodSync(WORKING_DIR, 0o755);
const KEY_FILE = join(WORKING_DIR, 'tracking-number.key');
writeFileSync(KEY_FILE, `0 ${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
chownSync(KEY_FILE, 1000, 1000);

/**
 * The deploying guide's `docker run -d` command, as a user copies it: its
 * words after `docker run`, with $PWD expanded.
 */
function guideRunCommand(): string[] {
  const guide = readFileSync(join(ROOT, 'docs/deploying.md'), 'utf8');
  const block = /```sh\n([\s\S]*?)```/.exec(guide.slice(guide.indexOf('## In a container')))?.[1] ?? '';
  const line = block
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .find((l) => l.startsWith('docker run -d '));
  assert.ok(line !== undefined, "docs/deploying.md: no 'docker run -d' line in the container section");
  const words = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => (m[1] ?? m[2]!).replaceAll('$PWD', WORKING_DIR));
  return words.slice(2);
}

/**
 * How the image is run, whichever way it runs, taken from the guide's command:
 * the container's environment, the host files it sees read-only (copied into
 * the exported tree under chroot), and its options for podman run, with the
 * port, the container's name and the named volume made unique to this run.
 */
function runConfig(port: number, name: string, volume: string) {
  const words = guideRunCommand();
  const env: Record<string, string> = {};
  const files: { source: string; target: string }[] = [];
  const options: string[] = [];
  let image = '';
  let containerPort = '';
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const value = (): string => words[++i] ?? '';
    if (word === '-e') {
      const [key, ...rest] = value().split('=');
      env[key!] = rest.join('=');
      options.push('--env', `${key}=${env[key!]}`);
    } else if (word === '-v') {
      const [source, target, mode] = value().split(':');
      if (source!.startsWith('/')) {
        assert.equal(mode, 'ro', `the guide mounts ${source} writable`);
        files.push({ source: source!, target: target! });
        options.push('--volume', `${source}:${target}:ro`);
      } else {
        assert.equal(target, '/var/lib/tracknum', `the guide's named volume ${source} is not the state directory`);
        options.push('--volume', `${volume}:${target}`);
      }
    } else if (word === '-p') {
      containerPort = value().split(':').pop() ?? '';
      options.push('--publish', `127.0.0.1:${port}:${containerPort}`);
    } else if (word === '--name') {
      value();
      options.push('--name', name);
    } else if (word === '--stop-timeout' || word === '--ulimit') {
      // Under chroot, no limit is set: the guide's --ulimit core=0 is for podman run only.
      options.push(word, value());
    } else if (word === '-d' || word === '--read-only') {
      options.push(word);
    } else if (!word.startsWith('-') && i === words.length - 1) {
      image = word;
    } else {
      assert.fail(`the guide's docker run has ${word}, which this test does not know how to run`);
    }
  }
  assert.equal(image, 'tracknum', "the guide's command runs another image");
  assert.ok(env['NODE_ID'] !== undefined && files.length > 0, words.join(' '));
  return { env, files, options, containerPort: Number(containerPort) };
}

const TAG = 'localhost/tracknum-test:latest';
/** The commit the guide's build passes (--build-arg TRACKNUM_COMMIT=$(git rev-parse HEAD)). */
const HEAD = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const PAYLOAD_LIMIT_BYTES = 15e6;
const uwsBinary = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
const BUNDLE_FILES = [
  'THIRD-PARTY-LICENSES.txt',
  'main.js',
  `native/${uwsBinary}`,
  'package.json',
  'proto/etcd3/auth.proto',
  'proto/etcd3/kv.proto',
  'proto/etcd3/rpc.proto',
  'worker/worker.js',
];

interface ImageConfig {
  User: string;
  Env: string[];
  Entrypoint: string[] | null;
  Cmd: string[] | null;
  WorkingDir: string;
  Volumes: Record<string, unknown> | null;
  StopSignal?: string;
  ExposedPorts?: Record<string, unknown>;
  /** Not in podman's Config: copied from the top level of `podman image inspect`. */
  Healthcheck?: { Test: string[] };
}

let work = '';
/** The image's file system, exported. */
let tree = '';
let config: ImageConfig;
let built: Run = { status: null, stdout: '', stderr: '' };
const facts: string[] = [];

const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/** A failure that names the package to install (never a skip). */
function requireTool(name: string, debianPackage: string): void {
  if (spawnSync('sh', ['-c', `command -v ${name}`]).status !== 0) {
    assert.fail(`${name} is not installed: run scripts/install-test-tools.sh (apt-get install ${debianPackage})`);
  }
}

/** Every entry under `dir`, relative to it, sorted; directories end with '/'. */
function walk(dir: string, under = ''): string[] {
  return readdirSync(join(dir, under), { withFileTypes: true })
    .flatMap((entry) => {
      const path = under === '' ? entry.name : `${under}/${entry.name}`;
      return entry.isDirectory() ? [`${path}/`, ...walk(dir, path)] : [path];
    })
    .sort();
}

function bytesUnder(dir: string): number {
  return walk(dir)
    .filter((path) => !path.endsWith('/'))
    .reduce((sum, path) => sum + lstatSync(join(dir, path)).size, 0);
}

/** Path -> type, size, mode, owner and modification time of every entry: what a write would change. */
function snapshot(dir: string): Map<string, string> {
  return new Map(
    walk(dir).map((path) => {
      const s = lstatSync(join(dir, path));
      return [path, `${s.mode}:${s.uid}:${s.gid}:${s.size}:${s.mtimeMs}`];
    }),
  );
}

async function waitReady(port: number, exited: () => string | undefined): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last: string;
  for (;;) {
    const gone = exited();
    if (gone !== undefined) assert.fail(`the service exited before it was ready: ${gone}`);
    try {
      const answer = await get(port, '/readyz');
      if (answer.status === 200) return;
      last = `${answer.status} ${answer.body}`;
    } catch (error) {
      last = String(error);
    }
    if (Date.now() > deadline) assert.fail(`not ready in 30 s (last: ${last})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The process's real, effective, saved and file-system user IDs, from /proc. */
function uids(pid: number): { name: string; uid: string } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): string =>
    new RegExp(`^${name}:\\s+(.*)$`, 'm').exec(status)?.[1]?.replace(/\s+/g, ' ') ?? '';
  return { name: field('Name'), uid: field('Uid') };
}

before(
  () => {
    assert.equal(process.getuid?.(), 0, 'the image test runs as root (podman storage, debootstrap, chroot)');
    for (const [tool, debianPackage] of [
      ['podman', 'podman'],
      ['runc', 'runc'],
      ['debootstrap', 'debootstrap'],
      ['chroot', 'coreutils'],
    ] as const) {
      requireTool(tool, debianPackage);
    }
    work = mkdtempSync(join(tmpdir(), 'tracknum-image-'));

    // Every FROM names the same official image: that is what the stand-in replaces.
    const froms = [...readFileSync(join(ROOT, 'Dockerfile'), 'utf8').matchAll(/^FROM\s+(\S+)/gim)].map((m) => m[1]!);
    assert.ok(froms.length > 0 && froms.every((from) => from === froms[0]), `FROM lines: ${froms.join(', ')}`);
    const base = officialName(froms[0]!);

    let started = performance.now();
    const standIn = ensureStandInBase(base);
    facts.push(
      `cache ${CACHE_DIR}: Debian root file system ${standIn.debootstrapSeconds > 0 ? `debootstrapped in ${standIn.debootstrapSeconds.toFixed(1)} s` : 'cached'}, ` +
        `stand-in ${base} ${standIn.importSeconds > 0 ? `imported in ${standIn.importSeconds.toFixed(1)} s` : 'cached'} (${seconds(started)} in all)`,
    );

    // Docker's image format, as `docker build` makes: podman's default (OCI) drops HEALTHCHECK.
    const previous = podman(['image', 'inspect', '--format', '{{.Id}}', TAG]).stdout.trim();
    started = performance.now();
    // Layers are cached between runs (a change to the lock file or the sources rebuilds from there on);
    // TRACKNUM_IMAGE_NO_CACHE=1 builds every layer again.
    const noCache = process.env['TRACKNUM_IMAGE_NO_CACHE'] === '1' ? ['--no-cache'] : [];
    built = podman(
      [
        'build',
        ...noCache,
        '--pull=never',
        '--format',
        'docker',
        '--build-arg',
        `TRACKNUM_COMMIT=${HEAD}`,
        '--tag',
        TAG,
        '--file',
        'Dockerfile',
        '.',
      ],
      {
        cwd: ROOT,
        timeout: 900_000,
      },
    );
    facts.push(
      `podman build: ${seconds(started)}${noCache.length > 0 ? ' (--no-cache)' : ' (layers cached between runs)'}`,
    );
    if (built.status !== 0) return;
    // The previous build's image, now untagged. Not `podman image prune`: the build stage's layers, the build
    // cache (npm ci), are untagged too.
    if (previous !== '' && previous !== podman(['image', 'inspect', '--format', '{{.Id}}', TAG]).stdout.trim()) {
      podman(['rmi', previous]);
    }

    const [image] = JSON.parse(podman(['image', 'inspect', TAG]).stdout) as {
      Size: number;
      Config: ImageConfig;
      Healthcheck?: { Test: string[] };
    }[];
    const [baseImage] = JSON.parse(podman(['image', 'inspect', base]).stdout) as { Size: number }[];
    config = { ...image!.Config, ...(image!.Healthcheck === undefined ? {} : { Healthcheck: image!.Healthcheck }) };
    facts.push(
      `image ${mb(image!.Size)}, of which the base ${mb(baseImage!.Size)}: ${mb(image!.Size - baseImage!.Size)} added`,
    );

    // The image's file system, for the checks below and for the chroot run.
    const name = `tracknum-test-export-${process.pid}`;
    const created = podman(['create', '--name', name, TAG]);
    assert.equal(created.status, 0, created.stderr);
    try {
      const tar = join(work, 'rootfs.tar');
      const exported = podman(['export', '--output', tar, name]);
      assert.equal(exported.status, 0, exported.stderr);
      tree = join(work, 'rootfs');
      mkdirSync(tree);
      const unpacked = run('tar', ['-C', tree, '-xf', tar]);
      assert.equal(unpacked.status, 0, unpacked.stderr);
      rmSync(tar);
    } finally {
      podman(['rm', '--force', '--volumes', name]);
    }
  },
  { timeout: 1_800_000 },
);

after(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

test('the Dockerfile builds, offline, from the base image it names', (t) => {
  for (const fact of facts) t.diagnostic(fact);
  assert.equal(built.status, 0, `podman build failed:\n${(built.stderr + built.stdout).slice(-6000)}`);
});

test('the image holds the bundle and Node, and no TypeScript, dev dependency or compiler', (t) => {
  assert.equal(built.status, 0, 'the build failed');
  // /app is the bundle and nothing else.
  assert.deepEqual(
    walk(join(tree, 'app')).filter((path) => !path.endsWith('/')),
    BUNDLE_FILES,
  );
  const payload = bytesUnder(join(tree, 'app'));
  t.diagnostic(`/app: ${payload} bytes (${mb(payload)}); limit ${mb(PAYLOAD_LIMIT_BYTES)}`);
  assert.ok(payload <= PAYLOAD_LIMIT_BYTES, `the application payload is ${mb(payload)}`);

  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  const forbidden = new Set(['typescript', ...Object.keys(manifest.devDependencies)]);
  const everything = walk(tree);
  // The only node_modules are npm's own, from the base image.
  const moduleDirs = everything.filter((path) => path.endsWith('/node_modules/'));
  assert.deepEqual(
    moduleDirs.filter((path) => !path.startsWith('usr/local/lib/node_modules/')),
    [],
    'node_modules outside the base image’s npm',
  );
  // Every package directory in the image (npm's own dependencies), by name.
  const packages = everything
    .filter((path) => /(^|\/)node_modules\/(@[^/]+\/)?[^/@][^/]*\/$/.test(path))
    .map((path) => path.slice(0, -1).replace(/^.*node_modules\//, ''))
    .filter((name) => forbidden.has(name));
  assert.deepEqual(packages, [], 'TypeScript or a dev dependency in the image');
  // TypeScript's and esbuild's executables anywhere, and C/C++ compilers, assemblers, linkers and make on PATH.
  const tools = everything.filter(
    (path) =>
      /(^|\/)(tsc|tsserver\.js|typescript\.js|esbuild)$/.test(path) ||
      /^(usr\/|usr\/local\/)?s?bin\/(\w+-linux-gnu-)?(gcc|g\+\+|cc|c\+\+|clang|clang\+\+|tcc|make|as|ld)(-[\d.]+)?$/.test(
        path,
      ),
  );
  assert.deepEqual(tools, [], 'a compiler or build tool in the image');

  // Run configuration: numeric non-root user, the bundle's entry point, a state volume it owns, a health check.
  assert.equal(config.User, '1000:1000');
  // The tracknum command, serving unless given another command.
  assert.deepEqual(config.Entrypoint, ['/usr/local/bin/tracknum']);
  assert.deepEqual(config.Cmd, ['serve']);
  assert.equal(
    readFileSync(join(tree, 'usr/local/bin/tracknum'), 'utf8'),
    '#!/bin/sh\nexec /usr/local/bin/node /app/main.js "$@"\n',
  );
  assert.equal(lstatSync(join(tree, 'var/lib/tracknum')).mode & 0o777, 0o700);
  assert.ok(config.Env.includes('STATE_DIR=/var/lib/tracknum'), config.Env.join(' '));
  assert.deepEqual(Object.keys(config.Volumes ?? {}), ['/var/lib/tracknum']);
  assert.equal(lstatSync(join(tree, 'var/lib/tracknum')).uid, 1000);
  assert.equal(config.Healthcheck?.Test[0], 'CMD', 'HEALTHCHECK kept (docker format)');
  for (const path of walk(join(tree, 'app'))) {
    const s = lstatSync(join(tree, 'app', path));
    assert.ok(s.uid === 0 && (s.mode & 0o022) === 0, `/app/${path} is root's and not group- or world-writable`);
  }
});

test('the image serves as uid 1000, writes only to its state volume, is healthy, and exits 0 on SIGTERM', async (t) => {
  assert.equal(built.status, 0, 'the build failed');
  const forced = process.env['TRACKNUM_IMAGE_RUN'];
  assert.ok(forced === undefined || forced === 'podman' || forced === 'chroot', `TRACKNUM_IMAGE_RUN=${forced}`);
  if (forced !== 'chroot') {
    const outcome = await runWithPodman(t);
    if (outcome === 'ran') return;
    assert.notEqual(forced, 'podman', `podman run cannot start containers here: ${outcome}`);
    t.diagnostic(`podman run cannot start containers here (${outcome}): running the exported image under chroot`);
  }
  await runWithChroot(t);
});

/** Run inside the image as its user: tries three writes to /app and prints how each went. */
const APP_WRITE_PROBE = `
const fs = require('node:fs');
const outcome = {};
for (const [what, write] of [
  ['create /app/probe', () => fs.writeFileSync('/app/probe', '')],
  ['append to /app/main.js', () => fs.appendFileSync('/app/main.js', '')],
  ['mkdir /app/probe.d', () => fs.mkdirSync('/app/probe.d')],
]) {
  try { write(); outcome[what] = 'written'; } catch (error) { outcome[what] = error.code; }
}
console.log(JSON.stringify(outcome));
`;

/**
 * The image's user cannot write to /app: EACCES from its permissions, or
 * EROFS where the container's root file system is read-only as a whole
 * (`--read-only`), which the kernel checks first for new entries.
 */
function assertAppReadOnly(probe: Run, readOnlyRoot = false): void {
  assert.equal(probe.status, 0, probe.stderr);
  const refusal = readOnlyRoot ? 'EROFS' : 'EACCES';
  assert.deepEqual(JSON.parse(probe.stdout.trim().split('\n').pop() ?? '{}'), {
    'create /app/probe': refusal,
    'append to /app/main.js': 'EACCES',
    'mkdir /app/probe.d': refusal,
  });
}

/** The HEALTHCHECK command as an argument vector. */
function healthCommand(): string[] {
  const [kind, ...rest] = config.Healthcheck?.Test ?? [];
  if (kind === 'CMD') return rest;
  if (kind === 'CMD-SHELL') return ['/bin/sh', '-c', rest.join(' ')];
  return assert.fail(`no HEALTHCHECK command in the image (${kind})`);
}

/** Asks for a number; returns it. */
async function checkServes(port: number): Promise<string> {
  const answer = await get(port, orderPath());
  assert.equal(answer.status, 200, answer.body);
  const issued = answer.json<{ tracking_number: string }>().tracking_number;
  assert.match(issued, /^MY[0-9A-Z]{14}$/);
  return issued;
}

/** `tracknum decode` in the image, with the key and the state volume: the number it issued, under its node ID. */
function assertDecodes(ran: Run, issued: string, env: Record<string, string>): void {
  assert.equal(ran.status, 0, `${ran.stderr}${ran.stdout}`);
  const decoded = JSON.parse(ran.stdout) as { tracking_number: string; node_id: number; key_check: string };
  assert.deepEqual(
    [decoded.tracking_number, decoded.node_id, decoded.key_check],
    [issued, Number(env['NODE_ID']), 'matched'],
  );
}

/** `podman run`, as a user runs the image; 'ran', or why podman cannot start a container here. */
async function runWithPodman(t: TestContext): Promise<string> {
  const name = `tracknum-test-${process.pid}`;
  const volume = `tracknum-test-state-${process.pid}`;
  const port = await probePort('127.0.0.1', 0);
  const { env, files, options, containerPort } = runConfig(port, name, volume);
  assert.deepEqual(Object.keys(config.ExposedPorts ?? {}), [`${containerPort}/tcp`], "the guide's -p against EXPOSE");
  const cleanup = (): void => {
    podman(['rm', '--force', '--volumes', '--time', '0', name]);
    podman(['volume', 'rm', '--force', volume]);
  };
  let how = 'podman run';
  let limits: string[] = [];
  let started = podman(['run', ...options, TAG]);
  if (started.status !== 0 && /error setting rlimit/.test(started.stderr)) {
    // podman's default RLIMIT_NOFILE and RLIMIT_NPROC for containers are above what it may set on this machine
    // (no CAP_SYS_RESOURCE); lower ones are allowed. A limit of the machine, not of the image.
    cleanup();
    limits = ['--ulimit', 'nofile=4096:4096', '--ulimit', 'nproc=4096:4096'];
    how = `podman run ${limits.join(' ')} (podman's default limits fail here: ${started.stderr.trim().split('\n').pop()})`;
    started = podman(['run', ...limits, ...options, TAG]);
  }
  if (started.status !== 0) {
    cleanup();
    return started.stderr.trim().split('\n').pop() ?? `exit ${started.status}`;
  }
  t.diagnostic(`ran with: ${how}; the guide's options: ${options.join(' ')}`);
  try {
    const state = (): string => podman(['inspect', '--format', '{{.State.Status}}', name]).stdout.trim();
    await waitReady(port, () =>
      state() === 'running'
        ? undefined
        : `${state()}: ${podman(['logs', name]).stderr}${podman(['logs', name]).stdout}`,
    );
    const issued = await checkServes(port);

    const pid = Number(podman(['inspect', '--format', '{{.State.Pid}}', name]).stdout.trim());
    const process1 = uids(pid);
    t.diagnostic(`container PID 1 is host pid ${pid}: ${process1.name}, Uid ${process1.uid}`);
    assert.deepEqual(process1, { name: 'node', uid: '1000 1000 1000 1000' });
    // `podman exec` runs as the image's user, like the service; the guide's --read-only masks the permissions,
    // so they are also probed in a container of the image without it.
    assertAppReadOnly(podman(['exec', name, 'node', '-e', APP_WRITE_PROBE]), options.includes('--read-only'));
    assertAppReadOnly(podman(['run', '--rm', ...limits, '--entrypoint', 'node', TAG, '-e', APP_WRITE_PROBE]));

    const health = podman(['healthcheck', 'run', name]);
    assert.equal(health.status, 0, `HEALTHCHECK: ${health.stdout}${health.stderr}`);

    const stopped = podman(['stop', '--time', '30', name]);
    assert.equal(stopped.status, 0, stopped.stderr);
    assert.equal(podman(['inspect', '--format', '{{.State.ExitCode}}', name]).stdout.trim(), '0');
    const logs = podman(['logs', name]).stdout;
    assert.match(logs, /"msg":"high-water mark persisted"/);
    assert.match(logs, /"msg":"stopped"/);

    // The entry point is the tracknum command: the image runs the operator's commands too.
    const inImage = (args: string[], mounts: string[] = []): Run =>
      podman(['run', '--rm', ...limits, ...mounts, TAG, ...args]);
    assert.equal(inImage(['--version']).stdout, `tracknum ${VERSION} (commit ${HEAD})\n`);
    assert.match(inImage(['keygen']).stdout, /^0 [0-9a-f]{64}\n$/);
    const keyMount = files.flatMap(({ source, target }) => ['--volume', `${source}:${target}:ro`]);
    const envs = Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]);
    assertDecodes(
      inImage(['decode', issued], [...keyMount, ...envs, '--volume', `${volume}:/var/lib/tracknum`]),
      issued,
      env,
    );

    // The container's own file system is unchanged: `podman diff` lists only the mount points podman itself
    // makes (/etc/hosts, /etc/resolv.conf and the like, and the mounted files) and their directories, never
    // a file the service wrote.
    const mountPoints = new Set(['/etc', '/run']);
    for (const { target } of files) {
      for (let path = target; path !== '/'; path = dirname(path)) mountPoints.add(path);
    }
    const changes = podman(['diff', name]).stdout.trim().split('\n').filter(Boolean);
    t.diagnostic(`podman diff: ${changes.join(', ') || 'nothing'}`);
    for (const change of changes) {
      const [kind, path] = change.split(' ');
      assert.ok(
        (kind === 'C' || kind === 'A') && mountPoints.has(path ?? ''),
        `the container's file system changed: ${change}`,
      );
    }
    const mountpoint = podman(['volume', 'inspect', '--format', '{{.Mountpoint}}', volume]).stdout.trim();
    const stateFiles = readdirSync(mountpoint);
    t.diagnostic(`state volume: ${stateFiles.join(', ')}`);
    assert.ok(stateFiles.includes(`node-${env['NODE_ID']}.high-water.json`), stateFiles.join(', '));
    for (const file of stateFiles) assert.equal(lstatSync(join(mountpoint, file)).uid, 1000, file);
  } finally {
    cleanup();
  }
  return 'ran';
}

/**
 * Where podman cannot start containers: the exported file system, the entry
 * point run under chroot as the image's user, with the image's environment and
 * working directory. It shares the host's network, so PORT is set to a free port.
 */
async function runWithChroot(t: TestContext): Promise<void> {
  chmodSync(tree, 0o755);
  const port = await probePort('127.0.0.1', 0);
  const { env: guideEnv, files } = runConfig(port, '', '');
  for (const { source, target } of files) {
    mkdirSync(dirname(join(tree, target)), { recursive: true });
    copyFileSync(source, join(tree, target));
    // As a bind mount shows it: the same owner and mode.
    chownSync(join(tree, target), lstatSync(source).uid, lstatSync(source).gid);
  }
  const env = [...config.Env, ...Object.entries(guideEnv).map(([key, value]) => `${key}=${value}`), `PORT=${port}`];
  const inImage = (command: readonly string[]): string[] => [
    `--userspec=${config.User}`,
    tree,
    '/usr/bin/env',
    '-i',
    `--chdir=${config.WorkingDir || '/'}`,
    ...env,
    ...command,
  ];
  t.diagnostic(`ran with: chroot --userspec=${config.User} <exported image>`);

  const before = snapshot(tree);
  const child = spawn('chroot', inImage([...(config.Entrypoint ?? []), ...(config.Cmd ?? [])]), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  try {
    await waitReady(port, () => (child.exitCode === null ? undefined : output));
    const issued = await checkServes(port);
    // chroot and env exec the entry point: the pid is node's.
    const node = uids(child.pid!);
    t.diagnostic(`pid ${child.pid}: ${node.name}, Uid ${node.uid}`);
    assert.deepEqual(node, { name: 'node', uid: '1000 1000 1000 1000' });
    assertAppReadOnly(run('chroot', inImage(['node', '-e', APP_WRITE_PROBE])));
    const health = run('chroot', inImage(healthCommand()), { timeout: 10_000 });
    assert.equal(health.status, 0, `HEALTHCHECK: ${health.stdout}${health.stderr}`);

    child.kill((config.StopSignal ?? 'SIGTERM') as NodeJS.Signals);
    assert.deepEqual(await exited, { code: 0, signal: null }, output);
    assert.match(output, /"msg":"high-water mark persisted"/);
    // The entry point is the tracknum command: the image runs the operator's commands too.
    assert.equal(
      run('chroot', inImage(['/usr/local/bin/tracknum', '--version'])).stdout,
      `tracknum ${VERSION} (commit ${HEAD})\n`,
    );
    assert.match(run('chroot', inImage(['/usr/local/bin/tracknum', 'keygen'])).stdout, /^0 [0-9a-f]{64}\n$/);
    assertDecodes(run('chroot', inImage(['/usr/local/bin/tracknum', 'decode', issued])), issued, guideEnv);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  }

  // What the run changed in the image's file system: the state directory (the volume) only.
  const after = snapshot(tree);
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
    (path) => before.get(path) !== after.get(path),
  );
  t.diagnostic(`changed: ${changed.join(', ')}`);
  assert.deepEqual(
    changed.filter((path) => !path.startsWith('var/lib/tracknum/')),
    [],
    'written outside the state directory',
  );
  assert.ok(changed.includes(`var/lib/tracknum/node-${guideEnv['NODE_ID']}.high-water.json`), changed.join(', '));
}
