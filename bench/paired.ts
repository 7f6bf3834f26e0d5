/**
 * `npm run bench:paired -- [options] REFERENCE OTHER...`: servers side by
 * side in paired rounds (bench/lib/rounds.ts), each compared with the first
 * in the same rounds: server CPU per request, and its difference to the
 * reference's, as median [quartiles] (lowest..highest) over the rounds.
 * Builds nothing: run `npm run build && npm run bundle` first (variants are
 * made from the bundle). Names: bench/lib/catalog.ts.
 *
 *   --rounds N        rounds (default 10)
 *   --duration S      seconds per measurement (default 4)
 *   --workers N       workers of each server (default 2)
 *   --connections N   wrk connections (default 100)
 *   --batch OxP       POST /tracking-numbers with O orders of P parcels instead of the GET
 *                     (figures then per number; the ceiling cannot take part)
 *   --out FILE        also write the report to FILE
 *
 * e.g. `npm run bench:paired -- --rounds 20 sequential bundle` settles what
 * opaque numbers cost end to end.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { batchBody } from './lib/batches.js';
import { resolveServers } from './lib/catalog.js';
import { runLoad } from './lib/load.js';
import { measureInRounds, pairedInRounds, type RoundMeasurement } from './lib/rounds.js';
import { removeScratch, startSpec, type StartedServer } from './lib/servers.js';
import { median, quartiles } from './lib/stats.js';
import { EXAMPLE_QUERY } from './micro/issuing.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface PairedOptions {
  rounds: number;
  durationSeconds: number;
  workers: number;
  connections: number;
  /** Orders and parcels of a batch request, or undefined for the GET. */
  batch?: { orders: number; parcelsPerOrder: number };
}

export interface PairedRun {
  options: PairedOptions;
  names: string[];
  measurements: RoundMeasurement[];
  loadBefore: number;
  loadAfter: number;
}

function usage(message: string): never {
  console.error(
    `bench:paired: ${message}\nusage: npm run bench:paired -- [--rounds N] [--duration S] [--workers N] [--connections N] [--batch OxP] [--out FILE] REFERENCE OTHER...`,
  );
  process.exit(2);
}

/** Starts `names`, warms each up, measures them in paired rounds, stops them. */
export async function pairedRun(names: readonly string[], options: PairedOptions): Promise<PairedRun> {
  const specs = await resolveServers(ROOT, names);
  const started: StartedServer[] = [];
  const [loadBefore] = loadavg();
  const path = options.batch === undefined ? `/next-tracking-number?${EXAMPLE_QUERY}` : '/tracking-numbers';
  const jsonBody = options.batch === undefined ? undefined : batchBody(options.batch);
  try {
    for (const spec of specs) started.push(await startSpec(spec, options.workers, ROOT));
    for (const server of started) {
      await runLoad('wrk', {
        url: `http://127.0.0.1:${server.running.port}${path}`,
        connections: options.connections,
        durationSeconds: 2,
        headers: server.headers,
        ...(jsonBody === undefined ? {} : { jsonBody }),
      });
    }
    const measurements = await measureInRounds(started, {
      rounds: options.rounds,
      durationSeconds: options.durationSeconds,
      connections: options.connections,
      generator: 'wrk',
      path,
      ...(jsonBody === undefined ? {} : { jsonBody }),
      onMeasured: (m) =>
        console.error(
          `  round ${m.round + 1}/${options.rounds} ${m.server}: ${Math.round(m.requestsPerSecond)} req/s, ` +
            `${m.cpuMicrosPerRequest.toFixed(2)} µs CPU per request, ${m.errors + m.non2xx} errors + non-2xx`,
        ),
    });
    const [loadAfter] = loadavg();
    return { options, names: [...names], measurements, loadBefore: loadBefore!, loadAfter: loadAfter! };
  } finally {
    for (const server of started) await server.stop();
  }
}

