/**
 * The attacks of issue 16's findings, replayed against a real instance, and
 * what to measure them with: the bodies that made huge answers, stalled
 * bodies from child processes (test/fixtures/stalledBodies.ts), a GET client
 * at a steady rate, and the service's resident memory read from /proc. Used
 * by the abuse tests (bounded) and by bench/abuse.ts (full size).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { StallOutcome } from '../fixtures/stalledBodies.js';
import { EXAMPLE_ORDER, orderPath } from '../helpers/service.js';

export const MiB = 1024 * 1024;
/** The bound on every answer but a successful batch's. */
export const MAX_ANSWER_BYTES = 64 * 1024;

/** Resident memory of process `pid`, in bytes (VmRSS). */
export function rssBytes(pid: number): number {
  const found = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
  if (found === null) throw new Error(`no VmRSS for process ${pid}`);
  return Number(found[1]) * 1024;
}

/** CPU time of every thread of process `pid` so far, in milliseconds (from /proc/<pid>/task/<tid>/schedstat, in ns). */
export function cpuMs(pid: number): number {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'latin1').split(' ')[0]);
    } catch {
      // A thread that ended meanwhile.
    }
  }
  return ns / 1e6;
}

/** Samples the resident memory of `pid` every `everyMs` until stopped; stop() gives the largest sample. */
export function sampleRss(pid: number, everyMs = 50): { stop: () => number } {
  let max = rssBytes(pid);
  const timer = setInterval(() => {
    try {
      max = Math.max(max, rssBytes(pid));
    } catch {
      // The process is gone: the samples so far stand.
    }
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return max;
    },
  };
}

/** `{"orders":[unit,unit,...]}`, as many units as fit in `bytes`. */
function ordersOf(unit: string, bytes: number, before = ''): string {
  const frame = `{${before}"orders":[]}`.length;
  const count = Math.floor((bytes - frame + 1) / (unit.length + 1));
  return `{${before}"orders":[${new Array<string>(count).fill(unit).join(',')}]}`;
}

/** 100 characters that JSON escapes as \u0001: six bytes each wherever they are echoed. */
const NASTY = '\u0001'.repeat(100);

/**
 * Bodies of at most `bytes` (1 MiB unless given) that were answered with
 * 195 MB and 107 MB before issue 16, and one whose every problem is as large
 * as a problem can be (every value echoed, a member name in the pointer, all
 * of them escaped six bytes to a character), the first ones (quoted in the
 * answer's `detail`) members of the body.
 */
export function amplifiers(bytes = MiB): Record<'emptyOrders' | 'ones' | 'largestProblems', string> {
  const nastyOrder = JSON.stringify({
    ...Object.fromEntries(Object.keys(EXAMPLE_ORDER).map((name) => [name, NASTY])),
    [NASTY]: NASTY,
  });
  return {
    emptyOrders: ordersOf('{}', bytes),
    ones: ordersOf('1', bytes),
    // Unknown members of the body first: the problems quoted in `detail`, each over 700 characters.
    largestProblems: ordersOf(
      nastyOrder,
      bytes,
      [1, 2, 3, 4, 5, 6].map((i) => `${JSON.stringify(NASTY.slice(i))}:1,`).join(''),
    ),
  };
}

/** A query of `/next-tracking-number` with about a thousand malformed parameter names (the longest query allowed). */
export function manyProblemsQuery(): string {
  const names: string[] = [];
  for (let i = 0; names.join('&').length < 3060; i += 1) names.push(`%z${i}`);
  return `/next-tracking-number?${names.join('&')}`;
}

export interface Sent {
  status: number;
  /** Bytes of the answer's body. */
  bytes: number;
  /** From sending the request to the answer's last byte. */
  ms: number;
  body: string;
  contentType: string | undefined;
}

/** One request on a fresh connection (or `agent`'s); the answer, timed to its last byte (nothing else is checked here). */
export function send(
  port: number,
  path: string,
  body?: string,
  options: { headers?: Record<string, string>; agent?: Agent } = {},
): Promise<Sent> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const headers = { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...options.headers };
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: body === undefined ? 'GET' : 'POST',
        agent: options.agent ?? false,
        headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const ms = performance.now() - started;
          const text = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            bytes: text.length,
            ms,
            body: text.toString(),
            contentType: res.headers['content-type'],
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface ProbeResult {
  sent: number;
  /** Answers by status; 0 for a request that failed without an answer. */
  statuses: Record<number, number>;
  /** Milliseconds from sending to the answer's last byte, of every request answered, sorted. */
  latenciesMs: number[];
  /** The slowest requests: when each was sent (ms since the probe started) and how long it took. */
  slowest: { atMs: number; ms: number }[];
}

/**
 * An open-loop GET client: a GET /next-tracking-number every 1000/perSecond
 * ms on a fresh connection, whether or not the earlier ones were answered, so
 * that a stalled server shows as latency and not as fewer requests.
 */
