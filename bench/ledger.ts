/**
 * `npm run bench:ledger`: where the GET's CPU goes, stage by stage, written
 * to bench/results/ledger.md.
 *
 * Each stage has two figures:
 * - micro: the stage alone, one thread, CPU time (bench/micro/stages.ts);
 * - end to end: the bundle minus a variant build of it with that stage made
 *   free (bench/lib/variants.ts), server CPU per request measured in the same
 *   paired rounds as the bundle, the bare uWS server and the sequential
 *   format (bench/lib/rounds.ts).
 * The stages' end-to-end shares are then added up and set against the gap
 * between the bundle and the bare server, measured in the same rounds.
 *
 * Environment: LEDGER_ROUNDS (default 10), LEDGER_DURATION (seconds per
 * measurement, default 3), WORKERS (default 2), BENCH_STAGE_MS (CPU ms per
 * micro trial, default 200). `npm run bench:ledger` builds first.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runStages, type StageResult } from './micro/stages.js';
import { pairedInRounds } from './lib/rounds.js';
import { removeScratch } from './lib/servers.js';
import { median, quantile, quartiles } from './lib/stats.js';
import { VARIANTS } from './lib/variants.js';
import { pairedRun, pairedReport, type PairedRun } from './paired.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const positive = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const ROUNDS = positive('LEDGER_ROUNDS', 10);
const DURATION = positive('LEDGER_DURATION', 3);
const WORKERS = positive('WORKERS', 2);
const STAGE_MS = positive('BENCH_STAGE_MS', 200);

const us = (v: number): string => `${v.toFixed(2)} µs`;
const SERVERS = ['bundle', 'ceiling', 'sequential', 'clients', ...VARIANTS.map((variant) => variant.id)];

/** One row of the ledger. */
interface Row {
  stage: string;
  /** Micro figures, µs per request, with what they are. */
  micro: string;
  /** Paired end-to-end differences, µs per request, one per round (empty: not measured end to end). */
  share: number[];
  how: string;
}

function microOf(stages: readonly StageResult[], prefix: string): number {
  const found = stages.find(({ stage }) => stage.name.startsWith(prefix));
  if (found === undefined) throw new Error(`no micro stage starts with ${prefix}`);
  return found.ns / 1000;
}

function rows(stages: readonly StageResult[], run: PairedRun): { rows: Row[]; gap: number[]; issuing: number[] } {
  const cpu = (m: { cpuMicrosPerRequest: number }) => m.cpuMicrosPerRequest;
  /** The bundle minus `other`, per round: what `other` saves. */
  const saved = (other: string) => pairedInRounds(run.measurements, other, 'bundle', cpu);
  const micro = (prefix: string) => microOf(stages, prefix);
  const rule = (name: string) => micro(`rule: ${name}`);
  const query = saved('query-free');
  const rules = saved('rules-free');
  const splitAndDecode = query.map((q, i) => q - rules[i]!);
  const rulesMicro = ['origin and destination', 'weight', 'created_at', 'customer_id', 'customer_name', 'customer_slug']
    .map((name) => `${name} ${rule(name).toFixed(2)}`)
    .join(', ');
  return {
    gap: saved('ceiling'),
    issuing: saved('issuing-free'),
    rows: [
      {
        stage: 'guarded(): the walk over every header (req.forEach)',
        micro: 'n/a (native callbacks: end to end only)',
        share: saved('no-header-walk'),
        how: 'no-header-walk',
      },
      {
        stage: 'latency histogram of the GET (two performance.now(), a bucket)',
        micro: `${micro('metrics:').toFixed(2)} (with the request and issued counters)`,
        share: saved('no-latency-metric'),
        how: 'no-latency-metric',
      },
      {
        stage: 'query: split and decode',
        micro: `split ${micro('query: canonical split').toFixed(2)} + decode ${micro('query: decode').toFixed(2)} (whole parse and check: ${micro('query: the whole').toFixed(2)})`,
        share: splitAndDecode,
        how: 'query-free minus rules-free',
      },
      {
        stage: "query: the seven parameters' rules (typia)",
        micro: `${micro('rules: all seven').toFixed(2)} (each rule's pattern or set alone: ${rulesMicro})`,
        share: rules,
        how: 'rules-free',
      },
      {
        stage: 'draw (allocator.next)',
        micro: micro('draw:').toFixed(3),
        share: [],
        how: 'micro only (inside issuing-free)',
      },
      {
        stage: 'encryption (FF1, blocks of 256)',
        micro: (micro('encode: opaque') - micro('encode: sequential')).toFixed(2) + ' (opaque minus sequential encode)',
        share: pairedInRounds(run.measurements, 'sequential', 'bundle', cpu),
        how: 'bundle minus sequential',
      },
      {
        stage: 'printing (numerals and check character)',
        micro: micro('print:').toFixed(2),
        share: saved('print-free'),
        how: 'print-free',
      },
      {
        stage: "answer body (issue time and the order's JSON)",
        micro: `${micro('answer: body').toFixed(2)} + issue time ${micro('answer: issue time').toFixed(2)}`,
        share: saved('body-free'),
        how: 'body-free',
      },
    ],
  };
}

