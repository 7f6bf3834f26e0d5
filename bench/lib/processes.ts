/**
 * Servers under benchmark run as child processes: started, timed to their
 * `ready` log line, measured from /proc (resident memory and CPU time of the
 * whole process tree, i.e. a cluster's primary and workers too), and stopped by
 * process id.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

export interface RunningServer {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  /** Milliseconds from spawn to the `ready` line. */
  readonly readyMs: number;
  stop(): Promise<void>;
}

/**
 * Spawns `command` and resolves once it prints a JSON line with msg "ready"
 * (and a numeric port). Rejects, with its output, if it exits or is not ready in time.
 */
export function startServer(
  name: string,
  command: readonly string[],
  env: Record<string, string>,
  cwd: string,
  timeoutMs = 30_000,
): Promise<RunningServer> {
  const started = performance.now();
  const [file, ...args] = command;
  const child = spawn(file!, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
      reject(new Error(`${name}: ${why}\n${output.slice(-4000)}`));
    };
    const timer = setTimeout(() => fail(`not ready after ${timeoutMs} ms`), timeoutMs);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        output += `${line}\n`;
        let parsed: { msg?: unknown; port?: unknown };
        try {
          parsed = JSON.parse(line) as typeof parsed;
        } catch {
          continue;
        }
        if (parsed.msg === 'ready' && typeof parsed.port === 'number') {
          clearTimeout(timer);
          const readyMs = performance.now() - started;
          resolve({ name, pid: child.pid!, port: parsed.port, readyMs, stop: () => stopTree(child, exited) });
        }
      }
    });
    void exited.then(() => fail(`exited with ${child.exitCode ?? child.signalCode} before it was ready`));
  });
}

/** SIGTERM to the child and every process under it (by id), SIGKILL after 15 s. */
async function stopTree(child: ChildProcess, exited: Promise<void>): Promise<void> {
  const pids = [child.pid!, ...descendants(child.pid!)];
  for (const pid of pids) signal(pid, 'SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout') for (const pid of pids) signal(pid, 'SIGKILL');
  await exited;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/** Every process under `pid` (children of any of its threads, recursively). */
function descendants(pid: number): number[] {
  const found: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return found;
  }
  for (const task of tasks) {
    let children: string;
    try {
      children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const child of children.split(' ').filter(Boolean).map(Number)) found.push(child, ...descendants(child));
  }
  return found;
}

/** Resident memory in bytes of `pid` and every process under it (VmRSS summed: shared pages count once per process). */
export function treeRssBytes(pid: number): number {
  let total = 0;
  for (const each of [pid, ...descendants(pid)]) {
    try {
      const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${each}/status`, 'utf8'));
      if (match !== null) total += Number(match[1]) * 1024;
    } catch {
      // Exited meanwhile.
    }
  }
  return total;
}

/** User plus system CPU time, in seconds, of `pid` and every process under it (all threads). */
export function treeCpuSeconds(pid: number): number {
  let ticks = 0;
  for (const each of [pid, ...descendants(pid)]) {
    try {
      const stat = readFileSync(`/proc/${each}/stat`, 'utf8');
      // Fields after the command (which may hold spaces) start after the last ')'; utime and stime are fields 14, 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Exited meanwhile.
    }
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/** USER_HZ: 100 on every Linux this runs on (x86-64 and arm64). */
const CLOCK_TICKS_PER_SECOND = 100;
