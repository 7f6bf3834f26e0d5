/**
 * The run's report: Markdown for people, JSON for tools, and every answer as
 * one JSON line, in the run directory.
 */
import { createWriteStream, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Answer } from './clients.js';
import type { Findings, Goal, Share } from './checker.js';
import type { InstanceSample } from './instanceStates.js';
import type { ProbeResult } from './probes.js';
import { FAULT_DESCRIPTIONS, type Schedule } from './schedule.js';
import type { LabEvent } from './timeline.js';

export interface LabSettings {
  seed: number;
  durationSeconds: number;
  short: boolean;
  instances: number;
  etcdMembers: number;
  leaseTtlSeconds: number;
  etcdPreVote: boolean;
  ratePerLane: number;
  lanes: Record<string, number>;
  /** The client path's settings (and the direct lanes': one URL, no retries, the request timeout). */
  client: { attemptTimeoutMs: number; deadlineMs: number; retries: number };
  requestTimeoutMs: number;
  command: string;
}

export interface Report {
  settings: LabSettings;
  startedAt: string;
  /** Seconds: setting the lab up, the load (faults included), tearing down. */
  timings: { setupS: number; loadS: number; totalS: number };
  schedule: Schedule;
  findings: Findings;
  probes: ProbeResult[];
  removedLeftovers: string[];
  machine: { cores: number; loadAverageAtStart: number[] };
}

const pct = (s: Share | undefined): string =>
  s?.share === undefined || s.share === null ? '–' : `${(s.share * 100).toFixed(1)}% of ${s.requests}`;
const met = (value: boolean | null): string => (value === null ? 'not measured' : value ? 'met' : '**not met**');
const ms = (value: number | undefined | null): string =>
  value === undefined || value === null ? '–' : `${(value / 1000).toFixed(2)} s`;

