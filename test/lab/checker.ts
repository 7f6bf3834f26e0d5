/**
 * The checker: from every recorded answer and the timeline, the verdict (no
 * number acknowledged with 200 twice, numbers compared as opaque strings)
 * and what the faults did: availability during each, for each cut instance
 * when it stopped issuing against when etcd deleted its node key, recovery
 * after each heal, and whether each fault visibly happened.
 */
import { PATHS, type Answer, type Via } from './clients.js';
import type { FaultRun } from './faults.js';
import type { InstanceSample } from './instanceStates.js';
import { FAULT_KINDS, type FaultKind } from './schedule.js';
import type { LabEvent } from './timeline.js';

/** How the service's log lines begin when a node-ID lease is lost, and when a node ID is held again (nodeIdHolder.ts). */
const NODE_ID_LOST = 'node ID lost';
const NODE_ID_HELD_AGAIN = 'node ID held again';

export interface Share {
  requests: number;
  ok: number;
  /** ok / requests, or null without requests. */
  share: number | null;
}

interface Fence {
  instance: string;
  pid: number;
  /** The node key it held when the fault began. */
  nodeKey?: string;
  /** ms after injection: its last 200 (seen by a direct client), its first refusal, its "node ID lost" line, etcd's deletion of its node key. */
  lastOkMs?: number;
  firstRefusalMs?: number;
  lostLogMs?: number;
  reason?: string;
  keyDeletedMs?: number;
  /** keyDeletedMs - lastOkMs: how long before the lease expired it stopped (positive: in time). */
  marginMs?: number;
  /** 200s it answered after the fault's heal and before it held a node ID again (pause: should be 0). */
  okAfterHealBeforeReclaim: number;
}

interface FaultFinding {
  index: number;
  kind: FaultKind;
  target: string;
  detail: string;
  /** Seconds after the load started, like the schedule's times. */
  injectedAtS: number;
  healedAtS: number;
  doneAtS: number;
  availability: Share & { byVia: Partial<Record<Via, Share>> };
  /** From the injection until the next fault's (or the load's end): the fault and everything it caused. */
  whole: Share & { byVia: Partial<Record<Via, Share>> };
  fences: Fence[];
  /** Instances not meant to lose etcd that stopped issuing too ("node ID lost"), from the injection until the next fault. */
  alsoFenced: string[];
  /** Availability from when the fault was done until the next one was injected (or the load ended). */
  aftermath: Share & { byVia: Partial<Record<Via, Share>> };
  /** ms from heal to the first 200 of each instance that was refusing (or unreachable) when healed. */
  recoveryMs: Record<string, number | null>;
  happened: boolean;
  evidence: string[];
  notes: string[];
  error?: string;
}

/** One measured figure of a goal: a path, a fault, an instance. */
interface GoalRow {
  subject: string;
  measured: string;
  /** The figure itself (a share, a count), null when nothing was measured. */
  value: number | null;
  met: boolean | null;
}

export const GOAL_IDS = [
  'available-under-faults',
  'etcd-outage',
  'split-keeps-issuing',
  'rolling-restart',
  'no-duplicates',
] as const;
export type GoalId = (typeof GOAL_IDS)[number];

export interface Goal {
  id: GoalId;
  statement: string;
  /** How it was measured: which requests, which window. */
  how: string;
  rows: GoalRow[];
  /** Every row met; null when no row was measured (no such fault in this run). */
  met: boolean | null;
}

/** What the client path's calls did: how often a call needed another instance. */
interface ClientCalls {
  calls: number;
  /** Calls with more than one attempt. */
  failedOver: number;
  /** Of those, the ones that still got a number. */
  failedOverOk: number;
  attempts: number;
  maxAttempts: number;
  /** Failed calls by TracknumClientError kind. */
  failedByKind: Record<string, number>;
}

