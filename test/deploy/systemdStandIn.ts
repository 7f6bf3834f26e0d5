/**
 * A stand-in for systemctl and journalctl, for the procedures test
 * (procedures.test.ts): systemd is not PID 1 on the test machines, so the
 * printed `sudo systemctl start tracknum` runs this instead, inside the test
 * machine's namespaces (machines.ts). It does what systemd does with the
 * settings the units of this project use, read from the installed unit and
 * its drop-ins, so that a drop-in or an environment file written wrong by a
 * procedure fails here too:
 *
 * - the unit from /etc/systemd/system, else /lib/systemd/system, then its
 *   drop-ins (/etc/systemd/system/NAME.service.d/*.conf, in name order); an
 *   empty assignment resets a list, as in systemd;
 * - `Environment=`, `EnvironmentFile=` (`-` for optional), the specifiers
 *   %H, %p, %n and %%;
 * - `User=`, or `DynamicUser=yes` (a fixed uid of systemd's dynamic range);
 * - `StateDirectory=` and `StateDirectoryMode=`: /var/lib/NAME, under
 *   /var/lib/private with a symbolic link for a dynamic user, chowned to the
 *   service's user at every start as systemd does; `$STATE_DIRECTORY`;
 * - `LoadCredential=ID:PATH`: PATH copied to /run/credentials/UNIT/ID, mode
 *   0400, the service's user's; a missing PATH fails the start, as in systemd
 *   (status 243/CREDENTIALS); `$CREDENTIALS_DIRECTORY`;
 * - `ExecStart=` with `$VAR` and `${VAR}` expanded; `ExecStartPost=` run
 *   after it, as the service's user, and a failure stops the service and
 *   fails the start; `Type=notify` only for etcd, whose readiness is its
 *   /health (what it notifies systemd of);
 * - stop: `KillSignal=`, then SIGKILL after `TimeoutStopSec=`.
 *
 * Not emulated: the sandbox (ProtectSystem= and the rest; the install test
 * checks the system call filter with strace), Restart=, cgroups.
 *
 *   systemctl start|stop|restart|status|is-active|daemon-reload|enable|disable UNIT...
 *   journalctl -u UNIT [-o cat]
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The uid and gid a `DynamicUser=yes` service runs as here (systemd picks one in 61184..65519). */
export const DYNAMIC_UID = 61_999;
const RUN_DIR = '/run/systemd-stand-in';
const JOURNAL_DIR = '/var/log/journal-stand-in';
const SERVICE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

type Unit = Map<string, string[]>;

function fail(message: string, status = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(status);
}

const unitName = (name: string): string => (name.includes('.') ? name : `${name}.service`);

/** The unit's settings, `[Section] Key=value` read as `Key` (this project's units repeat no key across sections). */
function loadUnit(name: string): Unit {
  const full = unitName(name);
  const file = ['/etc/systemd/system', '/lib/systemd/system']
    .map((dir) => join(dir, full))
    .find((path) => existsSync(path));
  if (file === undefined) fail(`Failed to start ${full}: Unit ${full} not found.`, 5);
  const dropInDir = `/etc/systemd/system/${full}.d`;
  const dropIns = existsSync(dropInDir)
    ? readdirSync(dropInDir)
        .filter((entry) => entry.endsWith('.conf'))
        .sort()
        .map((entry) => join(dropInDir, entry))
    : [];
  const unit: Unit = new Map();
  const prefix = full.replace(/\.service$/, '');
  const specifiers = (value: string): string =>
    value.replace(/%([%Hpn])/g, (_, c: string) => ({ '%': '%', H: hostname(), p: prefix, n: full })[c] ?? '');
  for (const path of [file, ...dropIns]) {
    // Backslash continuations joined, comments and section headers dropped.
    const text = readFileSync(path, 'utf8').replace(/\\\n/g, ' ');
    for (const line of text.split('\n')) {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';') || trimmed.startsWith('[')) continue;
      const at = trimmed.indexOf('=');
      if (at < 0) fail(`${path}: not a setting: ${trimmed}`);
      const key = trimmed.slice(0, at).trim();
      const value = specifiers(trimmed.slice(at + 1).trim());
      if (value === '') unit.set(key, []);
      else unit.set(key, [...(unit.get(key) ?? []), value]);
    }
  }
  return unit;
}

const last = (unit: Unit, key: string): string | undefined => unit.get(key)?.at(-1);

/** Words of a command line or an assignment list: spaces separate, double or single quotes group. */
function words(text: string): string[] {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

function parseEnvironmentFile(path: string, env: Record<string, string>): void {
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(trimmed);
    if (match === null) fail(`${path}: not an assignment: ${trimmed}`);
    env[match[1]!] = match[2]!.replace(/^"(.*)"$|^'(.*)'$/, '$1$2');
  }
}

interface Service {
  name: string;
  unit: Unit;
  env: Record<string, string>;
  uid: number;
  gid: number;
}

