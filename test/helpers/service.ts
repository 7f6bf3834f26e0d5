/**
 * Starts the real service as a child process on a free port, the way an
 * operator would, and talks to it over real HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeTrackingNumber, type DecodedTrackingNumber, type NumberKey } from '../../src/core/numberFormat.js';
import { parseTrackingNumber } from '../../src/core/trackingNumber.js';
import { EXAMPLE_ORDER } from '../../src/validation/orderParameters.js';
import { checkAnswer } from './contract.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SOURCE_ENTRY = join(ROOT, 'src/main.ts');

interface LogLine {
  msg?: string;
  level?: string;
  [key: string]: unknown;
}

export interface Service {
  port: number;
  stateDir: string;
  child: ChildProcess;
  logs: LogLine[];
  stderr: () => string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartOptions {
  env?: Record<string, string>;
  args?: string[];
  stateDir?: string;
  /** Command to run instead of the sources under tsx, e.g. ['node', 'dist/main.js']. */
  command?: string[];
  /** Resolve when the process exits instead of when it is ready (for start-up failures). */
  expectExit?: boolean;
}

/**
 * The node ID embedded-mode services run under in this test process: random,
 * so that two test runs, or a tracknum left running, on one host do not
 * collide on the host-wide node-ID lock; the same for the whole process, so
 * that a restart on the same state directory finds its high-water mark.
 */
export const TEST_NODE_ID = 1 + Math.floor(Math.random() * 3800);

/**
 * The tracking-number key of every service this test process starts (one
 * number space, as a deployment shares one key), in a key file as an operator
 * writes it (tracknum keygen's format).
 */
export const TEST_KEY: NumberKey = { generation: 0, key: randomBytes(32) };
export const TEST_KEY_FILE = join(mkdtempSync(join(tmpdir(), 'tracknum-key-')), 'tracking-number.key');
writeFileSync(TEST_KEY_FILE, `0 ${Buffer.from(TEST_KEY.key).toString('hex')}\n`, { mode: 0o600 });

/** What a number issued by a test service carries, read with the test key (any format). */
export function decodeNumber(trackingNumber: string): DecodedTrackingNumber {
  const parsed = parseTrackingNumber(trackingNumber);
  if (!parsed.ok) throw new Error(`${trackingNumber} is not a tracking number: ${parsed.detail}`);
  return decodeTrackingNumber(parsed, [TEST_KEY]);
}

export function freshStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'tracknum-test-'));
}

export function startService(options: StartOptions = {}): Promise<Service> {
  const stateDir = options.stateDir ?? freshStateDir();
  const [command, ...args] = options.command ?? [process.execPath, '--import', 'tsx', SOURCE_ENTRY];
  const child = spawn(command ?? process.execPath, [...args, ...(options.args ?? [])], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      WORKERS: '2',
      STATE_DIR: stateDir,
      // The etcd mode refuses NODE_ID.
      ...(options.env?.['ETCD_ENDPOINTS'] === undefined ? { NODE_ID: String(TEST_NODE_ID) } : {}),
      TRACKING_NUMBER_KEY_FILE: TEST_KEY_FILE,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let stderr = '';
  let buffered = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const service = (port: number): Service => ({
      port,
      stateDir,
      child,
      logs,
      stderr: () => stderr,
      exited,
      stop: (signal = 'SIGTERM') => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        return exited;
      },
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`service did not become ready in 20 s; stderr: ${stderr}; logs: ${JSON.stringify(logs)}`));
    }, 20_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          const parsed = JSON.parse(line) as LogLine;
          logs.push(parsed);
          if (parsed.msg === 'ready' && typeof parsed['port'] === 'number' && !options.expectExit) {
            clearTimeout(timer);
            resolve(service(parsed['port']));
          }
        } catch {
          logs.push({ msg: line, level: 'raw' });
        }
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      if (options.expectExit) resolve(service(0));
      else reject(new Error(`service exited before ready; stderr: ${stderr}; logs: ${JSON.stringify(logs)}`));
    });
  });
}

/** What GET /next-tracking-number answers with 200. */
export interface Issued {
  tracking_number: string;
  created_at: string;
  order: Record<string, string>;
}

/** An RFC 9457 problem document, with tracknum's extension members. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: { parameter: string; detail: string; value?: string }[];
  reason?: string;
  tracking_number?: string;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The body parsed as JSON, typed as the caller expects it (the test's assertions check it). */
  json: <T = Record<string, unknown>>() => T;
}

export interface RequestOptions {
  method?: string;
  agent?: Agent;
  headers?: Record<string, string>;
  /** A request body. */
  body?: string | Buffer;
}

/**
 * One request on a fresh connection (no keep-alive), so shutdown is never held
 * up by the client. Every answer written by uWebSockets.js (so by tracknum, not
 * by a load balancer in front of it) is held to the OpenAPI document: the
 * request fails when it is not what the document says (contract.ts).
 */
export function get(port: number, path: string, options: RequestOptions = {}): Promise<Answer> {
  const method = options.method ?? 'GET';
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        agent: options.agent ?? false,
        headers: options.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString();
          const status = res.statusCode ?? 0;
          try {
            if (res.headers['uwebsockets'] !== undefined) {
              checkAnswer({ method, path, status, contentType: res.headers['content-type'], body });
            }
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
            return;
          }
          resolve({ status, headers: res.headers, body, json: <T>() => JSON.parse(body) as T });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A POST of a JSON body (a string is sent as it is), checked like get(). */
export function post(
  port: number,
  path: string,
  body: unknown,
  options: Omit<RequestOptions, 'method' | 'body'> = {},
): Promise<Answer> {
  return get(port, path, {
    ...options,
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...options.headers },
    body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
}

export { EXAMPLE_ORDER };

/** The example order as a properly encoded /next-tracking-number path, with parameters replaced or (undefined) removed. */
export function orderPath(overrides: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...EXAMPLE_ORDER, ...overrides })) {
    if (value !== undefined) params.append(key, value);
  }
  return `/next-tracking-number?${params.toString()}`;
}

/**
 * Draws up to `total` numbers over `connections` keep-alive connections and
 * returns the tracking numbers received. A lane stops at its first connection
 * error (the server was killed), counted in `errors`; non-200 answers are
 * counted in `failures`.
 */
export async function drawNumbers(
  port: number,
  total: number,
  connections: number,
  path = orderPath(),
): Promise<{ numbers: string[]; failures: number; errors: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const numbers: string[] = [];
  let failures = 0;
  let errors = 0;
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < total) {
      next += 1;
      let answer: Answer;
      try {
        answer = await get(port, path, { agent });
      } catch {
        errors += 1;
        return;
      }
      if (answer.status === 200) numbers.push(answer.json<Issued>().tracking_number);
      else failures += 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: connections }, lane));
  } finally {
    agent.destroy();
  }
  return { numbers, failures, errors };
}

/** The per-worker counts of issued numbers in a /metrics answer, in worker order. */
export function issuedByWorker(metrics: Answer): number[] {
  if (metrics.status !== 200) throw new Error(`/metrics answered ${metrics.status}: ${metrics.body}`);
  return [...metrics.body.matchAll(/^tracknum_numbers_issued_total\{worker="\d+"\} (\d+)$/gm)].map((m) => Number(m[1]));
}

export function duplicatesIn(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const value of values) {
    if (seen.has(value)) duplicates.push(value);
    seen.add(value);
  }
  return duplicates;
}