export interface Findings {
  verdict: {
    ok: boolean;
    numbers: number;
    distinct: number;
    duplicates: { number: string; answers: Answer[] }[];
    /** 200 answers without a readable number: never expected. */
    malformed: number;
  };
  requests: number;
  byStatus: Record<string, number>;
  availability: Share & { byVia: Partial<Record<Via, Share>>; outsideFaults: Share };
  haproxyStateChanges: number;
  faults: FaultFinding[];
  client: ClientCalls;
  /** Seconds of each node ID, by process, read from the numbers themselves (absent without a decoder). */
  nodeSeconds?: NodeSecondsCheck;
  goals: Goal[];
}

/** The numbers one process issued under one node ID, as read with the lab's key. */
interface Holding {
  nodeId: number;
  instance: string;
  pid: number;
  firstSecond: number;
  lastSecond: number;
  numbers: number;
}

/**
 * No second is used under one node ID by two processes: each holder of a node
 * ID issues above every second an earlier holder used (readme: "Why numbers
 * never repeat"), whatever the fence does; two processes in one second of one
 * node ID is what a duplicate needs. Read from the numbers themselves.
 */
export interface NodeSecondsCheck {
  holdings: Holding[];
  /** Numbers placed: direct answers, and client answers by the instance that answered. */
  read: number;
  /** 200 answers from a known instance whose number could not be decoded, or whose process is unknown. */
  unplaced: number;
  /** Seconds of a node ID in which numbers came from more than one process. */
  shared: { nodeId: number; second: number; holders: { instance: string; pid: number }[] }[];
}

/** A number's node ID and second, read with the lab's key; undefined when it cannot be read. */
export type DecodeNumber = (trackingNumber: string) => { nodeId: number; second: number } | undefined;

const share = (answers: readonly Answer[]): Share => {
  const ok = answers.filter((a) => a.status === 200).length;
  return { requests: answers.length, ok, share: answers.length === 0 ? null : ok / answers.length };
};

const byVia = (answers: readonly Answer[]): Partial<Record<Via, Share>> => {
  const result: Partial<Record<Via, Share>> = {};
  for (const via of PATHS) {
    const mine = answers.filter((a) => a.via === via);
    if (mine.length > 0) result[via] = share(mine);
  }
  return result;
};

/** Kinds whose target (or minority, or every) instances lose etcd. */
const CUT_KINDS = new Set<FaultKind>(['etcd-cut', 'etcd-split', 'isolate', 'one-way', 'pause', 'etcd-outage']);

/**
 * Kinds that, by design, leave at least one instance reachable and able to
 * issue: every kind but the etcd outage (which takes etcd from every instance;
 * its own goal asks more of it).
 */
export const LEAVES_AN_ISSUER: ReadonlySet<FaultKind> = new Set<FaultKind>(
  FAULT_KINDS.filter((kind) => kind !== 'etcd-outage'),
);

/** The availability goal under faults that leave an issuer. */
const AVAILABILITY_GOAL = 0.999;

export interface CheckInput {
  answers: readonly Answer[];
  events: readonly LabEvent[];
  runs: readonly FaultRun[];
  instances: readonly string[];
  etcdMembers: readonly string[];
  leaseTtlSeconds: number;
  /** Timeline ms when the load started: the report's times count from there, like the schedule's. */
  loadStart: number;
  loadEnd: number;
  /** Wall-clock ms of timeline 0 (the controller's clock), to read instances' skew from their answers. */
  wallAtZero: number;
  /** Each instance's state, polled every second (optional: older runs have none). */
  samples?: readonly InstanceSample[];
  /** Reads numbers with the lab's key, for the tenure check (optional). */
  decode?: DecodeNumber;
}

