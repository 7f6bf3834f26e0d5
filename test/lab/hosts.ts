/**
 * Processes on the lab's hosts: each runs inside its host's network namespace
 * with `ip netns exec` (which execs, so the child's pid is the process's own
 * and signals reach it directly). Output goes to one log file per host in the
 * run directory; tracknum's JSON lines also go to the timeline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { etcdBinary } from '../helpers/etcd.js';
import { LIBFAKETIME } from '../helpers/faketime.js';
import { ROOT, startService, type Service } from '../helpers/service.js';
import type { NetHost } from './network.js';
import { toolPath } from './preflight.js';
import type { Timeline } from './timeline.js';

export const SERVICE_PORT = 3000;
export const ETCD_CLIENT_PORT = 2379;
const ETCD_PEER_PORT = 2380;
export const ETCD_PREFIX = '/tracknum-lab';
/** Seconds an instance goes on issuing after SIGTERM while /readyz says 503 (the guide's advice: above the check interval). */
const SHUTDOWN_DELAY_SECONDS = 3;

/** The log lines of tracknum that the checker reads; the rest stay in the log files only. */
const TRACKED_MESSAGES = new Set([
  'ready',
  'node ID lost: issuing goes on below the stored limit while a node ID is claimed again',
  'node ID held again; issuing under it',
  'lease keepalive failed; retrying',
  'lease renewed again',
  'signal received',
  'stopped',
]);

/**
 * Writes a 32-byte random key, as 64 hex characters, for TRACKING_NUMBER_KEY_FILE
 * (numbers will be encrypted with a key shared by every instance). Today's
 * service ignores the variable.
 */
