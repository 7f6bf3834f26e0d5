/**
 * A stand-in for the base image the Dockerfile names (node:20-bookworm-slim),
 * made offline, for test/deploy/image.test.ts: no container registry can be
 * reached from the test machines, so `FROM node:20-bookworm-slim` cannot be
 * pulled. The Dockerfile stays what a user builds against the real registry;
 * only its base is replaced, under the same name, by:
 *
 * - Debian 12 from `debootstrap --variant=minbase bookworm` (the official
 *   image is Debian 12 slim too), apt lists and archives removed as there;
 * - this machine's Node 20 where the official image has it: /usr/local/bin/node,
 *   /usr/local/lib/node_modules/npm, and the npm and npx links in /usr/local/bin;
 * - the official image's `node` user and group, uid and gid 1000;
 * - for the test only, because the npm registry is reached through a
 *   TLS-intercepting proxy here: this machine's CA bundle, a global npmrc
 *   `cafile=` and NODE_EXTRA_CA_CERTS (the real base needs none of them).
 *
 * It lives in podman storage of its own under the cache directory (default
 * $TMPDIR/tracknum-test-cache, or TRACKNUM_TEST_CACHE), so it neither
 * replaces nor sees the machine's other images, and survives between runs:
 * debootstrap runs once, and the stand-in is imported again only when node,
 * npm or the CA bundle changed. Delete the directory for a cold start.
 *
 * By hand: `node --import tsx test/deploy/standInBase.ts` makes the stand-in
 * and prints the podman command line to build the Dockerfile with it.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CACHE_DIR = resolve(process.env['TRACKNUM_TEST_CACHE'] || join(tmpdir(), 'tracknum-test-cache'));
const MIRROR = process.env['DEBOOTSTRAP_MIRROR'] || 'http://deb.debian.org/debian';
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const LABEL = 'tracknum.test.stand-in';

/**
 * podman's global options: storage of the test's own under the cache
 * directory (state that must not outlive a reboot under /run), and runc with
 * cgroupfs, since crun fails here ("cgroups in hybrid mode not supported").
 */
function podmanOptions(cacheDir = CACHE_DIR): string[] {
  const run = join('/run/tracknum-test-podman', createHash('sha256').update(cacheDir).digest('hex').slice(0, 12));
  return [
    '--root',
    join(cacheDir, 'podman-storage'),
    '--runroot',
    join(run, 'runroot'),
    '--tmpdir',
    join(run, 'tmp'),
    '--runtime',
    'runc',
    '--cgroup-manager',
    'cgroupfs',
    '--events-backend',
    'file',
  ];
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: readonly string[], options: SpawnSyncOptions = {}): Run {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 2 ** 20, ...options });
  if (result.error !== undefined) return { status: null, stdout: '', stderr: result.error.message };
  return { status: result.status, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
}

export function podman(args: readonly string[], options: SpawnSyncOptions = {}): Run {
  return run('podman', [...podmanOptions(), ...args], options);
}

function check(what: string, result: Run): Run {
  if (result.status !== 0) {
    throw new Error(`${what} failed (exit ${result.status}):\n${(result.stderr + result.stdout).slice(-4000)}`);
  }
  return result;
}

/** The official name podman gives a Docker Hub short name: node:20-bookworm-slim -> docker.io/library/node:20-bookworm-slim. */
export function officialName(from: string): string {
  const [first] = from.split('/');
  if (from.includes('/') && first !== undefined && (first.includes('.') || first.includes(':'))) return from;
  return `docker.io/${from.includes('/') ? from : `library/${from}`}`;
}

export interface StandInReport {
  image: string;
  /** Seconds spent on debootstrap, or 0 when the cached root file system was used. */
  debootstrapSeconds: number;
  /** Seconds spent importing the stand-in, or 0 when the one in the cache was current. */
  importSeconds: number;
}

/** The debootstrapped Debian 12 root file system, as a tar file in the cache (made once). */
function bookwormRootfs(cacheDir: string): { tar: string; seconds: number } {
  const tar = join(cacheDir, 'bookworm-minbase.tar');
  if (existsSync(tar)) return { tar, seconds: 0 };
  const started = performance.now();
  const dir = join(cacheDir, `bookworm-minbase.${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  try {
    check(
      `debootstrap --variant=minbase bookworm (mirror ${MIRROR})`,
      run('debootstrap', ['--variant=minbase', 'bookworm', dir, MIRROR], { timeout: 900_000 }),
    );
    // As the official slim image: no apt lists or downloaded packages.
    for (const junk of ['var/lib/apt/lists', 'var/cache/apt/archives']) {
      rmSync(join(dir, junk), { recursive: true, force: true });
      mkdirSync(join(dir, junk, 'partial'), { recursive: true });
    }
    check('tar of the root file system', run('tar', ['-C', dir, '-cf', `${tar}.${process.pid}`, '.']));
    renameSync(`${tar}.${process.pid}`, tar);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${tar}.${process.pid}`, { force: true });
  }
  return { tar, seconds: (performance.now() - started) / 1000 };
}