export function check(input: CheckInput): Findings {
  const { answers, events } = input;
  const numbers = new Map<string, Answer[]>();
  for (const answer of answers) {
    if (answer.status !== 200 || answer.number === undefined) continue;
    const list = numbers.get(answer.number);
    if (list === undefined) numbers.set(answer.number, [answer]);
    else list.push(answer);
  }
  const duplicates = [...numbers]
    .filter(([, list]) => list.length > 1)
    .map(([number, list]) => ({ number, answers: list }));
  const okCount = answers.filter((a) => a.status === 200).length;
  const malformed = answers.filter((a) => a.status === 299).length;
  const byStatus: Record<string, number> = {};
  for (const a of answers) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;

  const inAnyFault = (a: Answer): boolean => input.runs.some((r) => a.sentAt >= r.injectedAt && a.sentAt <= r.doneAt);
  const faults = input.runs.map((run, i) => checkFault(input, run, input.runs[i + 1]?.injectedAt ?? input.loadEnd));
  const verdict = {
    ok: duplicates.length === 0 && malformed === 0,
    numbers: okCount,
    distinct: numbers.size,
    duplicates,
    malformed,
  };

  return {
    verdict,
    requests: answers.length,
    byStatus,
    availability: {
      ...share(answers),
      byVia: byVia(answers),
      outsideFaults: share(answers.filter((a) => !inAnyFault(a))),
    },
    haproxyStateChanges: events.filter((e) => e.type === 'haproxy').length,
    faults,
    client: clientCalls(answers),
    ...(input.decode === undefined ? {} : { nodeSeconds: checkNodeSeconds(input, input.decode) }),
    goals: goals(input, faults, verdict),
  };
}

/** Where the number of a 200 answer was issued: the instance, and when its answering attempt began. */
function issuer(a: Answer): { instance: string; at: number } | undefined {
  if (a.via === 'direct') return { instance: a.target, at: a.sentAt };
  if (a.via === 'client' && a.answeredBy !== undefined) {
    return { instance: a.answeredBy, at: a.sentAt + (a.attempts?.at(-1)?.startedAtMs ?? 0) };
  }
  return undefined;
}

/**
 * The process of `host` that was running at `at`: processes on one host run
 * one after another (the lab starts one only once the last has exited), so it
 * is the first started one that had not exited by then. Exit times are exact;
 * a start is recorded only once the process said it was ready, after it may
 * have answered, so start times are not used.
 */
function processAt(events: readonly LabEvent[]): (host: string, at: number) => number | undefined {
  const byHost = new Map<string, { pid: number; exitedAt: number }[]>();
  for (const e of events) {
    if (e.type === 'started' && e.role === 'instance') {
      const list = byHost.get(e.host) ?? [];
      list.push({ pid: e.pid, exitedAt: Infinity });
      byHost.set(e.host, list);
    }
  }
  for (const e of events) {
    if (e.type !== 'exited') continue;
    const found = byHost.get(e.host)?.find((p) => p.pid === e.pid);
    if (found !== undefined) found.exitedAt = e.at;
  }
  return (host, at) => byHost.get(host)?.find((p) => p.exitedAt >= at)?.pid;
}

export function checkNodeSeconds(
  input: Pick<CheckInput, 'answers' | 'events' | 'instances'>,
  decode: DecodeNumber,
): NodeSecondsCheck {
  const pidOf = processAt(input.events);
  const holdings = new Map<string, Holding>();
  const bySecond = new Map<string, Map<number, string>>();
  let read = 0;
  let unplaced = 0;
  for (const a of input.answers) {
    if (a.status !== 200 || a.number === undefined) continue;
    const from = issuer(a);
    if (from === undefined || !input.instances.includes(from.instance)) continue;
    const fields = decode(a.number);
    const pid = pidOf(from.instance, from.at);
    if (fields === undefined || pid === undefined) {
      unplaced += 1;
      continue;
    }
    read += 1;
    const key = `${fields.nodeId} ${pid}`;
    const holding = holdings.get(key);
    if (holding === undefined) {
      holdings.set(key, {
        nodeId: fields.nodeId,
        instance: from.instance,
        pid,
        firstSecond: fields.second,
        lastSecond: fields.second,
        numbers: 1,
      });
    } else {
      holding.firstSecond = Math.min(holding.firstSecond, fields.second);
      holding.lastSecond = Math.max(holding.lastSecond, fields.second);
      holding.numbers += 1;
    }
    const second = `${fields.nodeId} ${fields.second}`;
    const pids = bySecond.get(second) ?? new Map<number, string>();
    pids.set(pid, from.instance);
    bySecond.set(second, pids);
  }
  const shared: NodeSecondsCheck['shared'] = [];
  for (const [key, pids] of bySecond) {
    if (pids.size < 2) continue;
    const [nodeId, second] = key.split(' ').map(Number) as [number, number];
    shared.push({ nodeId, second, holders: [...pids].map(([pid, instance]) => ({ instance, pid })) });
  }
  return {
    holdings: [...holdings.values()].sort((x, y) => x.nodeId - y.nodeId || x.firstSecond - y.firstSecond),
    read,
    unplaced,
    shared: shared.sort((x, y) => x.nodeId - y.nodeId || x.second - y.second),
  };
}