function idOf(user: string, flag: '-u' | '-g'): number {
  const found = spawnSync('id', [flag, user], { encoding: 'utf8' });
  if (found.status !== 0) fail(`User=${user}: no such user`, 217);
  return Number(found.stdout.trim());
}

/** The service's environment and user, its state directory and credentials made. */
function prepare(name: string): Service {
  const unit = loadUnit(name);
  const full = unitName(name);
  const env: Record<string, string> = { PATH: SERVICE_PATH, LANG: 'C.UTF-8' };
  for (const line of unit.get('Environment') ?? []) {
    for (const assignment of words(line)) {
      const at = assignment.indexOf('=');
      env[assignment.slice(0, at)] = assignment.slice(at + 1);
    }
  }
  for (const line of unit.get('EnvironmentFile') ?? []) {
    const optional = line.startsWith('-');
    const path = optional ? line.slice(1) : line;
    if (existsSync(path)) parseEnvironmentFile(path, env);
    else if (!optional) fail(`Failed to load environment files: ${path}`, 226);
  }
  const dynamic = last(unit, 'DynamicUser') === 'yes';
  const user = last(unit, 'User');
  const uid = dynamic ? DYNAMIC_UID : user === undefined ? 0 : idOf(user, '-u');
  const gid = dynamic ? DYNAMIC_UID : user === undefined ? 0 : idOf(user, '-g');

  const stateDirectory = last(unit, 'StateDirectory');
  if (stateDirectory !== undefined) {
    const mode = parseInt(last(unit, 'StateDirectoryMode') ?? '0755', 8);
    const visible = join('/var/lib', stateDirectory);
    let real = visible;
    if (dynamic) {
      // systemd keeps a dynamic user's state under /var/lib/private (0700), reached through the link; the
      // service sees it through a mount of its own. Here /var/lib/private is 0711 so that the link resolves.
      mkdirSync('/var/lib/private', { recursive: true });
      chmodSync('/var/lib/private', 0o711);
      real = join('/var/lib/private', stateDirectory);
      mkdirSync(real, { recursive: true });
      if (!existsSync(visible)) symlinkSync(join('private', stateDirectory), visible);
    } else {
      mkdirSync(real, { recursive: true });
    }
    // Owned by the service's user, recursively, as systemd does at each start (a dynamic uid may change).
    spawnSync('chown', ['-R', `${uid}:${gid}`, real]);
    chmodSync(real, mode);
    env['STATE_DIRECTORY'] = visible;
  }

  const credentials = unit.get('LoadCredential') ?? [];
  if (credentials.length > 0) {
    mkdirSync('/run/credentials', { recursive: true, mode: 0o755 });
    const dir = join('/run/credentials', full);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o500 });
    for (const credential of credentials) {
      const at = credential.indexOf(':');
      const [id, source] = [credential.slice(0, at), credential.slice(at + 1)];
      if (!existsSync(source) || !lstatSync(source).isFile()) {
        rmSync(dir, { recursive: true, force: true });
        fail(
          `Job for ${full} failed: ${full}: Failed to set up credentials: No such file or directory (LoadCredential=${credential}); ` +
            'status=243/CREDENTIALS',
        );
      }
      copyFileSync(source, join(dir, id));
      chmodSync(join(dir, id), 0o400);
      chownSync(join(dir, id), uid, gid);
    }
    chownSync(dir, uid, gid);
    env['CREDENTIALS_DIRECTORY'] = dir;
  }
  return { name: full, unit, env, uid, gid };
}

/** A command line of the unit, `$VAR` split into words and `${VAR}` kept as one, as systemd expands them. */
function commandLine(line: string, env: Record<string, string>): string[] {
  const command = line.replace(/^[-@+!:]+/, '');
  return words(command).flatMap((word) => {
    const whole = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(word);
    if (whole !== null) return (env[whole[1]!] ?? '').split(/\s+/).filter(Boolean);
    return [word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, key: string) => env[key] ?? '')];
  });
}

const pidFile = (name: string): string => join(RUN_DIR, `${unitName(name)}.pid`);
const journalFile = (name: string): string => join(JOURNAL_DIR, `${unitName(name)}.log`);