function ledger(stages: readonly StageResult[], run: PairedRun): string {
  const { rows: table, gap, issuing } = rows(stages, run);
  const lines = [
    '| stage | micro: µs per request, one thread | end to end: µs per request saved when free, median [quartiles] (lowest..highest) | variant |',
    '|---|--:|--:|---|',
  ];
  for (const row of table) {
    lines.push(
      `| ${row.stage} | ${row.micro} | ${row.share.length === 0 ? '' : quartiles(row.share, us)} | ${row.how} |`,
    );
  }
  // Sums per round, so that the spread of the sum is the rounds' own.
  const measured = table.filter((row) => row.share.length > 0);
  const sum = gap.map((_, round) => measured.reduce((total, row) => total + row.share[round]!, 0));
  const rest = gap.map((g, round) => g - sum[round]!);
  const inIssuing = [
    'query: split and decode',
    "query: the seven parameters' rules (typia)",
    'encryption (FF1, blocks of 256)',
    'printing (numerals and check character)',
    "answer body (issue time and the order's JSON)",
  ];
  const issuingParts = gap.map((_, round) =>
    table.filter((row) => inIssuing.includes(row.stage)).reduce((total, row) => total + row.share[round]!, 0),
  );
  const clients = pairedInRounds(run.measurements, 'bundle', 'clients', (m) => m.cpuMicrosPerRequest);
  lines.push(
    `| **the stages above, added up** | | ${quartiles(sum, us)} | |`,
    `| the rest: uWS routing, getQuery, guarded()'s try and counter, Replies.json, draw, glue | | ${quartiles(rest, us)} | gap minus the stages |`,
    `| **gap to the bare uWS server** | | ${quartiles(gap, us)} | bundle minus ceiling |`,
    '',
    `Cross-check, the issuing path as a whole (issuing-free: query, rules, draw, encryption, printing, body): ` +
      `${quartiles(issuing, us)} saved, against ${quartiles(issuingParts, us)} for its parts measured one by one.`,
    '',
    `| with a clients file (a Bearer token on every request) | micro: token lookup and grant ${microOf(stages, 'clients: token').toFixed(2)} + quota ${microOf(stages, 'clients: quota').toFixed(2)} | ${quartiles(clients, us)} more than the bundle | clients |`,
    '|---|--:|--:|---|',
  );
  const within = quantile(rest, 0.25) <= 0 && quantile(rest, 0.75) >= 0;
  lines.push(
    '',
    `The stages add up to ${us(median(sum))} of the ${us(median(gap))} gap; the rest, ${us(median(rest))}, is ` +
      (within
        ? 'within the noise of zero (its quartiles straddle 0).'
        : 'outside the noise (its quartiles do not straddle 0): it is what the variants do not make free.'),
  );
  return lines.join('\n');
}

const stages = await runStages(STAGE_MS);
try {
  const run = await pairedRun(SERVERS, {
    rounds: ROUNDS,
    durationSeconds: DURATION,
    workers: WORKERS,
    connections: 100,
  });
  const variants = VARIANTS.map((variant) => `- ${variant.id}: ${variant.made}`).join('\n');
  const report = [
    `## The GET's ledger, ${new Date().toISOString()}`,
    '',
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.versions.node}. ` +
      `Command: \`LEDGER_ROUNDS=${ROUNDS} LEDGER_DURATION=${DURATION} WORKERS=${WORKERS} npm run bench:ledger\`.`,
    '',
    ledger(stages, run),
    '',
    '### The variants',
    '',
    variants,
    '',
    '### The paired rounds',
    '',
    pairedReport(run),
    '',
    '### Every micro stage (bench/micro/stages.ts, CPU ns per unit, one thread)',
    '',
    '| stage | ns | per |',
    '|---|--:|---|',
    ...stages.map(({ stage, ns }) => `| ${stage.name} | ${ns.toFixed(0)} | ${stage.unit} |`),
    '',
  ].join('\n');
  console.log(report);
  writeFileSync(`${ROOT}bench/results/ledger.md`, report);
} finally {
  removeScratch();
}