function clientCalls(answers: readonly Answer[]): ClientCalls {
  const calls = answers.filter((a) => a.via === 'client');
  const attemptsOf = (a: Answer): number => a.attempts?.length ?? 1;
  const failedByKind: Record<string, number> = {};
  for (const a of calls) {
    if (a.status !== 200) failedByKind[a.kind ?? 'other'] = (failedByKind[a.kind ?? 'other'] ?? 0) + 1;
  }
  const failedOver = calls.filter((a) => attemptsOf(a) > 1);
  return {
    calls: calls.length,
    failedOver: failedOver.length,
    failedOverOk: failedOver.filter((a) => a.status === 200).length,
    attempts: calls.reduce((sum, a) => sum + attemptsOf(a), 0),
    maxAttempts: calls.reduce((max, a) => Math.max(max, attemptsOf(a)), 0),
    failedByKind,
  };
}

const percent = (s: Share): string =>
  s.share === null ? 'no requests' : `${(s.share * 100).toFixed(2)}% (${s.requests - s.ok} of ${s.requests} failed)`;

/** Each goal of issue 17 with its measured figures, from the findings of every fault. */
function goals(input: CheckInput, faults: readonly FaultFinding[], verdict: Findings['verdict']): Goal[] {
  const metAll = (rows: readonly GoalRow[]): boolean | null =>
    rows.some((r) => r.met === null) || rows.length === 0 ? null : rows.every((r) => r.met === true);
  const at = (f: FaultFinding): string => `fault ${f.index} ${f.kind} on ${f.target} at ${f.injectedAtS.toFixed(0)} s`;

  // 1. Faults that leave an issuer: each path, each fault at least 99.9%.
  const leaving = faults.filter((f) => LEAVES_AN_ISSUER.has(f.kind));
  const availability: GoalRow[] = (['haproxy', 'nginx', 'client'] as const).map((via) => {
    const measured = leaving
      .map((f) => ({ f, s: f.whole.byVia[via] }))
      .filter((m): m is { f: FaultFinding; s: Share } => m.s !== undefined && m.s.share !== null);
    if (measured.length === 0)
      return { subject: via, measured: 'no requests during such faults', value: null, met: null };
    const worst = measured.reduce((a, b) => (b.s.share! < a.s.share! ? b : a));
    const below = measured.filter((m) => m.s.share! < AVAILABILITY_GOAL);
    const total = measured.reduce((sum, m) => ({ ok: sum.ok + m.s.ok, requests: sum.requests + m.s.requests }), {
      ok: 0,
      requests: 0,
    });
    return {
      subject: via,
      measured:
        `worst ${percent(worst.s)} in ${at(worst.f)}; ${below.length} of ${measured.length} faults below 99.9%` +
        (below.length > 0 ? ` (${below.map((m) => m.f.index).join(', ')})` : '') +
        `; all such windows ${percent({ ...total, share: total.ok / total.requests })}`,
      value: worst.s.share,
      met: below.length === 0,
    };
  });

  // 2. etcd entirely down: every path, every request.
  const outages = faults.filter((f) => f.kind === 'etcd-outage');
  const outage: GoalRow[] = outages.flatMap((f) =>
    PATHS.map((via) => {
      const s = f.whole.byVia[via];
      return s === undefined || s.share === null
        ? { subject: `${via}, fault ${f.index}`, measured: 'no requests', value: null, met: null }
        : { subject: `${via}, fault ${f.index}`, measured: percent(s), value: s.share, met: s.ok === s.requests };
    }),
  );

  // 3. An etcd split: no instance stops issuing.
  const split: GoalRow[] = faults
    .filter((f) => f.kind === 'etcd-split')
    .map((f) => {
      const run = input.runs.find((r) => r.fault.index === f.index)!;
      const until = input.runs[input.runs.indexOf(run) + 1]?.injectedAt ?? input.loadEnd;
      const stopped = input.instances
        .map((name) => stoppedIssuing(input, name, run.injectedAt, until))
        .filter((s) => s !== undefined);
      return {
        subject: `fault ${f.index} (minority ${(run.fault.minority ?? []).join(', ')})`,
        measured:
          stopped.length === 0
            ? `every instance issued throughout (${input.instances.length} instances)`
            : `${stopped.length} of ${input.instances.length} instances stopped issuing: ${stopped.map((s) => s.summary).join('; ')}`,
        value: stopped.length,
        met: stopped.length === 0,
      };
    });

  // 4. A rolling restart costs no request through either balancer.
  const rolling: GoalRow[] = faults
    .filter((f) => f.kind === 'rolling-restart')
    .flatMap((f) =>
      (['haproxy', 'nginx'] as const).map((via) => {
        const s = f.whole.byVia[via];
        return s === undefined || s.share === null
          ? { subject: `${via}, fault ${f.index}`, measured: 'no requests', value: null, met: null }
          : {
              subject: `${via}, fault ${f.index}`,
              measured: `${s.requests - s.ok} of ${s.requests} requests failed`,
              value: s.requests - s.ok,
              met: s.ok === s.requests,
            };
      }),
    );

  // 5. No duplicate, ever.
  const duplicates: GoalRow[] = [
    {
      subject: 'every path',
      measured: `${verdict.duplicates.length} numbers acknowledged twice among ${verdict.numbers} 200 answers`,
      value: verdict.duplicates.length,
      met: verdict.duplicates.length === 0,
    },
  ];

  const goal = (id: GoalId, statement: string, how: string, rows: GoalRow[]): Goal => ({
    id,
    statement,
    how,
    rows,
    met: metAll(rows),
  });
  return [
    goal(
      'available-under-faults',
      'For every fault that leaves at least one instance reachable and able to issue, at least 99.9% of requests answer 200 through HAProxy, through nginx, and through the client',
      'each fault but the etcd outage, from its injection until the next fault is injected (its recovery included); the worst fault per path',
      availability,
    ),
    goal(
      'etcd-outage',
      'With etcd entirely down for 60 s, under load, 100% of requests succeed through every path',
      'every request sent from the outage until the next fault (etcd coming back included), per path',
      outage,
    ),
    goal(
      'split-keeps-issuing',
      'In an etcd minority/majority split, no instance stops issuing',
      'from the split until the next fault: a 5xx from the instance to its direct lanes, a poll that found it not issuing, or its "node ID lost" line',
      split,
    ),
    goal(
      'rolling-restart',
      'A rolling SIGTERM restart (with the documented SHUTDOWN_DELAY) costs no request through either balancer',
      'every request through each balancer from the first SIGTERM until the next fault',
      rolling,
    ),
    goal('no-duplicates', 'No number is acknowledged twice, ever', 'every 200 answer of every path', duplicates),
  ];
}

