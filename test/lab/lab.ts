/**
 * The lab: real etcd members, tracknum instances and load balancers, each on
 * a host of its own (a network namespace), under client load and a seeded
 * schedule of faults; then the checker and the report. Whatever happens (an
 * error, SIGINT, SIGTERM), the namespaces, the bridge and every process go.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeTrackingNumber } from '../../src/core/numberFormat.js';
import { parseTrackingNumber } from '../../src/core/trackingNumber.js';
import { check, type DecodeNumber } from './checker.js';
import { startClients, type Answer, type Target, type Via } from './clients.js';
import { pollInstances, type StatePoller } from './instanceStates.js';
import { watchEtcd } from './etcdWatch.js';
import { runFault, type FaultRun, type LabHosts } from './faults.js';
import {
  ETCD_CLIENT_PORT,
  ETCD_PREFIX,
  Hosts,
  instanceEnv,
  SERVICE_PORT,
  setClock,
  writeKeyFile,
  type Running,
} from './hosts.js';
import { haproxyConfig, nginxConfig } from './lbConfig.js';
import { LabNetwork, removeLeftovers, type NetHost } from './network.js';
import { preflight, toolPath } from './preflight.js';
import { probeAll, type ProbeResult } from './probes.js';
import { machine, writeReport, type LabSettings, type Report } from './report.js';
import { planSchedule } from './schedule.js';
import { Timeline, type LabEvent } from './timeline.js';
import { renderTimelineSvg, timelineView } from './timelineSvg.js';

export interface LabOptions {
  seed: number;
  /** Seconds of load; the short schedule takes what it needs instead. */
  durationSeconds: number;
  short: boolean;
  /** Where the report goes; default: a new directory under the system's temp directory. */
  outDir?: string;
  instances?: number;
  etcdMembers?: number;
  leaseTtlSeconds?: number;
  ratePerLane?: number;
  lanes?: Partial<Record<Via, number>>;
  /** Run etcd with --pre-vote (etcd 3.4's default is off). */
  etcdPreVote?: boolean;
  /** Raw-socket probes of HTTP/1.0, absolute-form and Host-less requests. */
  probes?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
  /** How the run was asked for, for the report. */
  command?: string;
}

/** Reads the lab's numbers with its key file (one line: generation 0 and the key in hex). */
function decoderOf(keyFile: string): DecodeNumber {
  const [generation, hex] = readFileSync(keyFile, 'utf8').trim().split(/\s+/);
  const keys = [{ generation: Number(generation), key: Buffer.from(hex ?? '', 'hex') }];
  return (trackingNumber) => {
    const parsed = parseTrackingNumber(trackingNumber);
    if (!parsed.ok) return undefined;
    try {
      const { nodeId, second } = decodeTrackingNumber(parsed, keys);
      return { nodeId, second };
    } catch {
      return undefined;
    }
  };
}

/** Every HAProxy server's last reported state is UP (none reported: up since the start). */
function haproxyAllUp(events: readonly LabEvent[]): boolean {
  const state = new Map<string, string>();
  for (const e of events) if (e.type === 'haproxy') state.set(e.server, e.state);
  return [...state.values()].every((s) => s === 'UP');
}

/** Each balancer answered 200 to every request sent in the last second (and to a few at least). */
function balancersServing(answers: readonly Answer[], now: number): boolean {
  return (['haproxy', 'nginx'] as const).every((via) => {
    const recent: Answer[] = [];
    for (let i = answers.length - 1; i >= 0 && answers[i]!.at >= now - 2000; i -= 1) {
      const a = answers[i]!;
      if (a.via === via && a.sentAt >= now - 1000) recent.push(a);
    }
    return recent.length >= 3 && recent.every((a) => a.status === 200);
  });
}

