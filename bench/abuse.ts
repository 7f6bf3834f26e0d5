/**
 * `npm run abuse:full`: issue 16's findings replayed at full size against the
 * production bundle (as deployed: `npm run bundle`, plain node, 2 workers,
 * the default body budget), printing what it measured as Markdown (kept in
 * bench/results/abuse.md).
 *
 *   1. amplification: 6 requests at once, again and again, for ABUSE_SECONDS
 *      (60): the 1 MiB bodies of empty orders and of 1s (answered with 195 MB
 *      and 107 MB before), and of the largest problems there can be;
 *   2. slow bodies: 3,000 connections, each declaring 1 MiB, sending 1 MiB - 1
 *      byte at once and stalling, each opened again as soon as it is closed,
 *      for ABUSE_SECONDS (1,000 of them took RSS to 1.14 GB before, 3,000 to 3.18 GB);
 *   3. both at once, for ABUSE_SECONDS;
 *   4. a client burning numbers: with a clients file, batches of 1,000 over 4
 *      connections for ABUSE_SECONDS (unauthenticated, 1.23 M numbers a second
 *      emptied the reserve after 22 s before), while a second client's GETs
 *      must keep being served.
 *
 * Each phase runs against a fresh instance. Throughout each phase a GET client sends GET /next-tracking-number 100 times
 * a second (each on a fresh connection, whether or not the last was answered),
 * and the service's resident memory is sampled every 100 ms. The attackers run
 * in child processes at the lowest CPU priority, 500 connections each, on the
 * same 2 cores as the service: over a network their sending would cost their
 * own machines. Environment: ABUSE_SECONDS (default 60), ABUSE_CONNECTIONS
 * (default 3000).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  amplifiers,
  burn,
  cpuMs,
  MAX_ANSWER_BYTES,
  metric,
  MiB,
  percentile,
  prepareStalledBodies,
  rssBytes,
  sampleRss,
  send,
  startProbe,
  type ProbeResult,
  type Sent,
} from '../test/abuse/attacks.js';
import type { StallOutcome } from '../test/fixtures/stalledBodies.js';
import { ROOT, startService, type Service } from '../test/helpers/service.js';
import { newToken, type ClientRoute } from '../src/clients/clientsFile.js';
import { bearer, writeClientsFile } from '../test/helpers/clients.js';

const SECONDS = Number(process.env['ABUSE_SECONDS'] ?? 60);
const CONNECTIONS = Number(process.env['ABUSE_CONNECTIONS'] ?? 3000);
const PARALLEL = 6;

interface Phase {
  name: string;
  seconds: number;
  rssBefore: number;
  rssMax: number;
  rssAfter: number;
  cpuSeconds: number;
  probe: ProbeResult;
  amplification?: Sent[];
  stalled?: StallOutcome;
  heldAfter: number;
  /** The instance's batch answers by status (its /metrics). */
  batchAnswers: string;
}