/**
 * Whether instance `name` stopped issuing between `from` and `to`: a 5xx
 * answered to its direct lanes, or a poll that found it reachable but not
 * issuing. Its "node ID lost" lines are counted, but a lost lease is not a
 * stop: the instance goes on below its stored limit. Undefined when none.
 */
function stoppedIssuing(
  input: Pick<CheckInput, 'answers' | 'events' | 'samples'>,
  name: string,
  from: number,
  to: number,
): { instance: string; refusals: number; notIssuingPolls: number; lostLogs: number; summary: string } | undefined {
  const refusals = input.answers.filter(
    (a) => a.via === 'direct' && a.target === name && a.sentAt >= from && a.sentAt < to && a.status >= 500,
  );
  const polls = (input.samples ?? []).filter(
    (s) => s.instance === name && s.at >= from && s.at < to && (s.state === 'not-issuing' || s.state === 'claiming'),
  );
  const lost = input.events.filter(
    (e) => e.type === 'log' && e.host === name && e.msg.startsWith(NODE_ID_LOST) && e.at >= from && e.at < to,
  );
  if (refusals.length === 0 && polls.length === 0) return undefined;
  const first = Math.min(refusals[0]?.sentAt ?? Infinity, polls[0]?.at ?? Infinity);
  return {
    instance: name,
    refusals: refusals.length,
    notIssuingPolls: polls.length,
    lostLogs: lost.length,
    summary: `${name} from ${((first - from) / 1000).toFixed(1)} s (${refusals.length} refusals, ${polls.length} polls not issuing${lost.length > 0 ? ', "node ID lost"' : ''})`,
  };
}

