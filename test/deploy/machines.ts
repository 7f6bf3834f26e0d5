/**
 * Machines for the procedures test, on this one: each a network namespace of
 * its own (loopback, and `eth0` on a bridge of the test's, with an address in
 * 198.19.0.0/16, reserved for benchmarking; a route out, masqueraded, for
 * npm), a host name of its own, and a
 * mount namespace in which /etc, /opt, /usr/local, /var, /run and /root are
 * overlays on this machine's, written to a directory of the test's. So a
 * procedure's commands run as printed, at their own paths (`/etc/tracknum`,
 * `/var/lib/tracknum`, port 3000), and change nothing of this machine; two
 * machines have their own files, port 3000 and host-wide locks (abstract unix
 * sockets belong to the network namespace).
 *
 * A machine lives as long as a `sleep` kept in its namespaces; commands enter
 * them with nsenter. On its PATH first: `sudo` (the test runs as root: it runs
 * its arguments), `ssh HOST COMMAND` (the command in that machine's
 * namespaces, in root's home, standard input passed on), and `systemctl` and
 * `journalctl`, which systemdStandIn.ts stands in for, since systemd is not
 * PID 1 here. Needs root, `ip` (iproute2), `iptables`, `unshare` and `nsenter` (util-linux).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/service.js';

/** The directories a machine has of its own: overlays on this machine's. */
const OVERLAID = ['/etc', '/opt', '/usr/local', '/var', '/run', '/root'];

/** A machine's environment beside PATH. */
const MACHINE_ENV = ['HOME=/root', 'LANG=C.UTF-8', 'TMPDIR=/var/tmp'];