/** Sends the amplifying bodies, PARALLEL at a time, until `until`. */
async function amplify(service: Service, until: number): Promise<Sent[]> {
  const bodies = Object.values(amplifiers());
  const answers: Sent[] = [];
  const lane = async (lane: number): Promise<void> => {
    for (let i = lane; performance.now() < until; i += 1) {
      try {
        answers.push(await send(service.port, '/tracking-numbers', bodies[i % bodies.length]));
      } catch {
        // Refused with the connection closed before the body was all sent: counted as status 0.
        answers.push({ status: 0, bytes: 0, ms: 0, body: '', contentType: undefined });
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, (_, i) => lane(i)));
  return answers;
}

async function phase(service: Service, name: string, amplifying: boolean, stalling: boolean): Promise<Phase> {
  const pid = service.child.pid!;
  const attack = stalling
    ? await prepareStalledBodies(service.port, {
        connections: CONNECTIONS,
        processes: Math.ceil(CONNECTIONS / 500),
        declared: MiB,
        sent: MiB - 1,
        reconnectForMs: SECONDS * 1000,
        deadlineMs: SECONDS * 1000 + 15_000,
        rampMs: 0,
      })
    : undefined;
  const rssBefore = rssBytes(pid);
  const cpuBefore = cpuMs(pid);
  const rss = sampleRss(pid, 100);
  const probe = startProbe(service.port, 100);
  const until = performance.now() + SECONDS * 1000;
  const [amplification, stalled] = await Promise.all([
    amplifying ? amplify(service, until) : undefined,
    attack?.start(),
    sleep(SECONDS * 1000),
  ]);
  const probed = await probe.stop();
  const rssMax = rss.stop();
  const cpuSeconds = (cpuMs(pid) - cpuBefore) / 1000;
  // Connections the attackers closed last are released as the server sees them go.
  let heldAfter = await metric(service.port, 'tracknum_body_bytes_held');
  for (let i = 0; i < 50 && heldAfter > 0; i += 1) {
    await sleep(200);
    heldAfter = await metric(service.port, 'tracknum_body_bytes_held');
  }
  const text = (await send(service.port, '/metrics')).body;
  const batchAnswers = [...text.matchAll(/^tracknum_requests_total\{route="batch",status="(\d+|other)"\} (\S+)$/gm)]
    .map(([, status, n]) => `${status}: ${n}`)
    .join(', ');
  return {
    name,
    seconds: SECONDS,
    batchAnswers,
    rssBefore,
    rssMax,
    rssAfter: rssBytes(pid),
    cpuSeconds,
    probe: probed,
    ...(amplification === undefined ? {} : { amplification }),
    ...(stalled === undefined ? {} : { stalled }),
    heldAfter,
  };
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;
const ms = (value: number): string => (Number.isNaN(value) ? '-' : `${value.toFixed(1)} ms`);
const counts = (record: Record<string, number>): string =>
  Object.entries(record)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, n]) => `${key}: ${n}`)
    .join(', ');