/** Whom `member` took for the leader from `from` to `to`: its report then, and every change in between. */
function reportedLeaders(events: readonly LabEvent[], member: string, from: number, to: number): string[] {
  let before: string | undefined;
  const during: string[] = [];
  for (const e of events) {
    if (e.type !== 'etcd-leader' || e.member !== member) continue;
    if (e.at <= from) before = e.leader;
    else if (e.at <= to) during.push(e.leader);
  }
  return before === undefined ? during : [before, ...during];
}

/** The pid of the instance process running on `host` at time `at`. */
function pidAt(events: readonly LabEvent[], host: string, at: number): number | undefined {
  let pid: number | undefined;
  for (const e of events) {
    if (e.at > at) break;
    if (e.type === 'started' && e.host === host && e.role === 'instance') pid = e.pid;
  }
  return pid;
}

/** `until`: when the next fault was injected, or the load ended. */
function checkFault(input: CheckInput, run: FaultRun, until: number): FaultFinding {
  const { answers, events } = input;
  const { fault } = run;
  const ttlMs = input.leaseTtlSeconds * 1000;
  const inWindow = answers.filter((a) => a.sentAt >= run.injectedAt && a.sentAt <= run.doneAt);
  const evidence: string[] = [];
  const direct = (host: string): Answer[] => answers.filter((a) => a.via === 'direct' && a.target === host);
  const rel = (at: number | undefined): number | undefined =>
    at === undefined ? undefined : Math.round(at - run.injectedAt);
  const logs = (host: string, msg: string, from: number, to: number): Extract<LabEvent, { type: 'log' }>[] =>
    events.filter(
      (e): e is Extract<LabEvent, { type: 'log' }> =>
        e.type === 'log' && e.host === host && e.msg.startsWith(msg) && e.at >= from && e.at <= to,
    );

  // Instances that lose etcd in this fault.
  let cut: string[] = [];
  if (CUT_KINDS.has(fault.kind)) {
    const candidates =
      fault.kind === 'etcd-split'
        ? (fault.minority ?? [])
        : fault.kind === 'etcd-outage'
          ? input.instances
          : [fault.target];
    cut = candidates.filter((name) => input.instances.includes(name));
  }
  const fences: Fence[] = cut.map((instance) => {
    const pid = pidAt(events, instance, run.injectedAt) ?? -1;
    const mine = direct(instance);
    // From a little before the fault, so that a pause (nothing answers during it) has a last 200 too.
    const during = mine.filter((a) => a.at >= run.injectedAt - 2000 && a.at <= run.healedAt);
    const lastOk = during.filter((a) => a.status === 200).at(-1);
    const firstRefusal = during.find((a) => a.status !== 200 && a.status !== 0 && a.at >= run.injectedAt);
    const lost = logs(instance, NODE_ID_LOST, run.injectedAt, run.healedAt + 2 * ttlMs)[0];
    const held = events.filter(
      (e): e is Extract<LabEvent, { type: 'node-key' }> =>
        e.type === 'node-key' && e.change === 'put' && e.holderPid === pid && e.at <= run.injectedAt,
    );
    const nodeKey = held.at(-1)?.key;
    const deleted =
      nodeKey === undefined
        ? undefined
        : events.find(
            (e) =>
              e.type === 'node-key' &&
              e.change === 'delete' &&
              e.key === nodeKey &&
              e.at >= run.injectedAt &&
              e.at <= run.healedAt + 2 * ttlMs,
          );
    const reclaimed = logs(instance, NODE_ID_HELD_AGAIN, run.healedAt, Infinity)[0];
    const okAfterHealBeforeReclaim = mine.filter(
      (a) => a.status === 200 && a.sentAt >= run.healedAt && (reclaimed === undefined || a.at < reclaimed.at),
    ).length;
    const fence: Fence = { instance, pid, okAfterHealBeforeReclaim };
    if (nodeKey !== undefined) fence.nodeKey = nodeKey;
    const set = <K extends keyof Fence>(key: K, value: Fence[K] | undefined): void => {
      if (value !== undefined) fence[key] = value;
    };
    set('lastOkMs', rel(lastOk?.at));
    set('firstRefusalMs', rel(firstRefusal?.at));
    set('lostLogMs', rel(lost?.at));
    set('reason', lost?.reason);
    set('keyDeletedMs', rel(deleted?.at));
    if (fence.keyDeletedMs !== undefined && fence.lastOkMs !== undefined) {
      fence.marginMs = fence.keyDeletedMs - fence.lastOkMs;
    }
    if (lost !== undefined) evidence.push(`${instance} logged "node ID lost" (${lost.reason ?? ''})`);
    if (deleted !== undefined) evidence.push(`etcd deleted ${nodeKey} (lease expired)`);
    return fence;
  });

  // Recovery: each instance (direct) and load balancer that was not answering 200 when the fault was healed.
  const recoveryMs: Record<string, number | null> = {};
  const targets = [...new Set(answers.map((a) => a.target))];
  for (const target of targets) {
    const mine = answers.filter((a) => a.target === target);
    const before = mine.filter((a) => a.at <= run.healedAt).at(-1);
    const failingAtHeal = before !== undefined && before.status !== 200 && before.at >= run.injectedAt;
    if (!failingAtHeal && !cut.includes(target)) continue;
    const first = mine.find((a) => a.status === 200 && a.sentAt >= run.healedAt);
    recoveryMs[target] = first === undefined ? null : Math.round(first.at - run.healedAt);
  }

  const exits = (host: string, from: number, to: number): Extract<LabEvent, { type: 'exited' }>[] =>
    events.filter(
      (e): e is Extract<LabEvent, { type: 'exited' }> =>
        e.type === 'exited' && e.host === host && e.at >= from - 1000 && e.at <= to,
    );
  const starts = (host: string, from: number, to: number): LabEvent[] =>
    events.filter((e) => e.type === 'started' && e.host === host && e.at >= from && e.at <= to);

  let happened = false;
  switch (fault.kind) {
    case 'etcd-cut':
    case 'etcd-split':
    case 'isolate':
    case 'one-way':
    case 'pause': {
      if (cut.length > 0) {
        // Every instance meant to lose etcd visibly did: it fenced, or etcd expired its lease, or the
        // controller saw its etcd contact age pass the TTL or could not reach it (isolated, paused).
        const lostEtcd = (f: Fence): boolean =>
          f.lostLogMs !== undefined ||
          f.keyDeletedMs !== undefined ||
          (input.samples ?? []).some(
            (s) =>
              s.instance === f.instance &&
              s.at >= run.injectedAt &&
              s.at <= run.healedAt &&
              (s.state === 'unreachable' || (s.etcdAgeSeconds ?? 0) > input.leaseTtlSeconds),
          );
        happened = fences.every(lostEtcd);
        for (const f of fences.filter((f) => !lostEtcd(f))) evidence.push(`${f.instance} never visibly lost etcd`);
      } else {
        // An etcd member: the controller saw it unreachable, or a change of leader.
        const changes = events.filter(
          (e) => e.type === 'etcd-leader' && e.at >= run.injectedAt && e.at <= run.healedAt + 3000,
        );
        happened = changes.length > 0;
        evidence.push(
          ...changes.map((e) => (e.type === 'etcd-leader' ? `etcd ${e.member} reports leader ${e.leader}` : '')),
        );
      }
      break;
    }
    case 'clock-skew':
    case 'clock-step': {
      const offsets = direct(fault.target)
        .filter((a) => a.issuedAt !== undefined && a.sentAt >= run.injectedAt + 500 && a.at <= run.healedAt)
        .map((a) => (Date.parse(a.issuedAt!) - (input.wallAtZero + a.at)) / 1000)
        .sort((x, y) => x - y);
      const median = offsets[offsets.length >> 1];
      const wanted = fault.offsetSeconds ?? 0;
      happened = median !== undefined && Math.abs(median - wanted) < 5;
      evidence.push(
        median === undefined
          ? `no number from ${fault.target} during the fault`
          : `${fault.target} stamped its numbers ${median >= 0 ? '+' : ''}${median.toFixed(1)} s off the controller's clock (${offsets.length} answers)`,
      );
      break;
    }
    case 'kill-instance':
    case 'kill-etcd': {
      const killed = exits(fault.target, run.injectedAt, run.healedAt).filter((e) => e.signal === 'SIGKILL');
      const back = starts(fault.target, run.healedAt, run.doneAt + 1000);
      happened = killed.length > 0 && back.length > 0;
      evidence.push(`${killed.length} SIGKILL exit(s) of ${fault.target}, ${back.length} restart(s)`);
      break;
    }
    case 'etcd-outage': {
      // The controller found every member unreachable during the outage.
      const down = input.etcdMembers.filter((member) =>
        reportedLeaders(events, member, run.injectedAt, run.healedAt).includes('unreachable'),
      );
      happened = down.length === input.etcdMembers.length;
      evidence.push(`${down.length} of ${input.etcdMembers.length} etcd members unreachable from the controller`);
      const fenced = fences.filter((f) => f.lostLogMs !== undefined).map((f) => f.instance);
      evidence.push(`${fenced.length} of ${fences.length} instances logged "node ID lost"`);
      break;
    }
    case 'rolling-restart': {
      const graceful = input.instances.map(
        (name) =>
          exits(name, run.injectedAt, run.healedAt).some((e) => e.code === 0) &&
          starts(name, run.injectedAt, run.doneAt + 1000).length > 0,
      );
      happened = graceful.every(Boolean);
      evidence.push(`${graceful.filter(Boolean).length} of ${input.instances.length} instances exited 0 and came back`);
      break;
    }
  }

  const alsoFenced = input.instances.filter(
    (name) => !cut.includes(name) && logs(name, NODE_ID_LOST, run.injectedAt, until).length > 0,
  );
  const after = answers.filter((a) => a.sentAt > run.doneAt && a.sentAt <= until);
  const whole = answers.filter((a) => a.sentAt >= run.injectedAt && a.sentAt < until);
  const injected = events.find((e) => e.type === 'fault' && e.fault === fault.index && e.phase === 'inject');
  return {
    index: fault.index,
    kind: fault.kind,
    target: fault.target,
    detail: injected?.type === 'fault' ? injected.detail : '',
    injectedAtS: (run.injectedAt - input.loadStart) / 1000,
    healedAtS: (run.healedAt - input.loadStart) / 1000,
    doneAtS: (run.doneAt - input.loadStart) / 1000,
    availability: { ...share(inWindow), byVia: byVia(inWindow) },
    whole: { ...share(whole), byVia: byVia(whole) },
    fences,
    alsoFenced,
    aftermath: { ...share(after), byVia: byVia(after) },
    recoveryMs,
    happened: happened && run.error === undefined,
    evidence,
    notes: run.notes,
    ...(run.error === undefined ? {} : { error: run.error }),
  };
}
