/**
 * V8 CPU profiles (`node --cpu-prof`, one .cpuprofile per thread: the
 * primary and each worker thread) read back as self time per function,
 * counted only inside a time window (the load, not the start-up).
 *
 * A profile's timestamps are microseconds of CLOCK_MONOTONIC on Linux, the
 * clock of process.hrtime(), so the harness marks the window with
 * monotonicMicros() and the samples outside it are dropped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  /** `name (file:line)`, or V8's own entries: (program), (garbage collector), (idle). */
  name: string;
  selfMicros: number;
}

export interface ThreadProfile {
  /** The profile's file name: CPU.<date>.<time>.<pid>.<thread id>.<sequence>.cpuprofile. */
  file: string;
  /** Node's thread id: 0 for the main thread, then the worker threads in the order they started. */
  threadId: number;
  /** Sampled time inside the window, idle excluded. */
  busyMicros: number;
  /** Self time per function inside the window, largest first. */
  functions: FunctionTime[];
}

/** Now, in microseconds of the clock CPU profiles are stamped with. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Where a function is: the file name (not its directory) and line, 1-based. */
function place(url: string, line: number): string {
  if (url === '') return '';
  const file = url.slice(url.lastIndexOf('/') + 1);
  return ` (${file}:${line + 1})`;
}

/** Self time per function of one profile, counting the samples taken in [fromMicros, toMicros). */
function readProfile(path: string, fromMicros = -Infinity, toMicros = Infinity): ThreadProfile {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const nameOf = new Map<number, string>();
  for (const { id, callFrame } of profile.nodes) {
    nameOf.set(id, `${callFrame.functionName || '(anonymous)'}${place(callFrame.url, callFrame.lineNumber)}`);
  }
  const self = new Map<string, number>();
  let at = profile.startTime;
  let busy = 0;
  // Sample i was taken at startTime + timeDeltas[0..i]; it stands for the time until the next one.
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i]!;
    const next = profile.timeDeltas[i + 1] ?? 0;
    if (at < fromMicros || at >= toMicros) continue;
    const name = nameOf.get(profile.samples[i]!)!;
    self.set(name, (self.get(name) ?? 0) + next);
    if (name !== '(idle)') busy += next;
  }
  const file = path.slice(path.lastIndexOf('/') + 1);
  const threadId = Number(file.split('.')[4]);
  const functions = [...self]
    .filter(([name]) => name !== '(idle)')
    .map(([name, selfMicros]) => ({ name, selfMicros }))
    .sort((a, b) => b.selfMicros - a.selfMicros);
  return { file, threadId, busyMicros: busy, functions };
}

/** Every profile in `dir`, by thread id. */
export function readProfiles(dir: string, fromMicros?: number, toMicros?: number): ThreadProfile[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.cpuprofile'))
    .map((file) => readProfile(join(dir, file), fromMicros, toMicros))
    .sort((a, b) => a.threadId - b.threadId);
}

/**
 * The top `limit` functions by self time of each thread, as Markdown: share
 * of the thread's busy time, and microseconds per request when `requests`
 * (answered during the window, all threads together) is given.
 */
export function formatProfiles(threads: readonly ThreadProfile[], limit: number, requests?: number): string {
  const sections: string[] = [];
  for (const thread of threads) {
    const role = thread.threadId === 0 ? 'primary thread' : `worker thread ${thread.threadId}`;
    const perRequest = requests === undefined || requests === 0 ? undefined : thread.busyMicros / requests;
    const lines = [
      `#### ${role}: ${(thread.busyMicros / 1000).toFixed(0)} ms busy in the window` +
        (perRequest === undefined ? '' : `, ${perRequest.toFixed(2)} µs per request answered by all threads`),
      '',
      `| function (self time) | share of busy | ms |${requests === undefined ? '' : ' µs per request (all threads) |'}`,
      `|---|--:|--:|${requests === undefined ? '' : '--:|'}`,
    ];
    for (const { name, selfMicros } of thread.functions.slice(0, limit)) {
      const share = thread.busyMicros === 0 ? 0 : selfMicros / thread.busyMicros;
      lines.push(
        `| ${name.replaceAll('|', '\\|')} | ${(share * 100).toFixed(1)} % | ${(selfMicros / 1000).toFixed(1)} |` +
          (requests === undefined || requests === 0 ? '' : ` ${(selfMicros / requests).toFixed(3)} |`),
      );
    }
    sections.push(lines.join('\n'));
  }
  return sections.join('\n\n');
}

/**
 * Self time per function summed over the worker threads (thread id > 0), in
 * microseconds per request: where a request's time goes, whichever thread served it.
 */
export function perRequestOverWorkers(threads: readonly ThreadProfile[], requests: number): FunctionTime[] {
  const total = new Map<string, number>();
  for (const thread of threads.filter((each) => each.threadId > 0)) {
    for (const { name, selfMicros } of thread.functions) total.set(name, (total.get(name) ?? 0) + selfMicros);
  }
  return [...total]
    .map(([name, selfMicros]) => ({ name, selfMicros: selfMicros / Math.max(1, requests) }))
    .sort((a, b) => b.selfMicros - a.selfMicros);
}