/** Where this machine's npm is: next to node, as Debian's and NodeSource's packages and the official tarball lay it out. */
function npmDirectory(node: string): string {
  for (const candidate of [join(dirname(node), '../lib/node_modules/npm'), '/usr/lib/node_modules/npm']) {
    if (existsSync(join(candidate, 'bin/npm-cli.js'))) return resolve(candidate);
  }
  throw new Error(`no npm next to ${node} (looked in ../lib/node_modules/npm and /usr/lib/node_modules/npm)`);
}

/** Makes (or finds current in the cache) the stand-in for `image`, with the node running this process. */
export function ensureStandInBase(image: string, cacheDir = CACHE_DIR): StandInReport {
  mkdirSync(cacheDir, { recursive: true });
  const node = process.execPath;
  const npm = npmDirectory(node);
  const rootfs = bookwormRootfs(cacheDir);
  const rootfsStat = statSync(rootfs.tar);
  const npmVersion = (JSON.parse(readFileSync(join(npm, 'package.json'), 'utf8')) as { version: string }).version;
  const key = createHash('sha256')
    .update(
      JSON.stringify({
        rootfs: [rootfsStat.size, rootfsStat.mtimeMs],
        node: [process.version, statSync(node).size, statSync(node).mtimeMs],
        npmVersion,
        ca: existsSync(CA_BUNDLE) ? createHash('sha256').update(readFileSync(CA_BUNDLE)).digest('hex') : '',
        layout: 1,
      }),
    )
    .digest('hex')
    .slice(0, 16);
  const current = podman(['image', 'inspect', '--format', `{{index .Labels "${LABEL}"}}`, image]);
  if (current.status === 0 && current.stdout.trim() === key) {
    return { image, debootstrapSeconds: rootfs.seconds, importSeconds: 0 };
  }

  const started = performance.now();
  const dir = join(cacheDir, `stand-in.${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  try {
    check('untar the root file system', run('tar', ['-C', dir, '-xf', rootfs.tar]));
    // Node where the official image has it.
    mkdirSync(join(dir, 'usr/local/bin'), { recursive: true });
    mkdirSync(join(dir, 'usr/local/lib/node_modules'), { recursive: true });
    copyFileSync(node, join(dir, 'usr/local/bin/node'));
    chmodSync(join(dir, 'usr/local/bin/node'), 0o755);
    cpSync(npm, join(dir, 'usr/local/lib/node_modules/npm'), { recursive: true, verbatimSymlinks: true });
    symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(dir, 'usr/local/bin/npm'));
    symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(dir, 'usr/local/bin/npx'));
    // The official image's user: groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
    appendFileSync(join(dir, 'etc/group'), 'node:x:1000:\n');
    appendFileSync(join(dir, 'etc/passwd'), 'node:x:1000:1000::/home/node:/bin/bash\n');
    appendFileSync(join(dir, 'etc/shadow'), 'node:!:20000:0:99999:7:::\n');
    mkdirSync(join(dir, 'home/node'), { recursive: true });
    check('chown /home/node', run('chown', ['1000:1000', join(dir, 'home/node')]));
    // Test only: trust the TLS-intercepting proxy between this machine and the npm registry.
    const changes: string[] = [];
    if (existsSync(CA_BUNDLE)) {
      mkdirSync(join(dir, 'etc/ssl/certs'), { recursive: true });
      copyFileSync(CA_BUNDLE, join(dir, CA_BUNDLE));
      mkdirSync(join(dir, 'usr/local/etc'), { recursive: true });
      writeFileSync(join(dir, 'usr/local/etc/npmrc'), `cafile=${CA_BUNDLE}\n`);
      changes.push(`ENV NODE_EXTRA_CA_CERTS=${CA_BUNDLE}`);
    }
    changes.push(
      'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      `ENV NODE_VERSION=${process.versions.node}`,
      'CMD ["node"]',
      `LABEL ${LABEL}=${key}`,
    );
    const tar = join(cacheDir, `stand-in.${process.pid}.tar`);
    try {
      check('tar of the stand-in', run('tar', ['-C', dir, '-cf', tar, '.']));
      check(
        `podman import ${image}`,
        podman(['import', ...changes.flatMap((change) => ['--change', change]), tar, image]),
      );
    } finally {
      rmSync(tar, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // The stand-in it replaces, if any, is now untagged.
  podman(['image', 'prune', '--force']);
  return { image, debootstrapSeconds: rootfs.seconds, importSeconds: (performance.now() - started) / 1000 };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const image = officialName(process.argv[2] ?? 'node:20-bookworm-slim');
  const report = ensureStandInBase(image);
  console.log(JSON.stringify(report));
  console.log(`build with: podman ${podmanOptions().join(' ')} build --pull=never -t tracknum .`);
}