function runningPid(name: string): number | undefined {
  if (!existsSync(pidFile(name))) return undefined;
  const pid = Number(readFileSync(pidFile(name), 'utf8'));
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  // A zombie (exited, not reaped: its parent was this stand-in, long gone, so init reaps it) counts as gone.
  const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return state === 'Z' ? undefined : pid;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function seconds(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const match = /^(\d+)\s*(s|sec|min)?$/.exec(text);
  if (match === null) return fallback;
  return Number(match[1]) * (match[2] === 'min' ? 60 : 1);
}

async function stop(name: string): Promise<void> {
  const pid = runningPid(name);
  rmSync(pidFile(name), { force: true });
  if (pid === undefined) return;
  const unit = loadUnit(name);
  const signal = (last(unit, 'KillSignal') ?? 'SIGTERM') as NodeJS.Signals;
  process.kill(pid, signal);
  const deadline = Date.now() + seconds(last(unit, 'TimeoutStopSec'), 90) * 1000;
  while (runningPid(name) === pid || isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await sleep(100);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return state !== 'Z';
  } catch {
    return false;
  }
}

/** etcd's readiness, which it notifies systemd of: its /health on the first client URL it advertises. */
async function waitEtcdHealthy(service: Service, pid: number): Promise<void> {
  const url = (service.env['ETCD_ADVERTISE_CLIENT_URLS'] ?? 'http://127.0.0.1:2379').split(',')[0]!;
  const deadline = Date.now() + seconds(last(service.unit, 'TimeoutStartSec'), 90) * 1000;
  for (;;) {
    if (!isAlive(pid)) throw new Error(`${service.name}: main process exited before it was ready`);
    try {
      const answer = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      if (((await answer.json()) as { health?: string }).health === 'true') return;
    } catch {
      // Not up yet.
    }
    if (Date.now() > deadline) throw new Error(`${service.name}: not ready (${url}/health)`);
    await sleep(200);
  }
}

async function start(name: string): Promise<void> {
  if (runningPid(name) !== undefined) return;
  const service = prepare(name);
  const execStart = service.unit.get('ExecStart') ?? [];
  if (execStart.length !== 1) fail(`${service.name}: needs exactly one ExecStart=`);
  const [command, ...args] = commandLine(execStart[0]!, service.env);
  mkdirSync(RUN_DIR, { recursive: true });
  mkdirSync(JOURNAL_DIR, { recursive: true });
  const journal = openSync(journalFile(name), 'a');
  const child = spawn(command!, args, {
    cwd: '/',
    env: service.env,
    uid: service.uid,
    gid: service.gid,
    detached: true,
    stdio: ['ignore', journal, journal],
  });
  const pid = child.pid;
  if (pid === undefined) fail(`${service.name}: cannot run ${command}`, 203);
  child.unref();
  writeFileSync(pidFile(name), String(pid));
  try {
    if (last(service.unit, 'Type') === 'notify') {
      if (!/etcd/.test(command!)) throw new Error(`${service.name}: Type=notify is emulated for etcd only`);
      await waitEtcdHealthy(service, pid);
    }
    for (const line of service.unit.get('ExecStartPost') ?? []) {
      const [postCommand, ...postArgs] = commandLine(line, service.env);
      const post = spawn(postCommand!, postArgs, {
        cwd: '/',
        env: service.env,
        uid: service.uid,
        gid: service.gid,
        stdio: ['ignore', journal, journal],
      });
      const status = await new Promise<number | null>((resolve) => {
        post.once('exit', (code) => resolve(code));
        const watch = setInterval(() => {
          if (!isAlive(pid)) {
            clearInterval(watch);
            post.kill('SIGKILL');
          }
        }, 200);
        post.once('exit', () => clearInterval(watch));
      });
      if (status !== 0) throw new Error(`${service.name}: ExecStartPost= ${postCommand} exited ${status}`);
    }
  } catch (error) {
    await stop(name);
    const tail = readFileSync(journalFile(name), 'utf8').trim().split('\n').slice(-5).join('\n');
    fail(
      `Job for ${service.name} failed because the control process exited with error code.\n${(error as Error).message}\n${tail}`,
    );
  }
}

async function systemctl(argv: string[]): Promise<void> {
  const [verb = '', ...units] = argv.filter((arg) => !arg.startsWith('-'));
  switch (verb) {
    case 'daemon-reload':
    case 'enable':
    case 'disable':
      return;
    case 'start':
      for (const unit of units) await start(unit);
      return;
    case 'stop':
      for (const unit of units) await stop(unit);
      return;
    case 'restart':
      for (const unit of units) {
        await stop(unit);
        await start(unit);
      }
      return;
    case 'is-active': {
      const active = units.every((unit) => runningPid(unit) !== undefined);
      process.stdout.write(`${active ? 'active' : 'inactive'}\n`);
      process.exit(active ? 0 : 3);
      return;
    }
    case 'status': {
      let allActive = true;
      for (const unit of units) {
        const pid = runningPid(unit);
        allActive &&= pid !== undefined;
        const description = last(loadUnit(unit), 'Description') ?? '';
        process.stdout.write(
          `● ${unitName(unit)} - ${description}\n     Active: ${pid === undefined ? 'inactive (dead)' : `active (running)\n   Main PID: ${pid}`}\n`,
        );
      }
      process.exit(allActive ? 0 : 3);
      return;
    }
    default:
      fail(`systemctl stand-in: '${verb}' is not emulated`);
  }
}

function journalctl(argv: string[]): void {
  const at = argv.indexOf('-u');
  const unit = at >= 0 ? argv[at + 1] : undefined;
  if (unit === undefined) fail('journalctl stand-in: give -u UNIT');
  if (existsSync(journalFile(unit))) process.stdout.write(readFileSync(journalFile(unit)));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [tool, ...argv] = process.argv.slice(2);
  if (tool === 'systemctl') await systemctl(argv);
  else if (tool === 'journalctl') journalctl(argv);
  else fail(`usage: systemdStandIn.ts systemctl|journalctl ARGS`);
}
