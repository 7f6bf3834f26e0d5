/**
 * One run of the fault harness: the life cycle of an instance B, with one
 * fault injected at one step and a follow-up at a later one, beside an
 * instance A whose clock runs 30 s ahead. Against a real etcd; every call of
 * B goes through a fault proxy that names the step it belongs to.
 *
 * The script (what happens when no fault is injected):
 *   1. A (clock +30 s) claims node 0 and issues; B claims node 1 and issues,
 *      renews its lease and extends its reservation;
 *   2. A dies (its lease is revoked, as etcd would expire it);
 *   3. B loses its lease (revoked), fences, releases it, and claims again:
 *      node 0, A's, whose mark is 30 s ahead of B's clock;
 *   4. B issues under node 0, then gets SIGTERM: it settles the mark and
 *      releases the node ID.
 * Steps are the calls B makes to etcd, named by what B is doing when it
 * makes them (told by the calls themselves: a revoke after issuing is a lost
 * lease being released, a grant after that a re-claim...): STEPS below, in
 * the order the script goes through them.
 *
 * A fault is one of FAULTS (the call fails with gRPC UNAVAILABLE, hangs past
 * the client's deadline, or takes effect in etcd with its answer lost), in one
 * of two shapes:
 *   - 'call': the call at the fault's step alone;
 *   - 'outage': every call of B from that step on, until the outage ends:
 *     after OUTAGE_MS when nothing follows; when B is killed; or, after a
 *     SIGTERM, once B's shutdown writes its mark (or DRAIN_OUTAGE_MS later):
 *     the network heals while it drains.
 * The follow-up: nothing, or SIGTERM or a crash (kill -9) when B's call of a
 * later step arrives (a killed B's call never reaches etcd). A follow-up whose
 * step never comes happens at the end of the script.
 *
 * Checked after each run:
 *   - no number (node ID, second, counter) was issued twice, by anyone;
 *   - for every node ID, the mark stored in etcd is above every second any
 *     holder issued under it, so that no later holder can repeat one.
 */
import type { Etcd3 } from 'etcd3';
import { startGrpcProxy, type Call, type CallFate, type GrpcProxy } from './grpcProxy.js';
import { SimulatedInstance, type Drawn } from './instance.js';

export const STEPS = [
  'start.grant',
  'start.list',
  'start.take',
  'start.read',
  'start.write',
  'issuing.renew',
  'issuing.extend',
  'lost.revoke',
  'reclaim.grant',
  'reclaim.list',
  'reclaim.take',
  'reclaim.read',
  'reclaim.write',
  'reclaim.revoke',
  'shutdown.settle',
  'shutdown.revoke',
] as const;
type Step = (typeof STEPS)[number];

export const FAULTS = ['fail', 'hang', 'lose'] as const;
type Fault = (typeof FAULTS)[number];

export const SHAPES = ['call', 'outage'] as const;
type Shape = (typeof SHAPES)[number];

type FollowUp = { kind: 'none' } | { kind: 'sigterm' | 'crash'; at: Step };

export interface Plan {
  step: Step;
  fault: Fault;
  shape: Shape;
  followUp: FollowUp;
}

/**
 * Every step x fault x shape x follow-up: nothing, or SIGTERM or a crash at
 * each later step (no SIGTERM at a step of the shutdown itself: it has had
 * one). No fault begins at reclaim.revoke, which only comes after a failure:
 * it falls inside the outages that begin before it.
 */
export function allPlans(): Plan[] {
  return STEPS.flatMap((step, index) =>
    step === 'reclaim.revoke'
      ? []
      : FAULTS.flatMap((fault) =>
          SHAPES.flatMap((shape) => [
            { step, fault, shape, followUp: { kind: 'none' } } satisfies Plan,
            ...STEPS.slice(index + 1).flatMap((at) =>
              (['sigterm', 'crash'] as const)
                .filter((kind) => kind === 'crash' || !at.startsWith('shutdown.'))
                .map((kind) => ({ step, fault, shape, followUp: { kind, at } }) satisfies Plan),
            ),
          ]),
        ),
  );
}

export const describePlan = (plan: Plan): string =>
  `${plan.fault} (${plan.shape}) at ${plan.step}, ${plan.followUp.kind === 'none' ? 'then nothing' : `${plan.followUp.kind} at ${plan.followUp.at}`}`;

export interface Outcome {
  /** Steps B reached, in order. */
  seen: Step[];
  /** Where the fault began, and where the follow-up came ('end': its step never came). */
  faultAt: Step | undefined;
  followUpAt: Step | 'end' | undefined;
  /** Numbers issued in the run. */
  issued: number;
  violations: string[];
}

const TTL_SECONDS = 3;
const RESERVE_SECONDS = 5;
const A_CLOCK_AHEAD_MS = 30_000;
/** How long a fault lasts when no follow-up ends it. */
const OUTAGE_MS = 2_000;
/**
 * After a SIGTERM, the longest the outage goes on waiting for the mark write:
 * longer than a call with its retries takes to fail (4 x the 500 ms deadline).
 */