export function renderMarkdown(report: Report): string {
  const { findings, settings, schedule } = report;
  const lines: string[] = [];
  const v = findings.verdict;
  lines.push(`# tracknum lab report: seed ${settings.seed}`, '');
  lines.push(
    `**Verdict: ${v.ok ? 'PASS' : 'FAIL'}** — ${v.numbers} numbers acknowledged with 200, ${v.distinct} distinct, ` +
      `${v.duplicates.length} duplicated${v.malformed > 0 ? `, ${v.malformed} 200 answers without a number` : ''}.`,
    '',
  );
  const seconds = findings.nodeSeconds;
  if (seconds !== undefined) {
    const nodeIds = new Set(seconds.holdings.map((h) => h.nodeId)).size;
    const handedOver = nodeIds === 0 ? 0 : seconds.holdings.length - nodeIds;
    lines.push(
      `Node IDs, read from ${seconds.read} numbers with the lab's key (${seconds.unplaced} not placed): ${nodeIds} node IDs, ${seconds.holdings.length} holdings of one by one process (${handedOver} handovers); **${seconds.shared.length} seconds of a node ID used by two processes** (each holder must issue above every second an earlier one used).`,
      '',
    );
    for (const x of seconds.shared.slice(0, 20)) {
      lines.push(
        `- node ID ${x.nodeId}, second ${x.second}: ${x.holders.map((h) => `${h.instance} (pid ${h.pid})`).join(', ')}`,
      );
    }
    if (seconds.shared.length > 0) lines.push('');
  }
  lines.push(`- Command: \`${settings.command}\``);
  lines.push(
    `- Started ${report.startedAt}; setup ${report.timings.setupS.toFixed(0)} s, load ${report.timings.loadS.toFixed(0)} s, total ${report.timings.totalS.toFixed(0)} s`,
  );
  lines.push(
    `- Lab: ${settings.etcdMembers} etcd members${settings.etcdPreVote ? ' (--pre-vote=true)' : ''}, ${settings.instances} tracknum instances (cluster mode, ETCD_LEASE_TTL=${settings.leaseTtlSeconds}, WORKERS=1), HAProxy and nginx configured from docs/deploying.md, each in its own network namespace`,
  );
  const laneWords: Record<string, string> = {
    direct: `per instance, direct, through tracknum's client over that one instance (no retries, ${settings.requestTimeoutMs / 1000} s timeout)`,
    haproxy: `through HAProxy (plain HTTP/1.1, ${settings.requestTimeoutMs / 1000} s timeout)`,
    nginx: `through nginx (plain HTTP/1.1, ${settings.requestTimeoutMs / 1000} s timeout)`,
    client: `through tracknum's client over every instance (failover; ${settings.client.attemptTimeoutMs / 1000} s per attempt, ${settings.client.deadlineMs / 1000} s deadline, ${settings.client.retries} retries)`,
  };
  lines.push(
    `- Clients: ${Object.entries(settings.lanes)
      .map(([via, n]) => `${n} lanes ${laneWords[via] ?? `through ${via}`}`)
      .join('; ')}; at most ${settings.ratePerLane} requests/s per lane`,
  );
  lines.push(
    `- Machine: ${report.machine.cores} cores, load average at start ${report.machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}`,
  );
  if (report.removedLeftovers.length > 0)
    lines.push(`- Removed leftovers of an interrupted run: ${report.removedLeftovers.join(', ')}`);
  lines.push('');

  lines.push(...renderGoals(findings.goals));
  lines.push('## Timeline', '');
  lines.push(
    "A lane per path (green: the share of each second's requests answered 200; red: failures, at least 3 px when any; orange dots: client calls that failed over), fault windows shaded and labelled (lighter: healing until the lab was whole again), each instance's state as polled every second from the controller, and each etcd member's leader.",
    '',
    '![timeline](timeline.svg)',
    '',
  );

  lines.push('## Answers', '');
  lines.push('| path | availability (200 share) |', '|---|--:|');
  lines.push(`| all | ${pct(findings.availability)} |`);
  for (const [via, s] of Object.entries(findings.availability.byVia)) lines.push(`| ${via} | ${pct(s)} |`);
  lines.push(`| outside fault windows | ${pct(findings.availability.outsideFaults)} |`);
  lines.push('');
  lines.push(
    `By status: ${Object.entries(findings.byStatus)
      .map(([status, n]) => `${status === '0' ? 'no answer' : status}: ${n}`)
      .join(', ')}. HAProxy reported ${findings.haproxyStateChanges} server state changes (health checks).`,
    '',
  );

  const c = findings.client;
  if (c.calls > 0) {
    lines.push(
      `Client path: ${c.calls} calls, ${c.attempts} attempts (at most ${c.maxAttempts} in one call); ${c.failedOver} calls failed over to another instance, ${c.failedOverOk} of them got a number; failed calls by kind: ${
        Object.entries(c.failedByKind)
          .map(([kind, n]) => `${kind} ${n}`)
          .join(', ') || 'none'
      }.`,
      '',
    );
  }

  if (v.duplicates.length > 0) {
    lines.push('## Duplicates', '');
    for (const d of v.duplicates.slice(0, 20)) {
      lines.push(`- \`${d.number}\`: ${d.answers.map((a) => `${a.via}/${a.target} at ${ms(a.at)}`).join('; ')}`);
    }
    lines.push('');
  }

  lines.push('## Faults', '');
  lines.push(
    '| # | kind | what | window (s after the load started) | during: direct | HAProxy | nginx | client | from injection to the next fault: HAProxy / nginx / client | also fenced | recovery after heal | happened |',
    '|--:|---|---|---|--:|--:|--:|--:|---|---|---|:-:|',
  );
  for (const f of findings.faults) {
    const recovery = Object.entries(f.recoveryMs)
      .map(([target, value]) => `${target} ${ms(value)}`)
      .join(', ');
    lines.push(
      `| ${f.index} | ${f.kind} | ${f.detail.replace(/\|/g, '\\|')} | ${f.injectedAtS.toFixed(1)}–${f.healedAtS.toFixed(1)} (done ${f.doneAtS.toFixed(1)}) | ${pct(f.availability.byVia.direct)} | ${pct(f.availability.byVia.haproxy)} | ${pct(f.availability.byVia.nginx)} | ${pct(f.availability.byVia.client)} | ${pct(f.whole.byVia.haproxy)} / ${pct(f.whole.byVia.nginx)} / ${pct(f.whole.byVia.client)} | ${f.alsoFenced.join(', ') || '–'} | ${recovery || '–'} | ${f.happened ? 'yes' : '**no**'} |`,
    );
  }
  lines.push('');

  const fences = findings.faults.flatMap((f) => f.fences.map((fence) => ({ f, fence })));
  if (fences.length > 0) {
    lines.push('## Fences against lease expiry', '');
    lines.push(
      `Times after the fault was injected. "Last 200" is the last number a direct client received from the instance; etcd deletes the node key when the lease expires (TTL ${settings.leaseTtlSeconds} s after the last renewal it received). Margin: key deleted minus last 200 (positive: the instance stopped in time).`,
      '',
    );
    lines.push(
      '| # | kind | instance | last 200 | first refusal | "node ID lost" logged | node key deleted | margin | 200s after heal before re-claim |',
      '|--:|---|---|--:|--:|--:|--:|--:|--:|',
    );
    for (const { f, fence } of fences) {
      lines.push(
        `| ${f.index} | ${f.kind} | ${fence.instance} | ${ms(fence.lastOkMs)} | ${ms(fence.firstRefusalMs)} | ${ms(fence.lostLogMs)}${fence.reason ? ` (${fence.reason})` : ''} | ${ms(fence.keyDeletedMs)} | ${ms(fence.marginMs)} | ${fence.okAfterHealBeforeReclaim} |`,
      );
    }
    lines.push('');
  }

  lines.push('## Evidence and notes per fault', '');
  for (const f of findings.faults) {
    lines.push(
      `- **${f.index} ${f.kind}** (${FAULT_DESCRIPTIONS[f.kind]}): ${[...f.evidence, ...f.notes].join('; ') || '–'}${f.error ? `; **error: ${f.error}**` : ''}`,
    );
  }
  lines.push('');

  if (report.probes.length > 0) {
    lines.push('## Raw HTTP probes', '');
    lines.push('| target | request | status line | first byte after | connection |', '|---|---|---|--:|---|');
    for (const p of report.probes) {
      lines.push(
        `| ${p.target} | ${p.name} | ${p.statusLine ?? '(none)'} | ${p.answeredAfterMs === undefined ? '–' : `${p.answeredAfterMs} ms`} | ${p.outcome === 'still open' ? 'still open at the limit' : p.outcome === 'connect failed' ? 'connect failed' : `${p.outcome === 'end' ? 'closed' : 'reset'} after ${p.closedAfterMs} ms`} |`,
      );
    }
    lines.push('');
  }

  lines.push('## Schedule (seed ' + schedule.seed + ')', '');
  lines.push('| # | planned at (s) | kind | target | duration (s) | parameters |', '|--:|--:|---|---|--:|---|');
  for (const f of schedule.faults) {
    const params = [
      f.minority === undefined ? '' : `minority ${f.minority.join(', ')}`,
      f.direction === undefined ? '' : `drops ${f.direction === 'in' ? 'incoming' : 'outgoing'}`,
      f.offsetSeconds === undefined ? '' : `${f.offsetSeconds >= 0 ? '+' : ''}${f.offsetSeconds} s`,
      f.method === undefined ? '' : f.method === 'stop' ? 'SIGSTOP, SIGCONT' : 'kill -9, restart',
    ]
      .filter((p) => p !== '')
      .join(', ');
    lines.push(`| ${f.index} | ${f.at} | ${f.kind} | ${f.target} | ${f.duration} | ${params} |`);
  }
  lines.push('');
  return lines.join('\n');
}