/** CPU per unit (request, or number for a batch) of a measurement. */
export function perUnit(run: PairedRun): (m: RoundMeasurement) => number {
  const numbers = run.options.batch === undefined ? 1 : run.options.batch.orders * run.options.batch.parcelsPerOrder;
  return (m) => m.cpuMicrosPerRequest / numbers;
}

const us = (v: number): string => `${v.toFixed(2)} µs`;

/** The report: each server's figures over the rounds, and its difference to the reference, paired by round. */
export function pairedReport(run: PairedRun): string {
  const { options, names, measurements } = run;
  const [reference] = names;
  const unit = options.batch === undefined ? 'request' : 'number';
  const cpu = perUnit(run);
  const lines = [
    `${options.rounds} rounds of ${options.durationSeconds} s per server, wrk -c${options.connections}, ${options.workers} workers; ` +
      (options.batch === undefined
        ? 'GET /next-tracking-number (the example order)'
        : `POST /tracking-numbers, ${options.batch.orders} x ${options.batch.parcelsPerOrder}`) +
      `; load average ${run.loadBefore.toFixed(1)} before, ${run.loadAfter.toFixed(1)} after. ` +
      'Figures: median [quartiles] (lowest..highest) over the rounds; differences paired by round.',
    '',
    `| server | requests/s | CPU per ${unit} | minus ${reference}'s, same round | ${reference}'s / this | p99 | errors + non-2xx |`,
    '|---|--:|--:|--:|--:|--:|--:|',
  ];
  for (const name of names) {
    const mine = measurements.filter((m) => m.server === name);
    const rate = median(mine.map((m) => m.requestsPerSecond));
    const difference = name === reference ? [] : pairedInRounds(measurements, reference!, name, cpu);
    const ratio = name === reference ? [] : pairedInRounds(measurements, reference!, name, cpu, (a, b) => a / b);
    lines.push(
      `| ${name} | ${Math.round(rate).toLocaleString('en-US')} | ${quartiles(mine.map(cpu), us)} | ` +
        `${difference.length === 0 ? '' : quartiles(difference, us)} | ` +
        `${ratio.length === 0 ? '' : quartiles(ratio, (v) => v.toFixed(3))} | ` +
        `${median(mine.map((m) => m.p99Ms)).toFixed(2)} ms | ${mine.reduce((sum, m) => sum + m.errors + m.non2xx, 0)} |`,
    );
  }
  return lines.join('\n');
}

function parseArgs(argv: readonly string[]): { names: string[]; options: PairedOptions; out?: string } {
  const options: PairedOptions = { rounds: 10, durationSeconds: 4, workers: 2, connections: 100 };
  const names: string[] = [];
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = (): string => argv[++i] ?? usage(`${arg} needs a value`);
    const count = (): number => {
      const value = Number(next());
      if (!Number.isInteger(value) || value < 1) usage(`${arg} needs a positive whole number`);
      return value;
    };
    if (arg === '--rounds') options.rounds = count();
    else if (arg === '--duration') options.durationSeconds = count();
    else if (arg === '--workers') options.workers = count();
    else if (arg === '--connections') options.connections = count();
    else if (arg === '--out') out = next();
    else if (arg === '--batch') {
      const match = /^(\d+)x(\d+)$/.exec(next());
      if (match === null) usage('--batch takes ORDERSxPARCELS, e.g. 1000x1');
      options.batch = { orders: Number(match[1]), parcelsPerOrder: Number(match[2]) };
    } else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
    else names.push(arg);
  }
  if (names.length < 2) usage('name a reference and at least one other server');
  return { names, options, ...(out === undefined ? {} : { out }) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { names, options, out } = parseArgs(process.argv.slice(2));
  try {
    const report = pairedReport(await pairedRun(names, options));
    console.log(report);
    if (out !== undefined) writeFileSync(out, `${report}\n`);
  } finally {
    removeScratch();
  }
}