export interface LabResult {
  report: Report;
  dir: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** A client gives up on a request after this long (the load balancers' examples retry within it). */
const REQUEST_TIMEOUT_MS = 5000;
/**
 * The client path: one attempt may take 1 s (an instance answers in
 * milliseconds; a paused or cut-off one never does), a call 5 s like the
 * other paths' requests, with the client's default 2 more rounds.
 */
const CLIENT = { attemptTimeoutMs: 1000, deadlineMs: REQUEST_TIMEOUT_MS, retries: 2 };
/** How long to wait before a fault for every instance to issue again after the last one. */
const SETTLE_LIMIT_MS = 30_000;
const PROBE_LIMIT_MS = 20_000;

async function waitFor(what: string, limitMs: number, test: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    try {
      if (await test()) return;
    } catch {
      // Not yet.
    }
    if (Date.now() > deadline) throw new Error(`${what} within ${limitMs / 1000} s`);
    await sleep(200);
  }
}

const httpOk = async (url: string): Promise<boolean> =>
  (await fetch(url, { signal: AbortSignal.timeout(1000), headers: { host: 'tracknum' } })).status === 200;

export async function runLab(options: LabOptions): Promise<LabResult> {
  const log = options.log ?? (() => undefined);
  const instanceCount = options.instances ?? 4;
  const memberCount = options.etcdMembers ?? 3;
  const ttl = options.leaseTtlSeconds ?? 4;
  const ratePerLane = options.ratePerLane ?? 20;
  const lanes = { direct: 2, haproxy: 4, nginx: 4, client: 4, ...options.lanes };
  preflight();
  log(`seed ${options.seed}`);
  const removedLeftovers = removeLeftovers();
  if (removedLeftovers.length > 0) log(`removed leftovers of an interrupted run: ${removedLeftovers.join(', ')}`);

  const dir = options.outDir ?? mkdtempSync(join(tmpdir(), `tracknum-lab-${options.seed}-`));
  mkdirSync(dir, { recursive: true });
  const timeline = new Timeline();
  const wallAtZero = Date.now() - timeline.now();
  const machineAtStart = machine();
  const network = new LabNetwork();
  const hosts = new Hosts(dir, timeline);

  // Whatever ends this process, nothing of the lab stays behind.
  const emergency = (): void => {
    for (const r of hosts.running) r.child.kill('SIGKILL');
    network.destroy();
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    log(`${signal}: removing the lab`);
    emergency();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', emergency);

  let watch: { close(): Promise<void> } | undefined;
  let clients: ReturnType<typeof startClients> | undefined;
  let poller: StatePoller | undefined;
  try {
    const memberNames = Array.from({ length: memberCount }, (_, i) => `e${i + 1}`);
    const instanceNames = Array.from({ length: instanceCount }, (_, i) => `t${i + 1}`);
    for (const name of [...memberNames, ...instanceNames, 'lbh', 'lbn']) network.addHost(name);
    log(`network ${network.subnet}.0/24 on bridge ${network.bridge}; run directory ${dir}`);

    const etcdUrl = (h: NetHost): string => `http://${h.address}:${ETCD_CLIENT_PORT}`;
    const memberHosts = memberNames.map((n) => network.host(n));
    const dataRoot = join(dir, 'etcd');
    const token = `tnlab-${process.pid}-${Date.now()}`;
    const keyFile = writeKeyFile(dir);
    const etcdEndpoints = memberHosts.map(etcdUrl).join(',');
    const etcdHealthy = async (h: NetHost): Promise<boolean> => {
      const answer = await fetch(`${etcdUrl(h)}/health`, { signal: AbortSignal.timeout(1000) });
      return ((await answer.json()) as { health?: string }).health === 'true';
    };
    const launchEtcd = (name: string): void => {
      const member = lab.etcd.get(name)!;
      member.running = hosts.startEtcd(member.host, memberHosts, dataRoot, token, options.etcdPreVote === true);
    };

    const lab: LabHosts = {
      network,
      timeline,
      instances: new Map(
        instanceNames.map((name) => [name, { host: network.host(name), clockFile: join(dir, `clock-${name}`) }]),
      ),
      etcd: new Map(memberNames.map((name) => [name, { host: network.host(name) }])),
      startInstance: async (name) => {
        const instance = lab.instances.get(name)!;
        setClock(instance.clockFile, 0);
        delete instance.running;
        let lastError: unknown;
        for (let attempt = 0; attempt < 3; attempt += 1) {
          try {
            instance.running = await hosts.startInstance(
              instance.host,
              instanceEnv({ etcdEndpoints, leaseTtlSeconds: ttl, keyFile, clockFile: instance.clockFile }),
              join(dir, 'state', name),
            );
            return;
          } catch (error) {
            lastError = error;
            await sleep(1000);
          }
        }
        throw new Error(`instance ${name} did not start: ${(lastError as Error).message.slice(0, 500)}`);
      },
      startEtcdMember: async (name) => {
        launchEtcd(name);
        await waitFor(`etcd ${name} healthy`, 30_000, () => etcdHealthy(network.host(name)));
      },
      startEtcdMembers: async (names) => {
        names.forEach(launchEtcd);
        for (const name of names) {
          await waitFor(`etcd ${name} healthy`, 30_000, () => etcdHealthy(network.host(name)));
        }
      },
      etcdHealthy: async () => {
        for (const name of memberNames) {
          await waitFor(`etcd ${name} healthy`, 30_000, () => etcdHealthy(network.host(name)));
        }
      },
    };

    // etcd first, all members at once (they wait for each other).
    await lab.startEtcdMembers(memberNames);
    log(`etcd: ${memberNames.join(', ')} healthy`);
    watch = await watchEtcd(
      memberHosts.map((h) => ({ name: h.name, url: etcdUrl(h) })),
      ETCD_PREFIX,
      timeline,
    );

    // Instances two at a time: the machine is small.
    for (let i = 0; i < instanceNames.length; i += 2) {
      await Promise.all(instanceNames.slice(i, i + 2).map((name) => lab.startInstance(name)));
    }
    log(`instances: ${instanceNames.join(', ')} ready`);

    // Load balancers, configured from the guide's examples.
    const instanceAddresses = instanceNames.map((n) => network.host(n).address);
    const haproxyFile = join(dir, 'haproxy.cfg');
    writeFileSync(haproxyFile, haproxyConfig(instanceAddresses));
    const haproxyCheck = spawnSync(toolPath('haproxy'), ['-c', '-q', '-f', haproxyFile], { encoding: 'utf8' });
    if (haproxyCheck.status !== 0)
      throw new Error(`HAProxy refuses the guide's example: ${haproxyCheck.stderr.trim()}`);
    const nginxDir = join(dir, 'nginx');
    mkdirSync(nginxDir, { recursive: true });
    const nginxFile = join(dir, 'nginx.conf');
    writeFileSync(nginxFile, nginxConfig(instanceAddresses, nginxDir));
    const lbProcesses: Running[] = [
      hosts.startHaproxy(network.host('lbh'), haproxyFile),
      hosts.startNginx(network.host('lbn'), nginxFile, nginxDir),
    ];
    const lbUrl = (name: string): string => `http://${network.host(name).address}:80/readyz`;
    for (const name of ['lbh', 'lbn']) {
      try {
        await waitFor(`${name} answering 200`, 15_000, () => httpOk(lbUrl(name)));
      } catch (error) {
        // Reported, not fatal: the report shows what the documented configuration does.
        log(`${(error as Error).message}: it is not (the report will show it)`);
        timeline.add({ type: 'fault', fault: -1, phase: 'note', detail: `${name}: ${(error as Error).message}` });
      }
    }
    for (const lb of lbProcesses) {
      if (lb.child.exitCode !== null)
        throw new Error(`${lb.role} exited at start; see ${join(dir, 'logs', `${lb.host}.log`)}`);
    }
    const setupS = timeline.now() / 1000;
    log(`load balancers up; setup took ${setupS.toFixed(1)} s`);

    const schedule = planSchedule({
      seed: options.seed,
      durationSeconds: options.durationSeconds,
      instances: instanceNames,
      etcdMembers: memberNames,
      leaseTtlSeconds: ttl,
      short: options.short,
    });
    const targets: Target[] = [
      ...instanceNames.map((name) => ({
        name,
        via: 'direct' as const,
        address: network.host(name).address,
        port: SERVICE_PORT,
      })),
      { name: 'lbh', via: 'haproxy', address: network.host('lbh').address, port: 80 },
      { name: 'lbn', via: 'nginx', address: network.host('lbn').address, port: 80 },
      {
        name: 'client',
        via: 'client',
        instances: instanceNames.map((name) => ({ name, address: network.host(name).address, port: SERVICE_PORT })),
      },
    ];
    const isRunning = (name: string): boolean => {
      const child = lab.instances.get(name)?.running?.child;
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    };
    poller = pollInstances(
      instanceNames.map((name) => ({ name, address: network.host(name).address, port: SERVICE_PORT })),
      isRunning,
      timeline,
    );
    const loadStart = timeline.now();
    clients = startClients(targets, { lanes, ratePerLane, timeoutMs: REQUEST_TIMEOUT_MS, client: CLIENT }, timeline);

    // Probes go to an instance no early fault touches, and to both load balancers.
    const quiet = instanceNames.find(
      (n) => !schedule.faults.some((f) => f.at < 25 && (f.target === n || f.minority?.includes(n))),
    );
    const probing: Promise<ProbeResult[]> =
      options.probes === false
        ? Promise.resolve([])
        : probeAll(
            [
              ...(quiet === undefined
                ? []
                : [{ name: `${quiet} (direct)`, address: network.host(quiet).address, port: SERVICE_PORT }]),
              { name: 'HAProxy', address: network.host('lbh').address, port: 80 },
              { name: 'nginx', address: network.host('lbn').address, port: 80 },
            ],
            PROBE_LIMIT_MS,
          );

    const runs: FaultRun[] = [];
    for (const fault of schedule.faults) {
      const due = loadStart + fault.at * 1000;
      if (due > timeline.now()) await sleep(due - timeline.now());
      // Keep the lab whole: whatever a fault left dead runs again before the next one.
      for (const [name, instance] of lab.instances) {
        if (
          instance.running === undefined ||
          instance.running.child.exitCode !== null ||
          instance.running.child.signalCode !== null
        ) {
          log(`restarting instance ${name} before fault ${fault.index}`);
          await lab.startInstance(name).catch((error: unknown) => log((error as Error).message));
        }
      }
      for (const [name, member] of lab.etcd) {
        if (
          member.running === undefined ||
          member.running.child.exitCode !== null ||
          member.running.child.signalCode !== null
        ) {
          log(`restarting etcd ${name} before fault ${fault.index}`);
          await lab.startEtcdMember(name).catch((error: unknown) => log((error as Error).message));
        }
      }
      // ...and issues, and the balancers serve again (HAProxy with every server up, nginx past the
      // fail_timeout of the servers it took out): one fault at a time, so that what a window shows
      // is that fault's doing, its recovery included.
      const settleStart = timeline.now();
      try {
        await waitFor('every instance ready', SETTLE_LIMIT_MS, async () =>
          (
            await Promise.all(
              instanceNames.map((n) => httpOk(`http://${network.host(n).address}:${SERVICE_PORT}/readyz`)),
            )
          ).every(Boolean),
        );
        await waitFor(
          'HAProxy with every server up, and each balancer answering 200 for a second',
          SETTLE_LIMIT_MS - (timeline.now() - settleStart),
          () => Promise.resolve(haproxyAllUp(timeline.events) && balancersServing(clients!.answers, timeline.now())),
        );
      } catch (error) {
        log(`before fault ${fault.index}: ${(error as Error).message}: not all`);
      }
      const settled = (timeline.now() - settleStart) / 1000;
      if (settled > 1) log(`waited ${settled.toFixed(1)} s for the lab to be whole before fault ${fault.index}`);
      log(
        `fault ${fault.index}: ${fault.kind} on ${fault.target} at ${((timeline.now() - loadStart) / 1000).toFixed(1)} s`,
      );
      const run = await runFault(lab, fault);
      if (run.error !== undefined) log(`fault ${fault.index} failed: ${run.error}`);
      runs.push(run);
    }
    // Time to recover after the last fault, and the rest of the planned duration.
    const end = Math.max(loadStart + schedule.durationSeconds * 1000, timeline.now() + 2 * ttl * 1000);
    await sleep(end - timeline.now());
    const loadEnd = timeline.now();
    const answers = await clients.stop();
    clients = undefined;
    const samples = await poller.stop();
    poller = undefined;
    const loadS = (timeline.now() - loadStart) / 1000;
    const probes = await probing;
    await watch.close();
    watch = undefined;
    await hosts.killAll();
    network.destroy();

    const findings = check({
      answers,
      events: timeline.events,
      runs,
      instances: instanceNames,
      etcdMembers: memberNames,
      leaseTtlSeconds: ttl,
      loadStart,
      loadEnd,
      wallAtZero,
      samples,
      decode: decoderOf(keyFile),
    });
    const settings: LabSettings = {
      seed: options.seed,
      durationSeconds: schedule.durationSeconds,
      short: options.short,
      instances: instanceCount,
      etcdMembers: memberCount,
      leaseTtlSeconds: ttl,
      etcdPreVote: options.etcdPreVote === true,
      ratePerLane,
      lanes,
      client: CLIENT,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      command: options.command ?? '',
    };
    const report: Report = {
      settings,
      startedAt: timeline.startedAtIso,
      timings: { setupS, loadS, totalS: timeline.now() / 1000 },
      schedule,
      findings,
      probes,
      removedLeftovers,
      machine: machineAtStart,
    };
    const svg = renderTimelineSvg(
      timelineView({
        title: `tracknum lab, seed ${options.seed}${options.short ? ' (short schedule)' : ''}: ${findings.verdict.duplicates.length} duplicates`,
        subtitle: `${findings.requests} requests, ${instanceCount} instances, ${memberCount} etcd members, ETCD_LEASE_TTL=${ttl}; started ${timeline.startedAtIso}`,
        answers,
        events: timeline.events,
        samples,
        runs,
        instances: instanceNames,
        etcdMembers: memberNames,
        loadStart,
        loadEnd,
      }),
    );
    await writeReport(dir, report, { answers, events: timeline.events, samples, svg });
    return { report, dir };
  } finally {
    await clients?.stop().catch(() => undefined);
    await poller?.stop().catch(() => undefined);
    await watch?.close().catch(() => undefined);
    await hosts.killAll().catch(() => undefined);
    network.destroy();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', emergency);
  }
}
