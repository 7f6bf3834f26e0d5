/**
 * Load generators: wrk (C, multi-threaded: the headline figures) when it is
 * installed, and autocannon (the design's generator; single-threaded
 * JavaScript, so on a small machine it saturates before a fast server does).
 * Both run as child processes so that the harness itself stays idle.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Generator = 'wrk' | 'autocannon';

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  /** A POST with this JSON body instead of a GET (wrk only). */
  jsonBody?: string;
  /** Headers every request carries (an Authorization header, say). */
  headers?: Readonly<Record<string, string>>;
}

export interface LoadResult {
  generator: Generator;
  connections: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Connection errors, read/write errors and timeouts. */
  errors: number;
  /** Answers with a status outside 2xx (wrk counts 2xx-3xx as good). */
  non2xx: number;
}

const WRK_REPORT = fileURLToPath(new URL('./wrkReport.lua', import.meta.url));
const AUTOCANNON = fileURLToPath(new URL('../../node_modules/autocannon/autocannon.js', import.meta.url));

export function wrkAvailable(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined;
}

export async function runLoad(generator: Generator, options: LoadOptions): Promise<LoadResult> {
  return generator === 'wrk' ? runWrk(options) : runAutocannon(options);
}

/** `-H` and each header: `Name: value` for wrk, `Name=value` for autocannon. */
function headerArgs(headers: Readonly<Record<string, string>> = {}, separator = ': '): string[] {
  return Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}${separator}${value}`]);
}

async function runWrk({ url, connections, durationSeconds, jsonBody, headers }: LoadOptions): Promise<LoadResult> {
  const threads = Math.min(2, connections);
  // A POST: the report script, preceded by the request, in a script of its own.
  const scratch = jsonBody === undefined ? undefined : mkdtempSync(join(tmpdir(), 'tracknum-wrk-'));
  let script = WRK_REPORT;
  if (scratch !== undefined) {
    script = join(scratch, 'post.lua');
    writeFileSync(
      script,
      `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = ${luaString(jsonBody!)}\n` +
        readFileSync(WRK_REPORT, 'utf8'),
    );
  }
  const args = [
    '-t',
    `${threads}`,
    '-c',
    `${connections}`,
    '-d',
    `${durationSeconds}s`,
    ...headerArgs(headers),
    '-s',
    script,
    url,
  ];
  let output: string;
  try {
    output = await run('wrk', args);
  } finally {
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  }
  const line = /^WRK_JSON (.*)$/m.exec(output)?.[1];
  if (line === undefined) throw new Error(`wrk printed no report:\n${output}`);
  const r = JSON.parse(line) as Record<string, number>;
  const requests = r['requests']!;
  return {
    generator: 'wrk',
    connections,
    requests,
    requestsPerSecond: requests / (r['durationUs']! / 1e6),
    p50Ms: r['p50']! / 1000,
    p99Ms: r['p99']! / 1000,
    maxMs: r['max']! / 1000,
    errors: r['connect']! + r['read']! + r['write']! + r['timeout']!,
    non2xx: r['status']!,
  };
}

interface AutocannonJson {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

/** A Lua long string holding `text` (a level of '=' that the text does not contain). */
function luaString(text: string): string {
  let level = '';
  while (text.includes(`]${level}]`)) level += '=';
  return `[${level}[${text}]${level}]`;
}

async function runAutocannon({
  url,
  connections,
  durationSeconds,
  jsonBody,
  headers,
}: LoadOptions): Promise<LoadResult> {
  if (jsonBody !== undefined) throw new Error('POST bodies are sent with wrk only');
  const output = await run(process.execPath, [
    AUTOCANNON,
    '-c',
    `${connections}`,
    '-d',
    `${durationSeconds}`,
    ...headerArgs(headers, '='),
    '--json',
    url,
  ]);
  const r = JSON.parse(output.slice(output.indexOf('{'))) as AutocannonJson;
  return {
    generator: 'autocannon',
    connections,
    requests: r.requests.total,
    requestsPerSecond: r.requests.average,
    // autocannon measures latency in whole milliseconds.
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

/** Runs a command to completion; resolves with its standard output, rejects with its error output. */
function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`${command} exited with ${code}: ${stderr || stdout}`)),
    );
  });
}