function report(phases: readonly Phase[]): string {
  const lines = [
    `## Abuse replay ${new Date().toISOString()}`,
    '',
    `Machine: ${cpus().length} cores, ${Math.round(totalmem() / 1e6)} MB RAM, Node ${process.versions.node}; ` +
      `load average at the end ${loadavg()
        .map((l) => l.toFixed(2))
        .join(', ')}.`,
    `Command: \`ABUSE_SECONDS=${SECONDS} ABUSE_CONNECTIONS=${CONNECTIONS} npm run abuse:full\`. ` +
      'Service: the production bundle, 2 workers, body budget 64 MiB; a fresh instance for each phase ' +
      '(RSS before: idle, 2 s after ready).',
    '',
    '| phase | RSS before | RSS max | RSS after | service CPU | GETs sent | GET answers | GET p50 | GET p99 | GET max | body bytes held after |',
    '|---|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|',
  ];
  for (const p of phases) {
    const l = p.probe.latenciesMs;
    lines.push(
      `| ${p.name} | ${mb(p.rssBefore)} | ${mb(p.rssMax)} | ${mb(p.rssAfter)} | ${p.cpuSeconds.toFixed(1)} s | ` +
        `${p.probe.sent} | ${counts(p.probe.statuses)} | ${ms(percentile(l, 50))} | ${ms(percentile(l, 99))} | ` +
        `${ms(percentile(l, 100))} | ${p.heldAfter} |`,
    );
  }
  lines.push('');
  for (const p of phases) {
    if (p.amplification !== undefined) {
      const answered = p.amplification.filter((a) => a.status !== 0);
      const times = answered.map((a) => a.ms).sort((a, b) => a - b);
      const byStatus: Record<string, number> = {};
      for (const a of p.amplification) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
      const largest = Math.max(0, ...answered.map((a) => a.bytes));
      lines.push(
        `${p.name}: ${p.amplification.length} amplifying requests (${PARALLEL} at a time): ${counts(byStatus)} ` +
          `(0: connection closed before an answer was read); largest answer ${largest} bytes ` +
          `(bound ${MAX_ANSWER_BYTES}); time to answer p50 ${ms(percentile(times, 50))}, ` +
          `p99 ${ms(percentile(times, 99))}, max ${ms(percentile(times, 100))}.`,
      );
    }
    if (p.stalled !== undefined) {
      const s = p.stalled;
      const answerMs = Object.entries(s.answerMs)
        .map(([status, r]) => `${status} after ${(r.min / 1000).toFixed(2)} to ${(r.max / 1000).toFixed(2)} s`)
        .join(', ');
      lines.push(
        `${p.name}: ${CONNECTIONS} stalled connections kept open: ${s.opened} opened in all; answers ${counts(s.statuses)}; ` +
          `errors ${counts(s.errors) || 'none'} (none: the connection was closed while the attacker was still ` +
          `writing, which Node reports as EPIPE without reading the answer); ${answerMs}.`,
      );
    }
    const slowest = p.probe.slowest.slice(0, 5).map((g) => `${g.ms.toFixed(0)} ms at ${(g.atMs / 1000).toFixed(1)} s`);
    lines.push(`${p.name}: slowest GETs ${slowest.join(', ')}.`);
    lines.push(`${p.name}: the instance answered batches ${p.batchAnswers}.`, '');
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'tracknum-abuse-'));
  try {
    const bundled = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bundle.ts', '--out', out], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (bundled.status !== 0) throw new Error('npm run bundle failed');
    const phases: Phase[] = [];
    for (const [name, amplifying, stalling] of [
      ['1. amplification', true, false],
      ['2. stalled bodies', false, true],
      ['3. both', true, true],
    ] as const) {
      // A fresh instance for each phase, so that each starts from an idle one.
      const service = await startService({ command: [process.execPath, join(out, 'main.js')] });
      try {
        await sleep(2000);
        phases.push(await phase(service, name, amplifying, stalling));
      } finally {
        await service.stop();
      }
    }
    process.stdout.write(report(phases));
    process.stdout.write(await burnPhase(join(out, 'main.js'), out));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Phase 4: a client burning numbers, held to its quota, beside a client that only wants its numbers. */
async function burnPhase(main: string, dir: string): Promise<string> {
  const routes: ClientRoute[] = ['issue', 'batch', 'metrics'];
  const burner = { name: 'burner', token: newToken(), quota: 100_000, burst: 100_000, routes };
  const bystander = { name: 'bystander', token: newToken(), quota: 1_000, burst: 1_000, routes };
  const path = writeClientsFile([burner, bystander], dir);
  const service = await startService({ command: [process.execPath, main], env: { CLIENTS_FILE: path } });
  try {
    await sleep(2000);
    const probe = startProbe(service.port, 100, bearer(bystander));
    const started = performance.now();
    const statuses = await burn(service.port, burner.token, started + SECONDS * 1000);
    const seconds = (performance.now() - started) / 1000;
    const probed = await probe.stop();
    const issued = await metric(service.port, 'tracknum_client_numbers_issued_total', 'client="burner"', burner.token);
    const refused = await metric(
      service.port,
      'tracknum_client_numbers_refused_total',
      'client="burner"',
      burner.token,
    );
    const l = probed.latenciesMs;
    return [
      `4. a client burning numbers (clients file; burner quota ${burner.quota}/s, burst ${burner.burst}; batches of 1,000 over 4 connections for ${seconds.toFixed(0)} s): ` +
        `burner answers ${counts(statuses)}; numbers issued to it ${issued} (${(issued / seconds).toFixed(0)} a second, ` +
        `at most ${(burner.burst + seconds * burner.quota).toFixed(0)} allowed), refused ${refused}; ` +
        `the bystander's GETs ${counts(probed.statuses)} of ${probed.sent} ` +
        `(${(((probed.statuses[200] ?? 0) / probed.sent) * 100).toFixed(2)}% served), p50 ${ms(percentile(l, 50))}, p99 ${ms(percentile(l, 99))}.`,
      '',
    ].join('\n');
  } finally {
    await service.stop();
  }
}

await main();