export function writeKeyFile(directory: string): string {
  const file = join(directory, 'tracking-number.key');
  // One line per key generation, as `tracknum keygen` writes it: generation 0.
  writeFileSync(file, `0 ${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  return file;
}

export interface InstanceSettings {
  etcdEndpoints: string;
  leaseTtlSeconds: number;
  keyFile: string;
  /** libfaketime reads the clock offset from this file on every call. */
  clockFile: string;
}

/** Everything an instance is started with: the one place to change it. */
export function instanceEnv(settings: InstanceSettings): Record<string, string> {
  return {
    PORT: String(SERVICE_PORT),
    HOST: '0.0.0.0',
    WORKERS: '1',
    ETCD_ENDPOINTS: settings.etcdEndpoints,
    ETCD_PREFIX,
    ETCD_LEASE_TTL: String(settings.leaseTtlSeconds),
    SHUTDOWN_DELAY: String(SHUTDOWN_DELAY_SECONDS),
    TRACKING_NUMBER_KEY_FILE: settings.keyFile,
    LD_PRELOAD: LIBFAKETIME,
    FAKETIME_TIMESTAMP_FILE: settings.clockFile,
    FAKETIME_NO_CACHE: '1',
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
  };
}

/** Sets a host's wall clock offset for libfaketime ('+0', '+60s', '-30s'). */
export function setClock(clockFile: string, offsetSeconds: number): void {
  writeFileSync(clockFile, `${offsetSeconds >= 0 ? '+' : ''}${offsetSeconds}s\n`);
}

export interface Running {
  host: string;
  role: 'etcd' | 'instance' | 'haproxy' | 'nginx';
  child: ChildProcess;
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops the process with `signal` and waits for its exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export class Hosts {
  readonly #logDir: string;
  readonly #timeline: Timeline;
  readonly #streams = new Map<string, WriteStream>();
  readonly running = new Set<Running>();

  constructor(runDir: string, timeline: Timeline) {
    this.#logDir = join(runDir, 'logs');
    mkdirSync(this.#logDir, { recursive: true });
    this.#timeline = timeline;
  }

  #logFile(host: string): WriteStream {
    let stream = this.#streams.get(host);
    if (stream === undefined) {
      stream = createWriteStream(join(this.#logDir, `${host}.log`), { flags: 'a' });
      this.#streams.set(host, stream);
    }
    return stream;
  }

  #track(host: string, role: Running['role'], child: ChildProcess, onLine?: (line: string) => void): Running {
    const stream = this.#logFile(host);
    // Output can still come after the log files were closed at the end.
    const file = { write: (data: string | Buffer): void => void (stream.writableEnded || stream.write(data)) };
    const pid = child.pid ?? -1;
    file.write(`--- ${role} pid ${pid} started at ${(this.#timeline.now() / 1000).toFixed(3)} s\n`);
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      file.write(chunk);
      if (onLine === undefined) return;
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        onLine(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => file.write(chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve({ code: child.exitCode, signal: child.signalCode });
        return;
      }
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    const running: Running = {
      host,
      role,
      child,
      pid,
      exited,
      stop: (signal = 'SIGTERM') => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        return exited;
      },
    };
    this.running.add(running);
    void exited.then(({ code, signal }) => {
      this.running.delete(running);
      file.write(
        `--- ${role} pid ${pid} exited (${signal ?? code}) at ${(this.#timeline.now() / 1000).toFixed(3)} s\n`,
      );
      this.#timeline.add({ type: 'exited', host, pid, code, signal });
    });
    return running;
  }

  #spawn(host: NetHost, role: Running['role'], command: string, args: string[], onLine?: (line: string) => void) {
    const child = spawn('ip', ['netns', 'exec', host.netns, command, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return this.#track(host.name, role, child, onLine);
  }

  /** Starts etcd member `host` of the cluster `members` (names with their hosts); resolves once it runs. */
  /** `preVote`: etcd's --pre-vote (off by default in 3.4, on in 3.5). */
  startEtcd(host: NetHost, members: readonly NetHost[], dataRoot: string, token: string, preVote = false): Running {
    const url = (h: NetHost, port: number): string => `http://${h.address}:${port}`;
    const running = this.#spawn(host, 'etcd', etcdBinary(), [
      `--name=${host.name}`,
      `--data-dir=${join(dataRoot, host.name)}`,
      `--listen-client-urls=${url(host, ETCD_CLIENT_PORT)}`,
      `--advertise-client-urls=${url(host, ETCD_CLIENT_PORT)}`,
      `--listen-peer-urls=${url(host, ETCD_PEER_PORT)}`,
      `--initial-advertise-peer-urls=${url(host, ETCD_PEER_PORT)}`,
      `--initial-cluster=${members.map((m) => `${m.name}=${url(m, ETCD_PEER_PORT)}`).join(',')}`,
      `--initial-cluster-token=${token}`,
      '--initial-cluster-state=new',
      '--logger=zap',
      '--log-level=warn',
      ...(preVote ? ['--pre-vote=true'] : []),
    ]);
    this.#timeline.add({ type: 'started', host: host.name, pid: running.pid, role: 'etcd' });
    return running;
  }

  /** Starts a tracknum instance on `host` and resolves once it is ready (the test helper's way). */
  async startInstance(host: NetHost, env: Record<string, string>, stateDir: string): Promise<Running> {
    const service: Service = await startService({
      command: ['ip', 'netns', 'exec', host.netns, process.execPath, '--import', 'tsx', join(ROOT, 'src/main.ts')],
      env,
      stateDir,
    });
    const onLine = (text: string): void => {
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return;
      }
      const msg = typeof line['msg'] === 'string' ? line['msg'] : '';
      if (!TRACKED_MESSAGES.has(msg)) return;
      this.#timeline.add({
        type: 'log',
        host: host.name,
        pid: service.child.pid ?? -1,
        msg,
        ...(typeof line['nodeId'] === 'number' ? { nodeId: line['nodeId'] } : {}),
        ...(typeof line['reason'] === 'string' ? { reason: line['reason'] } : {}),
      });
    };
    const file = this.#logFile(host.name);
    // What arrived before the helper saw 'ready' is in its parsed logs.
    for (const line of service.logs) file.write(`${JSON.stringify(line)}\n`);
    const readyLine = service.logs.find((l) => l.msg === 'ready');
    const nodeId = typeof readyLine?.['nodeId'] === 'number' ? readyLine['nodeId'] : undefined;
    this.#timeline.add({
      type: 'started',
      host: host.name,
      pid: service.child.pid ?? -1,
      role: 'instance',
      ...(nodeId === undefined ? {} : { nodeId }),
    });
    return this.#track(host.name, 'instance', service.child, onLine);
  }

  startHaproxy(host: NetHost, configFile: string): Running {
    const haproxyLine = /Server (\S+) is (UP|DOWN)/;
    let buffered = '';
    const running = this.#spawn(host, 'haproxy', toolPath('haproxy'), ['-db', '-f', configFile]);
    // HAProxy says on standard error when a server goes DOWN or UP: the health checks at work.
    running.child.stderr?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        const match = haproxyLine.exec(line);
        if (match !== null) this.#timeline.add({ type: 'haproxy', server: match[1]!, state: match[2]!, line });
      }
    });
    return running;
  }

  startNginx(host: NetHost, configFile: string, prefixDir: string): Running {
    return this.#spawn(host, 'nginx', toolPath('nginx'), ['-e', 'stderr', '-p', prefixDir, '-c', configFile]);
  }

  /** SIGKILLs every process still running and closes the log files. */
  async killAll(): Promise<void> {
    await Promise.all([...this.running].map((r) => r.stop('SIGKILL')));
    const streams = [...this.#streams.values()];
    this.#streams.clear();
    await Promise.all(streams.map((s) => new Promise<void>((resolve) => s.end(() => resolve()))));
  }
}
