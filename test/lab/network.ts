/**
 * The lab's network: one network namespace per host, each with a veth pair
 * whose outer end is on a bridge of the lab's own, and an address in
 * 198.18.0.0/15 (reserved for benchmarking). The bridge has an address too, so
 * that the controller (this process, in the root namespace) reaches every host.
 *
 * Faults are iptables rules inside host namespaces, never on the bridge or in
 * the root namespace, so the controller's view stays intact unless a fault
 * isolates a host from everything.
 *
 * Every name starts with `tnl<pid>` (interface names have a 15-character
 * limit), so that a later run can find and remove what an interrupted one
 * left behind, and leave alone what a live run owns.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const NAME_PREFIX = 'tnl';
const OWNER = /^tnl(\d+)/;

export interface NetHost {
  /** Short name: `e1`, `t2`, `lbh`... */
  name: string;
  netns: string;
  address: string;
}

/** Runs a command and throws with its output when it fails. */
function runSync(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error !== undefined) throw new Error(`${command} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.trim()}`);
  return result.stdout;
}

async function run(command: string, args: readonly string[]): Promise<void> {
  try {
    await execFileAsync(command, [...args]);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr.trim() || (error as Error).message}`, {
      cause: error,
    });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Kills every process inside a namespace (SIGKILL). */
function killNetnsProcesses(netns: string): void {
  const result = spawnSync('ip', ['netns', 'pids', netns], { encoding: 'utf8' });
  for (const pid of (result.stdout ?? '').split(/\s+/).filter((p) => p !== '')) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

function listNetns(): string[] {
  const result = spawnSync('ip', ['-j', 'netns', 'list'], { encoding: 'utf8' });
  if (result.status !== 0 || result.stdout.trim() === '') return [];
  return (JSON.parse(result.stdout) as { name: string }[]).map((n) => n.name);
}

function listLinks(): string[] {
  const result = spawnSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' });
  if (result.status !== 0 || result.stdout.trim() === '') return [];
  return (JSON.parse(result.stdout) as { ifname: string }[]).map((l) => l.ifname);
}

/**
 * Removes namespaces (with their processes) and interfaces that carry the
 * lab's prefix and belong to a run whose process is gone. Returns what it removed.
 */
export function removeLeftovers(): string[] {
  const removed: string[] = [];
  const stale = (name: string): boolean => {
    const owner = OWNER.exec(name)?.[1];
    return owner !== undefined && Number(owner) !== process.pid && !isAlive(Number(owner));
  };
  for (const netns of listNetns().filter(stale)) {
    killNetnsProcesses(netns);
    spawnSync('ip', ['netns', 'del', netns]);
    removed.push(`netns ${netns}`);
  }
  for (const link of listLinks().filter(stale)) {
    spawnSync('ip', ['link', 'del', link]);
    removed.push(`link ${link}`);
  }
  return removed;
}

/** A /24 in 198.18.0.0/15 that no interface of the root namespace uses yet. */
function freeSubnet(): string {
  const used = new Set(
    [...runSync('ip', ['-4', '-o', 'addr', 'show']).matchAll(/inet (198\.1[89]\.\d+)\.\d+/g)].map((m) => m[1]),
  );
  for (let i = 0; i < 512; i += 1) {
    const index = (process.pid + i) % 512;
    const subnet = `198.${18 + (index >> 8)}.${index & 255}`;
    if (!used.has(subnet)) return subnet;
  }
  throw new Error('no free /24 left in 198.18.0.0/15');
}

export type Direction = 'both' | 'in' | 'out';

export class LabNetwork {
  readonly prefix = `${NAME_PREFIX}${process.pid}`;
  readonly bridge = `${this.prefix}br`;
  readonly subnet: string;
  /** The bridge's address: where the controller and its clients come from. */
  readonly controllerAddress: string;
  readonly hosts = new Map<string, NetHost>();
  #nextHost = 10;
  #destroyed = false;

  constructor() {
    this.subnet = freeSubnet();
    this.controllerAddress = `${this.subnet}.1`;
    runSync('ip', ['link', 'add', this.bridge, 'type', 'bridge']);
    runSync('ip', ['addr', 'add', `${this.controllerAddress}/24`, 'dev', this.bridge]);
    runSync('ip', ['link', 'set', this.bridge, 'up']);
  }

  /** Makes a host: a namespace with loopback up and `eth0` on the bridge. */
  addHost(name: string): NetHost {
    const netns = `${this.prefix}-${name}`;
    const outer = netns;
    const inner = `${this.prefix}p${this.#nextHost}`;
    if (outer.length > 15 || inner.length > 15) throw new Error(`interface name ${outer} is too long`);
    const address = `${this.subnet}.${this.#nextHost}`;
    this.#nextHost += 1;
    runSync('ip', ['netns', 'add', netns]);
    const host: NetHost = { name, netns, address };
    this.hosts.set(name, host);
    runSync('ip', ['link', 'add', outer, 'type', 'veth', 'peer', 'name', inner]);
    runSync('ip', ['link', 'set', outer, 'master', this.bridge]);
    runSync('ip', ['link', 'set', outer, 'up']);
    runSync('ip', ['link', 'set', inner, 'netns', netns]);
    const inNs = (...args: string[]): string => runSync('ip', ['netns', 'exec', netns, ...args]);
    inNs('ip', 'link', 'set', inner, 'name', 'eth0');
    inNs('ip', 'addr', 'add', `${address}/24`, 'dev', 'eth0');
    inNs('ip', 'link', 'set', 'eth0', 'up');
    inNs('ip', 'link', 'set', 'lo', 'up');
    return host;
  }

  host(name: string): NetHost {
    const host = this.hosts.get(name);
    if (host === undefined) throw new Error(`no host ${name}`);
    return host;
  }

  async #iptables(host: NetHost, ...args: string[]): Promise<void> {
    await run('ip', ['netns', 'exec', host.netns, 'iptables', '-w', ...args]);
  }

  /**
   * Drops traffic between `host` and each of `peers` (addresses), inside
   * `host`'s namespace: `out` drops what it sends to them, `in` what they send
   * to it, `both` both.
   */
  async cut(hostName: string, peers: readonly string[], direction: Direction = 'both'): Promise<void> {
    const host = this.host(hostName);
    for (const peer of peers) {
      if (direction !== 'in') await this.#iptables(host, '-A', 'OUTPUT', '-d', peer, '-j', 'DROP');
      if (direction !== 'out') await this.#iptables(host, '-A', 'INPUT', '-s', peer, '-j', 'DROP');
    }
  }

  /** Drops everything `host` sends or receives except on loopback. */
  async isolate(hostName: string): Promise<void> {
    const host = this.host(hostName);
    await this.#iptables(host, '-A', 'OUTPUT', '!', '-o', 'lo', '-j', 'DROP');
    await this.#iptables(host, '-A', 'INPUT', '!', '-i', 'lo', '-j', 'DROP');
  }

  /** Removes every rule the lab put into `host`'s namespace. */
  async heal(hostName: string): Promise<void> {
    const host = this.host(hostName);
    await this.#iptables(host, '-F', 'INPUT');
    await this.#iptables(host, '-F', 'OUTPUT');
  }

  async healAll(): Promise<void> {
    for (const name of this.hosts.keys()) await this.heal(name);
  }

  /** Kills whatever still runs in the namespaces, removes them and the bridge. Safe to call twice; synchronous, so it also works from an exit handler. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (const host of this.hosts.values()) killNetnsProcesses(host.netns);
    for (const host of this.hosts.values()) spawnSync('ip', ['netns', 'del', host.netns]);
    spawnSync('ip', ['link', 'del', this.bridge]);
  }
}