export function startProbe(
  port: number,
  perSecond: number,
  headers: Record<string, string> = {},
): { stop: () => Promise<ProbeResult> } {
  const result: ProbeResult = { sent: 0, statuses: {}, latenciesMs: [], slowest: [] };
  const started = performance.now();
  const timed: { atMs: number; ms: number }[] = [];
  const pending = new Set<Promise<void>>();
  const path = orderPath();
  const fire = (): void => {
    result.sent += 1;
    const atMs = performance.now() - started;
    const one = send(port, path, undefined, { headers }).then(
      (answer) => {
        result.statuses[answer.status] = (result.statuses[answer.status] ?? 0) + 1;
        result.latenciesMs.push(answer.ms);
        timed.push({ atMs, ms: answer.ms });
      },
      () => {
        result.statuses[0] = (result.statuses[0] ?? 0) + 1;
      },
    );
    pending.add(one);
    void one.then(() => pending.delete(one));
  };
  const timer = setInterval(fire, 1000 / perSecond);
  return {
    stop: async () => {
      clearInterval(timer);
      await Promise.all(pending);
      result.latenciesMs.sort((a, b) => a - b);
      result.slowest = timed.sort((a, b) => b.ms - a.ms).slice(0, 10);
      return result;
    },
  };
}

/** The p-th percentile (0..100) of sorted values, nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface StallPlan {
  /** Connections in all, spread over `processes` child processes (file descriptors and event loops of their own). */
  connections: number;
  processes: number;
  /** Content-Length each declares, and the bytes each sends before stalling. */
  declared: number;
  sent: number;
  /** Open each connection closed again, for this long. */
  reconnectForMs?: number;
  /** Stop waiting for the server to close them after this long. */
  deadlineMs: number;
  /** Open the connections evenly over this long (0: all at once). */
  rampMs: number;
}

const STALLER = fileURLToPath(new URL('../fixtures/stalledBodies.ts', import.meta.url));

/**
 * Starts the stalled-body attackers, each in a child process of its own (file
 * descriptors and an event loop of its own, away from the caller's
 * measurements), and resolves once all are loaded; start() sets them on at
 * once and resolves with what their connections got, added up.
 */
export async function prepareStalledBodies(
  port: number,
  plan: StallPlan,
): Promise<{ start: () => Promise<StallOutcome> }> {
  const each = Math.ceil(plan.connections / plan.processes);
  const children = Array.from({ length: plan.processes }, (_, i) => {
    const connections = Math.min(each, plan.connections - i * each);
    const options = { ...plan, port, connections };
    const child = spawn(process.execPath, ['--import', 'tsx', STALLER, JSON.stringify(options)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    // The lowest CPU priority: over a network, sending costs the attacker's machines, not the server's;
    // here attackers and server share the cores, and the kernel's work of sending runs in the sender.
    if (child.pid !== undefined) setPriority(child.pid, 19);
    let output = '';
    let announced: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (announced = resolve));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.startsWith('ready\n')) announced();
    });
    const done = new Promise<StallOutcome>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => {
        if (code !== 0) reject(new Error(`stalled-body attacker exited with ${code}: ${output}`));
        else resolve(JSON.parse(output.slice('ready\n'.length)) as StallOutcome);
      });
    });
    return { child, ready, done };
  });
  await Promise.race([
    Promise.all(children.map((c) => c.ready)),
    // An attacker that exits before it is ready fails here rather than hanging.
    Promise.all(children.map((c) => c.done)).then(() => {
      throw new Error('a stalled-body attacker exited before it was ready');
    }),
  ]);
  return {
    start: async () => {
      for (const { child } of children) child.stdin.end('go\n');
      return addUp(await Promise.all(children.map((c) => c.done)));
    },
  };
}

function addUp(outcomes: readonly StallOutcome[]): StallOutcome {
  const total: StallOutcome = { opened: 0, statuses: {}, errors: {}, stillOpen: 0, answerMs: {} };
  for (const outcome of outcomes) {
    total.opened += outcome.opened;
    total.stillOpen += outcome.stillOpen;
    for (const [key, n] of Object.entries(outcome.statuses)) total.statuses[key] = (total.statuses[key] ?? 0) + n;
    for (const [key, n] of Object.entries(outcome.errors)) total.errors[key] = (total.errors[key] ?? 0) + n;
    for (const [key, { min, max }] of Object.entries(outcome.answerMs)) {
      const range = (total.answerMs[key] ??= { min, max });
      range.min = Math.min(range.min, min);
      range.max = Math.max(range.max, max);
    }
  }
  return total;
}

/** A sample of /metrics (summed over its labels, or those matching `labels`). */
export async function metric(port: number, name: string, labels = '', token?: string): Promise<number> {
  const headers: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` };
  const text = (await send(port, '/metrics', undefined, { headers })).body;
  const pattern = new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`, 'gm');
  let total = 0;
  for (const [, found = '', value] of text.matchAll(pattern)) if (found.includes(labels)) total += Number(value);
  return total;
}

/**
 * A client burning numbers: `connections` keep-alive loops, each sending
 * batches of `batchSize` numbers with `token` as fast as they are answered,
 * until `until` (performance.now()). Its answers by status.
 */
export async function burn(
  port: number,
  token: string,
  until: number,
  connections = 4,
  batchSize = 1000,
): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const body = JSON.stringify({ orders: [{ ...EXAMPLE_ORDER, parcels: batchSize }] });
  const headers = { Authorization: `Bearer ${token}` };
  const loop = async (): Promise<void> => {
    while (performance.now() < until) {
      const status = await send(port, '/tracking-numbers', body, { headers, agent }).then(
        (answer) => answer.status,
        () => 0,
      );
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: connections }, loop));
  } finally {
    agent.destroy();
  }
  return statuses;
}