const DRAIN_OUTAGE_MS = 4_000;

type Phase = 'start' | 'issuing' | 'lost' | 'reclaim' | 'issuing again' | 'shutdown';
type CallKind = 'grant' | 'list' | 'take' | 'read' | 'write' | 'renew' | 'revoke';

function kindOf(call: Call): CallKind | undefined {
  const keys = call.message.toString('latin1');
  if (call.method.endsWith('/LeaseGrant')) return 'grant';
  if (call.method.endsWith('/LeaseKeepAlive')) return 'renew';
  if (call.method.endsWith('/LeaseRevoke')) return 'revoke';
  if (call.method.endsWith('/Range')) return keys.includes('/high-water/') ? 'read' : 'list';
  if (call.method.endsWith('/Txn')) return keys.includes('/high-water/') ? 'write' : 'take';
  return undefined;
}

/**
 * What B is doing, from its calls: the phase after a call of `kind` in
 * `phase`, and the step that call is. (A shutdown begins when B gets SIGTERM.)
 */
function nextStep(phase: Phase, kind: CallKind): { phase: Phase; step: Step | undefined } {
  switch (phase) {
    case 'start':
      return { phase, step: kind === 'renew' || kind === 'revoke' ? undefined : `start.${kind}` };
    case 'issuing':
      if (kind === 'renew') return { phase, step: 'issuing.renew' };
      if (kind === 'write') return { phase, step: 'issuing.extend' };
      // Releasing a lost lease, then claiming again.
      if (kind === 'revoke') return { phase: 'lost', step: 'lost.revoke' };
      return kind === 'grant' ? { phase: 'reclaim', step: 'reclaim.grant' } : { phase, step: undefined };
    case 'lost':
      return kind === 'grant' ? { phase: 'reclaim', step: 'reclaim.grant' } : { phase, step: undefined };
    case 'reclaim':
      return { phase, step: kind === 'renew' ? undefined : `reclaim.${kind}` };
    case 'issuing again':
      return { phase, step: undefined };
    case 'shutdown':
      return { phase, step: kind === 'write' ? 'shutdown.settle' : kind === 'revoke' ? 'shutdown.revoke' : undefined };
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

/** Revokes the lease bound to `key`, as etcd does when it expires. */
async function revokeLeaseOf(admin: Etcd3, key: string): Promise<void> {
  const lease = (await admin.get(key).exec()).kvs[0]?.lease;
  if (lease !== undefined && lease !== '0') await admin.leaseClient.leaseRevoke({ ID: lease }).catch(() => undefined);
}

/** Runs the script with `plan`'s fault (none: the script alone), on a prefix of its own. */
export async function runScenario(etcd: string, admin: Etcd3, prefix: string, plan?: Plan): Promise<Outcome> {
  const draws: Drawn[] = [];
  let phase: Phase = 'start';
  const seen: Step[] = [];
  let faultAt: Step | undefined;
  let followUpAt: Step | 'end' | undefined;
  let outage = false;
  let b: SimulatedInstance | undefined;
  const lives: SimulatedInstance[] = [];
  // Every call of B goes through `decide`, below.
  const proxyB: GrpcProxy = await startGrpcProxy(etcd, (call) => decide(call));

  const followUp = (at: Step | 'end'): void => {
    if (plan === undefined || plan.followUp.kind === 'none' || followUpAt !== undefined || faultAt === undefined)
      return;
    followUpAt = at;
    if (plan.followUp.kind === 'crash') {
      outage = false;
      b?.crash();
      proxyB.kill();
    } else {
      // The outage ends at the shutdown's mark write, or when the calls under way have given up.
      phase = 'shutdown';
      setTimeout(() => (outage = false), DRAIN_OUTAGE_MS);
      void b?.shutdown();
    }
  };

  function decide(call: Call): CallFate {
    const kind = kindOf(call);
    if (kind === undefined) return 'forward';
    const next = nextStep(phase, kind);
    phase = next.phase;
    const { step } = next;
    if (step === 'shutdown.settle' && plan?.followUp.kind === 'sigterm') outage = false;
    let fate: CallFate = outage && plan !== undefined ? plan.fault : 'forward';
    if (step !== undefined && !seen.includes(step)) {
      seen.push(step);
      if (plan !== undefined && step === plan.step && faultAt === undefined) {
        faultAt = step;
        fate = plan.fault;
        if (plan.shape === 'outage') {
          outage = true;
          if (plan.followUp.kind === 'none') setTimeout(() => (outage = false), OUTAGE_MS);
        }
      } else if (plan !== undefined && plan.followUp.kind !== 'none' && step === plan.followUp.at) {
        followUp(step);
        if (plan.followUp.kind === 'crash') return 'hang';
      }
    }
    // The call at the start's mark write that goes through ends the start; a re-claim's, the re-claim.
    if (kind === 'write' && fate === 'forward' && (phase === 'start' || phase === 'reclaim')) {
      phase = phase === 'start' ? 'issuing' : 'issuing again';
    }
    return fate;
  }

  const proxyA = await startGrpcProxy(etcd, () => 'forward');
  const instance = (name: string, url: string, clockOffsetMs: number): SimulatedInstance => {
    const created = new SimulatedInstance(
      { name, etcd: url, prefix, leaseTtlSeconds: TTL_SECONDS, reserveSeconds: RESERVE_SECONDS, clockOffsetMs },
      draws,
    );
    lives.push(created);
    return created;
  };
  const crashed = (): boolean => plan?.followUp.kind === 'crash' && followUpAt !== undefined;
  const terminated = (): boolean => plan?.followUp.kind === 'sigterm' && followUpAt !== undefined;

  try {
    // A is not faulted: a start that fails (etcd slow to answer on a loaded machine, its calls have
    // deadlines of 500 ms) is tried again after a pause.
    let a = instance('A', proxyA.url, A_CLOCK_AHEAD_MS);
    for (let tries = 1; !(await a.start()); tries += 1) {
      if (tries === 6) throw new Error('A could not start');
      await sleep(250 * tries);
      a = instance('A', proxyA.url, A_CLOCK_AHEAD_MS);
    }

    // B starts. A start-up that fails is a process that exits; systemd's Restart= starts it once more.
    for (let life = 1; life <= 2; life += 1) {
      b = instance(`B${life}`, proxyB.url, 0);
      if (await b.start()) break;
      b = undefined;
      // In an outage, B cannot get further than its start: the follow-up comes now, and the outage ends.
      if (outage && plan !== undefined && plan.followUp.kind !== 'none') {
        followUpAt ??= 'end';
        outage = false;
      }
      await until(() => !outage, OUTAGE_MS + 500);
    }
    if (b !== undefined) {
      // The run without a fault expects every step, the extension too.
      const wantsExtension =
        plan === undefined ||
        plan.step === 'issuing.extend' ||
        (plan.followUp.kind !== 'none' && plan.followUp.at === 'issuing.extend');
      await until(
        () => seen.includes('issuing.renew') && (!wantsExtension || seen.includes('issuing.extend')),
        wantsExtension ? 6_000 : 2_000,
      );
    }

    // A dies; then B loses its lease and claims again: A's node 0, whose mark is 30 s ahead.
    a.crash();
    proxyA.kill();
    await revokeLeaseOf(admin, `${prefix}/nodes/0`);
    if (b !== undefined && !crashed() && !terminated()) {
      const nodeId = b.nodeId;
      if (nodeId !== undefined) await revokeLeaseOf(admin, `${prefix}/nodes/${nodeId}`);
      // `phase` moves on in the proxy's callback.
      const inPhase = (wanted: Phase): boolean => phase === wanted;
      await until(() => inPhase('issuing again') || crashed() || terminated(), 6_000);
      await sleep(300);
    }

    // SIGTERM; a follow-up that never found its step comes now, unless its step is part of the shutdown.
    const atShutdown = plan !== undefined && plan.followUp.kind !== 'none' && plan.followUp.at.startsWith('shutdown.');
    if (!atShutdown) followUp('end');
    if (b !== undefined && !crashed()) {
      if (!terminated()) phase = 'shutdown';
      await Promise.race([b.shutdown(), sleep(10_000)]);
    }
    if (atShutdown && followUpAt === undefined && faultAt !== undefined) followUpAt = 'end';
  } finally {
    await Promise.race([Promise.all(lives.map((life) => life.cleanup())), sleep(15_000)]);
    await proxyA.close();
    await proxyB.close();
  }
  return { seen, faultAt, followUpAt, issued: draws.length, violations: await violations(admin, prefix, draws) };
}

/** What must never happen: a number issued twice, or a stored mark at or below a second issued under it. */
async function violations(admin: Etcd3, prefix: string, draws: readonly Drawn[]): Promise<string[]> {
  const found: string[] = [];
  const byNumber = new Map<string, string>();
  const highest = new Map<number, { second: number; by: string }>();
  for (const d of draws) {
    const key = `${d.nodeId}:${d.second}:${d.counter}`;
    const earlier = byNumber.get(key);
    if (earlier !== undefined && found.length < 5) found.push(`number ${key} issued by ${earlier} and by ${d.by}`);
    byNumber.set(key, d.by);
    if ((highest.get(d.nodeId)?.second ?? -1) < d.second) highest.set(d.nodeId, { second: d.second, by: d.by });
  }
  for (const [nodeId, { second, by }] of highest) {
    const stored = await admin.get(`${prefix}/high-water/${nodeId}`).string();
    if (stored === null || Number(stored) <= second) {
      found.push(`node ${nodeId}: stored mark ${stored}, but ${by} issued second ${second} under it`);
    }
  }
  return found;
}