export interface StepResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function must(command: string, args: readonly string[]): string {
  const ran = spawnSync(command, args, { encoding: 'utf8' });
  if (ran.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${ran.stderr}${ran.error ?? ''}`);
  return ran.stdout;
}

export class Machine {
  readonly name: string;
  readonly address: string;
  readonly netns: string;
  /** The test's directory of this machine: the overlays' upper and work directories. */
  readonly dir: string;
  #keeper: ChildProcess | undefined;

  constructor(name: string, address: string, netns: string, dir: string) {
    this.name = name;
    this.address = address;
    this.netns = netns;
    this.dir = dir;
  }

  get pid(): number {
    const pid = this.#keeper?.pid;
    if (pid === undefined) throw new Error(`machine ${this.name} is not running`);
    return pid;
  }

  /** Enters the namespaces and mounts the overlays; returns once the keeper sleeps in them. */
  async boot(): Promise<void> {
    const mounts = OVERLAID.map((path) => {
      const slug = path.slice(1).replace(/\//g, '_');
      const upper = join(this.dir, `${slug}.upper`);
      const work = join(this.dir, `${slug}.work`);
      mkdirSync(upper, { recursive: true });
      mkdirSync(work, { recursive: true });
      return `mount -t overlay overlay -o lowerdir=${path},upperdir=${upper},workdir=${work} ${path}`;
    });
    const script = [
      'set -e',
      ...mounts,
      `hostname ${this.name}`,
      // What install.sh checks before it runs systemctl: "systemd is running".
      'mkdir -p /run/systemd/system',
      'exec sleep infinity',
    ].join('\n');
    const keeper = spawn(
      'ip',
      ['netns', 'exec', this.netns, 'unshare', '--mount', '--uts', '--propagation', 'private', 'bash', '-c', script],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    keeper.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    this.#keeper = keeper;
    const deadline = Date.now() + 10_000;
    // ip, unshare and bash each exec the next: the keeper's pid ends as sleep's.
    while (readComm(keeper.pid) !== 'sleep') {
      if (keeper.exitCode !== null || Date.now() > deadline) {
        throw new Error(`machine ${this.name} did not boot: ${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * Runs a shell script on the machine, as root in root's home (or `cwd`),
   * with the machine's PATH (the stand-ins first), as bash with `-e -o pipefail`.
   */
  run(script: string, options: { cwd?: string; input?: string; timeoutMs?: number } = {}): StepResult {
    const ran = spawnSync(
      'nsenter',
      [
        '--target',
        String(this.pid),
        '--mount',
        '--uts',
        '--net',
        '--',
        'env',
        '-i',
        `PATH=${standInDir()}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
        ...MACHINE_ENV,
        'bash',
        '-e',
        '-o',
        'pipefail',
        '-c',
        `cd ${options.cwd ?? '/root'}\n${script}`,
      ],
      { encoding: 'utf8', input: options.input ?? '', timeout: options.timeoutMs ?? 180_000 },
    );
    return { status: ran.status, stdout: ran.stdout, stderr: `${ran.stderr}${ran.error ?? ''}` };
  }

  /** Like run(), but throws unless the script exits 0; returns its standard output. */
  must(script: string): string {
    const ran = this.run(script);
    if (ran.status !== 0) throw new Error(`on ${this.name}: ${script}\nexit ${ran.status}: ${ran.stderr}${ran.stdout}`);
    return ran.stdout;
  }

  /** Kills everything running on the machine (its network namespace's processes), then its keeper. */
  shutdown(): void {
    const pids = spawnSync('ip', ['netns', 'pids', this.netns], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    this.#keeper?.kill('SIGKILL');
  }
}

function readComm(pid: number | undefined): string {
  if (pid === undefined) return '';
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

let standIns = '';
/** The directory of the stand-ins (sudo, ssh, systemctl, journalctl), made once per test process. */
function standInDir(): string {
  if (standIns !== '') return standIns;
  standIns = mkdtempSync(join(tmpdir(), 'tracknum-stand-ins-'));
  chmodSync(standIns, 0o755);
  const loader = join(ROOT, 'node_modules/tsx/dist/loader.mjs');
  const standIn = join(ROOT, 'test/deploy/systemdStandIn.ts');
  const scripts: Record<string, string> = {
    // The test runs as root; `sudo VAR=value command` sets the variable, as sudo does.
    sudo: '#!/bin/sh\nexec env "$@"\n',
    systemctl: `#!/bin/sh\nexec ${process.execPath} --import ${loader} ${standIn} systemctl "$@"\n`,
    journalctl: `#!/bin/sh\nexec ${process.execPath} --import ${loader} ${standIn} journalctl "$@"\n`,
    // ssh HOST COMMAND...: the words joined, run by the remote shell in its home, as ssh does.
    ssh: [
      '#!/bin/bash',
      'host=$1; shift',
      `pidfile=${join(standIns, 'machines')}/$host.pid`,
      '[ -f "$pidfile" ] || { echo "ssh: Could not resolve hostname $host" >&2; exit 255; }',
      `exec nsenter --target "$(cat "$pidfile")" --mount --uts --net -- env -i PATH=${standIns}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin ${MACHINE_ENV.join(' ')} bash -c "cd /root; $*"`,
      '',
    ].join('\n'),
  };
  for (const [name, text] of Object.entries(scripts)) writeFileSync(join(standIns, name), text, { mode: 0o755 });
  mkdirSync(join(standIns, 'machines'));
  return standIns;
}

/** A bridge and the machines on it; shutdown() removes everything. */
export class Network {
  readonly subnet: string;
  readonly prefix: string;
  readonly machines = new Map<string, Machine>();
  readonly #dir: string;
  #forwarding = '1';

  constructor() {
    this.prefix = `tp${process.pid % 100_000}`;
    const used = must('ip', ['-4', '-o', 'addr', 'show']);
    let third = 20 + (process.pid % 200);
    while (used.includes(`198.19.${third}.`)) third = 20 + ((third + 1) % 200);
    this.subnet = `198.19.${third}`;
    this.#dir = mkdtempSync(join(tmpdir(), 'tracknum-machines-'));
    must('ip', ['link', 'add', this.bridge, 'type', 'bridge']);
    must('ip', ['addr', 'add', `${this.subnet}.1/24`, 'dev', this.bridge]);
    must('ip', ['link', 'set', this.bridge, 'up']);
    // A route out, as a real machine has (install.sh's npm ci reaches the npm registry): the bridge's traffic
    // to anywhere else is masqueraded. Forwarding is switched on only if it was off, and back at shutdown.
    this.#forwarding = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
    if (this.#forwarding !== '1') writeFileSync('/proc/sys/net/ipv4/ip_forward', '1');
    must('iptables', ['-t', 'nat', '-A', ...this.#masquerade]);
  }

  get #masquerade(): string[] {
    return [
      'POSTROUTING',
      '-s',
      `${this.subnet}.0/24`,
      '!',
      '-o',
      this.bridge,
      '-m',
      'comment',
      '--comment',
      `tracknum procedures test ${process.pid}`,
      '-j',
      'MASQUERADE',
    ];
  }

  get bridge(): string {
    return `${this.prefix}br`;
  }

  /** A machine named `name` with address `<subnet>.<lastOctet>`, booted. */
  async add(name: string, lastOctet: number): Promise<Machine> {
    const netns = `${this.prefix}-${name}`;
    const address = `${this.subnet}.${lastOctet}`;
    const outer = `${this.prefix}${name}`.slice(0, 15);
    must('ip', ['netns', 'add', netns]);
    must('ip', ['link', 'add', outer, 'type', 'veth', 'peer', 'name', `${outer}i`.slice(0, 15)]);
    must('ip', ['link', 'set', `${outer}i`.slice(0, 15), 'netns', netns]);
    must('ip', ['-n', netns, 'link', 'set', `${outer}i`.slice(0, 15), 'name', 'eth0']);
    must('ip', ['link', 'set', outer, 'master', this.bridge]);
    must('ip', ['link', 'set', outer, 'up']);
    must('ip', ['-n', netns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
    must('ip', ['-n', netns, 'link', 'set', 'eth0', 'up']);
    must('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    must('ip', ['-n', netns, 'route', 'add', 'default', 'via', `${this.subnet}.1`]);
    const dir = join(this.#dir, name);
    mkdirSync(dir);
    const machine = new Machine(name, address, netns, dir);
    await machine.boot();
    writeFileSync(join(standInDir(), 'machines', `${name}.pid`), String(machine.pid));
    this.machines.set(name, machine);
    return machine;
  }

  shutdown(): void {
    for (const machine of this.machines.values()) machine.shutdown();
    for (const machine of this.machines.values()) {
      spawnSync('ip', ['netns', 'del', machine.netns]);
      rmSync(join(standInDir(), 'machines', `${machine.name}.pid`), { force: true });
    }
    spawnSync('ip', ['link', 'del', this.bridge]);
    spawnSync('iptables', ['-t', 'nat', '-D', ...this.#masquerade]);
    if (this.#forwarding !== '1') writeFileSync('/proc/sys/net/ipv4/ip_forward', this.#forwarding);
    // The overlays' work directories hold entries only root may remove; the namespaces are gone, so are the mounts.
    if (existsSync(this.#dir)) rmSync(this.#dir, { recursive: true, force: true });
  }
}
