/**
 * What the lab needs before it touches anything: root, network namespaces,
 * and the tools it runs. Whatever is missing is said in one line, so that a
 * run never skips a part silently.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { LIBFAKETIME } from '../helpers/faketime.js';

const has = (command: string): boolean =>
  spawnSync('sh', ['-c', `command -v ${command} || test -x /usr/sbin/${command}`], { stdio: 'ignore' }).status === 0;

/** Where a tool is: on PATH, or in /usr/sbin (not on a non-root PATH). */
export function toolPath(command: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim();
  return found !== '' ? found : `/usr/sbin/${command}`;
}

export class LabUnavailable extends Error {}

/** Throws LabUnavailable with one line naming everything that is missing. */
export function preflight(): void {
  if (process.platform !== 'linux') {
    throw new LabUnavailable('tracknum lab: needs Linux with network namespaces (ip netns) and root');
  }
  if (process.getuid?.() !== 0) {
    throw new LabUnavailable(
      'tracknum lab: needs root (it makes network namespaces, veth pairs, a bridge and iptables rules): run it as root, e.g. sudo npm run lab',
    );
  }
  const missing = [
    has('ip') ? undefined : 'iproute2 (ip)',
    has('iptables') ? undefined : 'iptables',
    has('etcd') ? undefined : 'etcd-server (etcd)',
    has('haproxy') ? undefined : 'haproxy',
    has('nginx') ? undefined : 'nginx',
    existsSync(LIBFAKETIME) ? undefined : `faketime (${LIBFAKETIME})`,
  ].filter((m) => m !== undefined);
  if (missing.length > 0) {
    throw new LabUnavailable(`tracknum lab: missing ${missing.join(', ')}: run scripts/install-test-tools.sh as root`);
  }
  // Can this kernel (and this container, if any) make a network namespace?
  const probe = `tnl${process.pid}-probe`;
  const made = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (made.status !== 0) {
    throw new LabUnavailable(
      `tracknum lab: needs network namespaces, and "ip netns add" failed here: ${made.stderr.trim()}`,
    );
  }
  const iptables = spawnSync('ip', ['netns', 'exec', probe, 'iptables', '-w', '-S'], { encoding: 'utf8' });
  spawnSync('ip', ['netns', 'del', probe]);
  if (iptables.status !== 0) {
    throw new LabUnavailable(
      `tracknum lab: needs iptables inside network namespaces, and it failed here: ${iptables.stderr.trim()}`,
    );
  }
}
