/**
 * Each instance's state over time, as the controller sees it: every second,
 * from the controller's namespace, GET /readyz and /metrics of every instance.
 * A sample says whether the instance answered, its node ID, whether it
 * issues, why it is not ready, and the seconds of issuing it has left without
 * etcd when it renders them (tracknum_issuing_seconds_left, issue 17).
 */
import type { Timeline } from './timeline.js';

export type InstanceStateName =
  /** Issuing under a node ID and ready. */
  | 'issuing'
  /** Issuing, but /readyz says 503 (SHUTDOWN_DELAY: balancers should move away). */
  | 'draining'
  /** No node ID: claiming one. */
  | 'claiming'
  /** A node ID, but not issuing (lease not trusted, reservation used up, shutting down). */
  | 'not-issuing'
  /** The process runs but answered neither /readyz nor /metrics in time (isolated, paused). */
  | 'unreachable'
  /** No process. */
  | 'down';

export interface InstanceSample {
  /** Timeline ms when the poll began. */
  at: number;
  instance: string;
  state: InstanceStateName;
  nodeId?: number;
  /** /readyz's reason when it answered 503. */
  reason?: string;
  /** tracknum_issuing_seconds_left, when the instance renders it. */
  secondsLeft?: number;
  /** tracknum_lease_trusted_seconds and tracknum_etcd_last_success_age_seconds, when present. */
  leaseTrustedSeconds?: number;
  etcdAgeSeconds?: number;
}

/** The value of an unlabelled gauge in Prometheus text, or undefined. */
function metricValue(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name}(?:\\{\\})? (\\S+)$`, 'm').exec(text);
  if (match === null) return undefined;
  const value = Number(match[1]);
  return Number.isNaN(value) ? undefined : value;
}

/** What one poll's two answers say; either may be missing (no answer in time). */
export function sampleOf(
  instance: string,
  at: number,
  readyz: { status: number; body: string } | undefined,
  metrics: string | undefined,
  running: boolean,
): InstanceSample {
  if (!running) return { at, instance, state: 'down' };
  if (readyz === undefined && metrics === undefined) return { at, instance, state: 'unreachable' };
  let reason: string | undefined;
  let readyNodeId: number | undefined;
  if (readyz !== undefined) {
    try {
      const body = JSON.parse(readyz.body) as { reason?: unknown; node_id?: unknown };
      if (typeof body.reason === 'string') reason = body.reason;
      if (typeof body.node_id === 'number') readyNodeId = body.node_id;
    } catch {
      // Not JSON: no reason to show.
    }
  }
  const metricNodeId = metrics === undefined ? undefined : metricValue(metrics, 'tracknum_node_id');
  const issuingGauge = metrics === undefined ? undefined : metricValue(metrics, 'tracknum_issuing');
  const nodeId = readyNodeId ?? (metricNodeId !== undefined && metricNodeId >= 0 ? metricNodeId : undefined);
  const ready = readyz?.status === 200;
  // Without metrics, /readyz alone: ready means issuing.
  const issuing = issuingGauge === undefined ? ready : issuingGauge === 1;
  let state: InstanceStateName;
  if (issuing) state = ready || readyz === undefined ? 'issuing' : 'draining';
  else if (metricNodeId === -1 || (metricNodeId === undefined && /no node ID/.test(reason ?? ''))) state = 'claiming';
  else state = 'not-issuing';
  const sample: InstanceSample = { at, instance, state };
  if (nodeId !== undefined) sample.nodeId = nodeId;
  if (reason !== undefined && !ready) sample.reason = reason;
  if (metrics !== undefined) {
    const left = metricValue(metrics, 'tracknum_issuing_seconds_left');
    const trusted = metricValue(metrics, 'tracknum_lease_trusted_seconds');
    const age = metricValue(metrics, 'tracknum_etcd_last_success_age_seconds');
    if (left !== undefined) sample.secondsLeft = left;
    if (trusted !== undefined) sample.leaseTrustedSeconds = trusted;
    if (age !== undefined) sample.etcdAgeSeconds = age;
  }
  return sample;
}

export interface StatePoller {
  readonly samples: InstanceSample[];
  stop(): Promise<InstanceSample[]>;
}

const POLL_EVERY_MS = 1000;
const POLL_TIMEOUT_MS = 800;

async function get(url: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const answer = await fetch(url, { signal: AbortSignal.timeout(POLL_TIMEOUT_MS) });
    return { status: answer.status, body: await answer.text() };
  } catch {
    return undefined;
  }
}

/** Polls every instance each second until stopped. `running(name)`: does its process run now? */
export function pollInstances(
  instances: readonly { name: string; address: string; port: number }[],
  running: (name: string) => boolean,
  timeline: Timeline,
): StatePoller {
  const samples: InstanceSample[] = [];
  let polling = true;
  const loop = async (instance: { name: string; address: string; port: number }): Promise<void> => {
    const base = `http://${instance.address}:${instance.port}`;
    let next = timeline.now();
    while (polling) {
      const at = timeline.now();
      const isRunning = running(instance.name);
      const [readyz, metrics] = isRunning
        ? await Promise.all([get(`${base}/readyz`), get(`${base}/metrics`)])
        : [undefined, undefined];
      samples.push(sampleOf(instance.name, at, readyz, metrics?.status === 200 ? metrics.body : undefined, isRunning));
      next += POLL_EVERY_MS;
      const wait = next - timeline.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      else next = timeline.now();
    }
  };
  const loops = instances.map(loop);
  return {
    samples,
    stop: async () => {
      polling = false;
      await Promise.all(loops);
      return samples.sort((a, b) => a.at - b.at);
    },
  };
}