/** The goals of issue 17, each with its measured figures and whether it was met. */
function renderGoals(goals: readonly Goal[]): string[] {
  const lines: string[] = ['## Goals', ''];
  lines.push('| goal | measured on | measured | met |', '|---|---|---|---|');
  for (const goal of goals) {
    if (goal.rows.length === 0) {
      lines.push(`| ${goal.statement} | – | no such fault in this run | not measured |`);
      continue;
    }
    goal.rows.forEach((row, i) => {
      lines.push(
        `| ${i === 0 ? `${goal.statement}: ${met(goal.met)}` : ''} | ${row.subject} | ${row.measured.replace(/\|/g, '\\|')} | ${met(row.met)} |`,
      );
    });
  }
  lines.push('');
  lines.push(...goals.map((goal) => `- ${goal.statement}: measured over ${goal.how}.`), '');
  return lines;
}

/** What the run recorded besides the report itself. */
export interface RunRecords {
  answers: readonly Answer[];
  events: readonly LabEvent[];
  samples: readonly InstanceSample[];
  /** The timeline picture (timeline.svg), which report.md embeds. */
  svg: string;
}

/** Writes report.md, report.json, timeline.svg, answers.ndjson, events.ndjson and states.ndjson into `dir`. */
export async function writeReport(dir: string, report: Report, records: RunRecords): Promise<void> {
  writeFileSync(join(dir, 'report.md'), renderMarkdown(report));
  writeFileSync(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, 'timeline.svg'), records.svg);
  for (const [name, rows] of [
    ['answers.ndjson', records.answers],
    ['events.ndjson', records.events],
    ['states.ndjson', records.samples],
  ] as const) {
    const stream = createWriteStream(join(dir, name));
    for (const row of rows) stream.write(`${JSON.stringify(row)}\n`);
    await new Promise<void>((resolve) => stream.end(() => resolve()));
  }
}

export function machine(): Report['machine'] {
  return { cores: availableParallelism(), loadAverageAtStart: loadavg() };
}
