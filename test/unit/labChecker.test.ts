/**
 * The lab's checker and its SVG timeline, on synthetic runs with planted
 * faults: a duplicate across every pair of paths, availability drops inside
 * and outside fault windows, fences, recoveries, each goal met and not met;
 * the picture's lanes, windows and bars counted, then drawn by headless
 * Chromium and looked at. No root, no network: the lab's own test runs the
 * real thing (test/lab/lab.test.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  check,
  checkNodeSeconds,
  LEAVES_AN_ISSUER,
  type CheckInput,
  type DecodeNumber,
  type Findings,
  type GoalId,
} from '../lab/checker.js';
import { countColor, distinctColors, dumpDom, readPng, screenshot } from '../lab/chromium.js';
import { PATHS, type Answer, type Via } from '../lab/clients.js';
import type { FaultRun } from '../lab/faults.js';
import { sampleOf, type InstanceSample } from '../lab/instanceStates.js';
import { FAULT_KINDS, type Fault, type FaultKind } from '../lab/schedule.js';
import type { LabEvent } from '../lab/timeline.js';
import { renderTimelineSvg, svgSize, timelineView, type TimelineView } from '../lab/timelineSvg.js';

const INSTANCES = ['t1', 't2', 't3', 't4'];
const MEMBERS = ['e1', 'e2', 'e3'];
const TARGETS: Record<Via, readonly string[]> = {
  direct: INSTANCES,
  haproxy: ['lbh'],
  nginx: ['lbn'],
  client: ['client'],
};

let serial = 0;
const freshNumber = (): string => `N${(serial += 1).toString(36).toUpperCase().padStart(15, '0')}`;

/**
 * Answers on every path from 0 to `seconds` s: `perSecond[via]` calls a
 * second, each answered 200 with a number of its own 5 ms later; direct
 * calls go round the instances, client calls are answered by t1 at once.
 */
function load(seconds: number, perSecond: Partial<Record<Via, number>> = {}): Answer[] {
  const answers: Answer[] = [];
  for (const via of PATHS) {
    const rate = perSecond[via] ?? 10;
    for (let i = 0; i < seconds * rate; i += 1) {
      const sentAt = (i * 1000) / rate;
      const targets = TARGETS[via];
      const target = targets[i % targets.length]!;
      answers.push({
        sentAt,
        at: sentAt + 5,
        lane: 1,
        via,
        target,
        status: 200,
        number: freshNumber(),
        ...(via === 'client'
          ? {
              answeredBy: 't1',
              attempts: [{ target: 't1', outcome: 'answer' as const, status: 200, startedAtMs: 0, durationMs: 5 }],
            }
          : {}),
      });
    }
  }
  return answers.sort((a, b) => a.sentAt - b.sentAt);
}

/** Makes the first `count` answers of `via` (to `target`, if given) sent at or after `fromMs` fail with `status`. */
function failSome(answers: Answer[], via: Via, fromMs: number, count: number, status = 503, target?: string): void {
  let left = count;
  for (const a of answers) {
    if (left === 0) break;
    if (a.via !== via || a.sentAt < fromMs || (target !== undefined && a.target !== target)) continue;
    a.status = status;
    delete a.number;
    left -= 1;
  }
  assert.equal(left, 0, `not enough ${via} answers after ${fromMs} ms to fail ${count}`);
}

/** A fault run: injected, healed and whole again at these seconds (timeline ms = s * 1000). */
function faultRun(index: number, kind: FaultKind, s: [number, number, number], extra: Partial<Fault> = {}): FaultRun {
  const [injected, healed, done] = s;
  return {
    fault: { index, kind, at: injected, duration: healed - injected, target: 't1', ...extra },
    injectedAt: injected * 1000,
    healedAt: healed * 1000,
    doneAt: done * 1000,
    notes: [],
  };
}

function input(parts: Partial<CheckInput> & { answers: readonly Answer[]; seconds: number }): CheckInput {
  return {
    events: [],
    runs: [],
    instances: INSTANCES,
    etcdMembers: MEMBERS,
    leaseTtlSeconds: 4,
    loadStart: 0,
    loadEnd: parts.seconds * 1000,
    wallAtZero: 0,
    samples: [],
    ...parts,
  };
}

const goal = (findings: Findings, id: GoalId): Findings['goals'][number] => {
  const found = findings.goals.find((g) => g.id === id);
  assert.ok(found !== undefined, `no goal ${id}`);
  return found;
};

describe('lab checker: duplicates', () => {
  const pairs: [Via, Via][] = PATHS.flatMap((p, i) => PATHS.slice(i).map((q): [Via, Via] => [p, q]));

  it('covers every pair of paths, each path with itself too', () => {
    assert.equal(pairs.length, 10);
  });

  it('finds nothing in a clean log of every path', () => {
    const answers = load(20);
    const findings = check(input({ answers, seconds: 20 }));
    assert.equal(findings.verdict.duplicates.length, 0);
    assert.equal(findings.verdict.ok, true);
    assert.equal(findings.verdict.numbers, answers.length);
    assert.deepEqual(Object.keys(findings.availability.byVia).sort(), [...PATHS].sort());
    assert.equal(goal(findings, 'no-duplicates').met, true);
  });

  for (const [p, q] of pairs) {
    it(`reports a number acknowledged through ${p} and again through ${q}`, () => {
      const answers = load(20);
      const first = answers.filter((a) => a.via === p)[7]!;
      const second = answers.filter((a) => a.via === q && a !== first).at(-3)!;
      second.number = first.number!;
      const findings = check(input({ answers, seconds: 20 }));
      assert.equal(findings.verdict.ok, false);
      assert.deepEqual(
        findings.verdict.duplicates.map((d) => [d.number, d.answers.map((a) => a.via).sort()]),
        [[first.number, [p, q].sort()]],
      );
      assert.equal(findings.verdict.distinct, findings.verdict.numbers - 1);
      assert.equal(goal(findings, 'no-duplicates').met, false);
    });
  }

  it('reports every one of ten duplicates planted in one log, and a number seen three times once', () => {
    const answers = load(30);
    const planted = pairs.map(([p, q], i) => {
      const first = answers.filter((a) => a.via === p)[10 + i * 3]!;
      const second = answers.filter((a) => a.via === q && a !== first).at(-(10 + i * 3))!;
      second.number = first.number!;
      return first.number!;
    });
    const third = answers.filter((a) => a.via === 'client')[100]!;
    third.number = planted[0]!;
    const findings = check(input({ answers, seconds: 30 }));
    assert.deepEqual(findings.verdict.duplicates.map((d) => d.number).sort(), [...planted].sort());
    assert.equal(findings.verdict.duplicates.find((d) => d.number === planted[0])?.answers.length, 3);
  });

  it('counts only numbers acknowledged with 200, and reports a 200 without a number', () => {
    const answers = load(10);
    const [a, b] = answers.filter((x) => x.via === 'haproxy');
    b!.number = a!.number!;
    b!.status = 503; // An answer that was not a 200 acknowledged nothing.
    const malformed = answers.find((x) => x.via === 'nginx')!;
    malformed.status = 299;
    delete malformed.number;
    const findings = check(input({ answers, seconds: 10 }));
    assert.equal(findings.verdict.duplicates.length, 0);
    assert.equal(findings.verdict.malformed, 1);
    assert.equal(findings.verdict.ok, false);
  });
});

describe('lab checker: availability inside and outside fault windows', () => {
  // One fault from 20 s (healed 28 s, whole again 30 s), the next at 60 s, load until 80 s.
  const runs = (): FaultRun[] => [faultRun(0, 'etcd-cut', [20, 28, 30]), faultRun(1, 'clock-skew', [60, 66, 67])];

  it('puts a drop inside a window in that fault, not outside the faults', () => {
    const answers = load(80);
    failSome(answers, 'haproxy', 25_000, 5);
    const findings = check(input({ answers, seconds: 80, runs: runs() }));
    const fault = findings.faults[0]!;
    assert.equal(fault.availability.byVia.haproxy?.requests, 101);
    assert.equal(fault.availability.byVia.haproxy?.ok, 96);
    assert.equal(fault.availability.byVia.nginx?.ok, fault.availability.byVia.nginx?.requests);
    assert.equal(findings.availability.outsideFaults.ok, findings.availability.outsideFaults.requests);
    assert.equal(findings.faults[1]!.availability.ok, findings.faults[1]!.availability.requests);
    const availability = goal(findings, 'available-under-faults');
    assert.equal(availability.met, false);
    const haproxy = availability.rows.find((r) => r.subject === 'haproxy')!;
    assert.equal(haproxy.met, false);
    assert.match(haproxy.measured, /fault 0 etcd-cut/);
    assert.equal(availability.rows.find((r) => r.subject === 'nginx')!.met, true);
    assert.equal(availability.rows.find((r) => r.subject === 'client')!.met, true);
  });

  it('puts a drop after the heal in the fault as a whole (its recovery) and outside the windows, not in the window', () => {
    const answers = load(80);
    failSome(answers, 'client', 45_000, 3, 0);
    const findings = check(input({ answers, seconds: 80, runs: runs() }));
    const fault = findings.faults[0]!;
    assert.equal(fault.availability.byVia.client?.ok, fault.availability.byVia.client?.requests);
    assert.equal(fault.aftermath.byVia.client!.requests - fault.aftermath.byVia.client!.ok, 3);
    assert.equal(fault.whole.byVia.client!.requests - fault.whole.byVia.client!.ok, 3);
    assert.equal(findings.availability.outsideFaults.requests - findings.availability.outsideFaults.ok, 3);
    assert.equal(goal(findings, 'available-under-faults').rows.find((r) => r.subject === 'client')!.met, false);
  });

  it('leaves the goal met for a drop before any fault, and shows it outside the windows', () => {
    const answers = load(80);
    failSome(answers, 'nginx', 5_000, 4, 502);
    const findings = check(input({ answers, seconds: 80, runs: runs() }));
    assert.equal(findings.availability.outsideFaults.requests - findings.availability.outsideFaults.ok, 4);
    assert.equal(findings.availability.byVia.nginx!.ok, findings.availability.byVia.nginx!.requests - 4);
    assert.equal(goal(findings, 'available-under-faults').met, true);
  });

  it('holds 99.9% as the bar: 1 failure in 1,000 meets it, 2 do not', () => {
    for (const [failures, met] of [
      [1, true],
      [2, false],
    ] as const) {
      // 25 requests/s through HAProxy from 20 s until the next fault at 60 s: 1,000 in the fault as a whole.
      const answers = load(80, { haproxy: 25 });
      failSome(answers, 'haproxy', 21_000, failures);
      const findings = check(input({ answers, seconds: 80, runs: runs() }));
      assert.equal(findings.faults[0]!.whole.byVia.haproxy!.requests, 1000);
      const row = goal(findings, 'available-under-faults').rows.find((r) => r.subject === 'haproxy')!;
      assert.equal(row.met, met, row.measured);
      assert.equal(row.value, (1000 - failures) / 1000);
    }
  });

  it('does not hold the etcd outage to the 99.9% goal, but to its own 100%', () => {
    assert.deepEqual(
      FAULT_KINDS.filter((k) => !LEAVES_AN_ISSUER.has(k)),
      ['etcd-outage'],
    );
    const answers = load(140);
    failSome(answers, 'direct', 30_000, 1, 503, 't3');
    failSome(answers, 'haproxy', 40_000, 5, 503);
    const outage = faultRun(0, 'etcd-outage', [20, 80, 82], { target: 'etcd', method: 'stop' });
    const findings = check(input({ answers, seconds: 140, runs: [outage, faultRun(1, 'kill-etcd', [120, 124, 126])] }));
    assert.equal(goal(findings, 'available-under-faults').met, true);
    const etcdOutage = goal(findings, 'etcd-outage');
    assert.equal(etcdOutage.met, false);
    assert.deepEqual(
      etcdOutage.rows.map((r) => [r.subject, r.met]),
      [
        ['direct, fault 0', false],
        ['haproxy, fault 0', false],
        ['nginx, fault 0', true],
        ['client, fault 0', true],
      ],
    );
  });

  it('meets the etcd outage goal only with every request of every path answered', () => {
    const answers = load(140);
    const outage = faultRun(0, 'etcd-outage', [20, 80, 82], { target: 'etcd', method: 'kill' });
    const findings = check(input({ answers, seconds: 140, runs: [outage] }));
    assert.equal(goal(findings, 'etcd-outage').met, true);
    assert.equal(goal(findings, 'etcd-outage').rows.length, PATHS.length);
    // No outage in the run: the goal was not measured, which is not "met".
    assert.equal(goal(check(input({ answers, seconds: 140 })), 'etcd-outage').met, null);
  });
});

describe('lab checker: goals of splits and rolling restarts', () => {
  const split = (): FaultRun => faultRun(0, 'etcd-split', [10, 20, 21], { target: 'e1', minority: ['e1', 't2'] });

  it('meets "no instance stops issuing" when every instance answers throughout', () => {
    const findings = check(input({ answers: load(40), seconds: 40, runs: [split()] }));
    assert.equal(goal(findings, 'split-keeps-issuing').met, true);
    assert.equal(goal(findings, 'split-keeps-issuing').rows[0]!.value, 0);
  });

  it('names the instance that refused its direct lane during the split', () => {
    const answers = load(40);
    failSome(answers, 'direct', 14_000, 3, 503, 't2');
    const findings = check(input({ answers, seconds: 40, runs: [split()] }));
    const row = goal(findings, 'split-keeps-issuing').rows[0]!;
    assert.equal(row.met, false);
    assert.equal(row.value, 1);
    assert.match(row.measured, /t2 from 4\.\d s \(3 refusals/);
  });

  it('counts a poll that found an instance not issuing, or claiming, but not one that could not reach it', () => {
    const poll = (instance: string, at: number, state: InstanceSample['state']): InstanceSample => ({
      at,
      instance,
      state,
    });
    const unreachable = check(
      input({ answers: load(40), seconds: 40, runs: [split()], samples: [poll('t2', 12_000, 'unreachable')] }),
    );
    assert.equal(goal(unreachable, 'split-keeps-issuing').met, true);
    for (const state of ['not-issuing', 'claiming'] as const) {
      const findings = check(
        input({ answers: load(40), seconds: 40, runs: [split()], samples: [poll('t3', 15_000, state)] }),
      );
      assert.equal(goal(findings, 'split-keeps-issuing').met, false, state);
      assert.match(goal(findings, 'split-keeps-issuing').rows[0]!.measured, /t3/);
    }
  });

  it('counts every request lost through either balancer during a rolling restart', () => {
    const rolling = faultRun(0, 'rolling-restart', [10, 50, 51]);
    const clean = check(input({ answers: load(70), seconds: 70, runs: [rolling] }));
    assert.equal(goal(clean, 'rolling-restart').met, true);
    const answers = load(70);
    failSome(answers, 'nginx', 49_000, 1, 502);
    const findings = check(input({ answers, seconds: 70, runs: [rolling] }));
    assert.deepEqual(
      goal(findings, 'rolling-restart').rows.map((r) => [r.subject, r.value, r.met]),
      [
        ['haproxy, fault 0', 0, true],
        ['nginx, fault 0', 1, false],
      ],
    );
  });
});

describe('lab checker: fences and recovery', () => {
  /** t1 (pid 101) holds node key 5, is cut off at 10 s, fences, etcd expires its lease, healed at 22 s. */
  function cutRun(options: { okAfterDeletion?: boolean } = {}): { input: CheckInput; run: FaultRun } {
    const answers = load(40).filter((a) => !(a.via === 'direct' && a.target === 't1'));
    // t1's direct lane: 200 until 13.0 s, refusals until the heal, then 503 until 23.5 s, 200 after.
    for (let at = 0; at < 40_000; at += 100) {
      const ok = at <= 13_000 || at >= 23_500 || (options.okAfterDeletion === true && at === 14_500);
      answers.push({
        sentAt: at,
        at: at + 5,
        lane: 2,
        via: 'direct',
        target: 't1',
        status: ok ? 200 : 503,
        ...(ok ? { number: freshNumber() } : {}),
      });
    }
    answers.sort((a, b) => a.sentAt - b.sentAt);
    const events: LabEvent[] = [
      { at: 0, type: 'started', host: 't1', pid: 101, role: 'instance', nodeId: 5 },
      { at: 1, type: 'node-key', change: 'put', key: '/lab/nodes/5', revision: '7', holderPid: 101, seenVia: 'e1' },
      {
        at: 13_100,
        type: 'log',
        host: 't1',
        pid: 101,
        msg: 'node ID lost: issuing goes on below the stored limit while a node ID is claimed again',
        reason: 'lease',
      },
      { at: 14_100, type: 'node-key', change: 'delete', key: '/lab/nodes/5', revision: '9', seenVia: 'e2' },
      { at: 23_400, type: 'log', host: 't1', pid: 101, msg: 'node ID held again; issuing under it' },
    ];
    const run = faultRun(0, 'etcd-cut', [10, 22, 24]);
    return { input: input({ answers, seconds: 40, runs: [run], events }), run };
  }

  it('times the fence: last 200, first refusal, the log line, the key deletion and the margin', () => {
    const { input: given } = cutRun();
    const fault = check(given).faults[0]!;
    assert.equal(fault.happened, true);
    assert.deepEqual(fault.fences, [
      {
        instance: 't1',
        pid: 101,
        nodeKey: '/lab/nodes/5',
        lastOkMs: 3005,
        firstRefusalMs: 3105,
        lostLogMs: 3100,
        reason: 'lease',
        keyDeletedMs: 4100,
        marginMs: 1095,
        okAfterHealBeforeReclaim: 0,
      },
    ]);
  });

  it('shows a 200 after etcd deleted the node key as a negative margin', () => {
    const fence = check(cutRun({ okAfterDeletion: true }).input).faults[0]!.fences[0]!;
    assert.equal(fence.lastOkMs, 4505);
    assert.equal(fence.marginMs, -405);
  });

  it('times the recovery from the heal to the first 200 of the instance that was refusing', () => {
    const fault = check(cutRun().input).faults[0]!;
    assert.equal(fault.recoveryMs['t1'], 1505);
    assert.equal(fault.recoveryMs['t2'], undefined, 't2 never failed: no recovery to time');
  });

  it('reports no recovery (null) for an instance that never answers 200 again', () => {
    const { input: given } = cutRun();
    const answers = given.answers.map((a) =>
      a.via === 'direct' && a.target === 't1' && a.sentAt >= 22_000 ? { ...a, status: 503 } : a,
    );
    assert.equal(check({ ...given, answers }).faults[0]!.recoveryMs['t1'], null);
  });

  it('sees the fault happen from the log line, the key deletion or the polled etcd age, and says so when none shows', () => {
    const { input: given } = cutRun();
    const withoutLog = given.events.filter((e) => e.type !== 'log');
    assert.equal(check({ ...given, events: withoutLog }).faults[0]!.happened, true, 'key deletion alone');
    const withoutEvidence = withoutLog.filter((e) => e.type !== 'node-key' || e.change !== 'delete');
    const nothing = check({ ...given, events: withoutEvidence }).faults[0]!;
    assert.equal(nothing.happened, false);
    assert.match(nothing.evidence.join('; '), /t1 never visibly lost etcd/);
    const aged: InstanceSample = { at: 16_000, instance: 't1', state: 'issuing', nodeId: 5, etcdAgeSeconds: 6 };
    assert.equal(
      check({ ...given, events: withoutEvidence, samples: [aged] }).faults[0]!.happened,
      true,
      'etcd contact older than the TTL',
    );
  });

  it('sees an etcd outage happen when the controller found every member unreachable', () => {
    const outage = faultRun(0, 'etcd-outage', [10, 70, 72], { target: 'etcd', method: 'stop' });
    const leader = (at: number, member: string, name: string): LabEvent => ({
      at,
      type: 'etcd-leader',
      member,
      leader: name,
    });
    const events = [
      ...MEMBERS.map((m) => leader(0, m, 'e1')),
      ...MEMBERS.map((m) => leader(11_000, m, 'unreachable')),
      ...MEMBERS.map((m) => leader(71_000, m, 'e2')),
    ];
    const findings = check(input({ answers: load(80), seconds: 80, runs: [outage], events }));
    assert.equal(findings.faults[0]!.happened, true);
    assert.deepEqual(
      findings.faults[0]!.fences.map((f) => f.instance),
      INSTANCES,
      'every instance loses etcd',
    );
    const partial = events.filter((e) => !(e.type === 'etcd-leader' && e.member === 'e3' && e.at === 11_000));
    assert.equal(
      check(input({ answers: load(80), seconds: 80, runs: [outage], events: partial })).faults[0]!.happened,
      false,
    );
  });

  it('counts client calls that failed over, and failed calls by kind', () => {
    const answers = load(10);
    const calls = answers.filter((a) => a.via === 'client');
    calls[0]!.attempts = [
      { target: 't1', outcome: 'timeout', startedAtMs: 0, durationMs: 1000 },
      { target: 't2', outcome: 'answer', status: 200, startedAtMs: 1000, durationMs: 4 },
    ];
    calls[1]!.status = 503;
    calls[1]!.kind = 'exhausted';
    calls[1]!.attempts = INSTANCES.map((target, i) => ({
      target,
      outcome: 'answer' as const,
      status: 503,
      startedAtMs: i,
      durationMs: 1,
    }));
    const { client } = check(input({ answers, seconds: 10 }));
    assert.deepEqual(client, {
      calls: calls.length,
      failedOver: 2,
      failedOverOk: 1,
      attempts: calls.length + 1 + 3,
      maxAttempts: 4,
      failedByKind: { exhausted: 1 },
    });
  });
});

describe('lab checker: seconds of a node ID, by process, read from the numbers', () => {
  /** Numbers written as `node.second.counter`, "decoded" by splitting. */
  const decode: DecodeNumber = (n) => {
    const [nodeId, second] = n.split('.').map(Number);
    return nodeId === undefined || second === undefined || Number.isNaN(second) ? undefined : { nodeId, second };
  };
  const issued = (at: number, via: Via, target: string, number: string, extra: Partial<Answer> = {}): Answer => ({
    sentAt: at,
    at: at + 5,
    lane: 1,
    via,
    target,
    status: 200,
    number,
    ...extra,
  });
  const started = (at: number, host: string, pid: number): LabEvent => ({
    at,
    type: 'started',
    host,
    pid,
    role: 'instance',
  });
  const exited = (at: number, host: string, pid: number): LabEvent => ({
    at,
    type: 'exited',
    host,
    pid,
    code: 0,
    signal: null,
  });

  it('finds no shared second when node 3 passes from t1 to t2 above the seconds t1 used', () => {
    const result = checkNodeSeconds(
      {
        answers: [
          issued(1000, 'direct', 't1', '3.100.0'),
          issued(2000, 'direct', 't1', '3.101.0'),
          issued(9000, 'direct', 't2', '3.112.0'),
          issued(9500, 'haproxy', 'lbh', '3.101.7'), // Through a balancer: no instance known, not placed.
        ],
        events: [started(0, 't1', 11), started(0, 't2', 21)],
        instances: INSTANCES,
      },
      decode,
    );
    assert.deepEqual(result.shared, []);
    assert.equal(result.read, 3);
    assert.deepEqual(
      result.holdings.map((h) => [h.nodeId, h.instance, h.pid, h.firstSecond, h.lastSecond, h.numbers]),
      [
        [3, 't1', 11, 100, 101, 2],
        [3, 't2', 21, 112, 112, 1],
      ],
    );
  });

  it('reports a second of a node ID used by two instances, whichever path brought the numbers', () => {
    const result = checkNodeSeconds(
      {
        answers: [
          issued(1000, 'direct', 't1', '3.100.0'),
          issued(9000, 'client', 'client', '3.100.5', {
            answeredBy: 't2',
            attempts: [
              { target: 't4', outcome: 'timeout', startedAtMs: 0, durationMs: 1000 },
              { target: 't2', outcome: 'answer', status: 200, startedAtMs: 1000, durationMs: 3 },
            ],
          }),
        ],
        events: [started(0, 't1', 11), started(0, 't2', 21)],
        instances: INSTANCES,
      },
      decode,
    );
    assert.deepEqual(result.shared, [
      {
        nodeId: 3,
        second: 100,
        holders: [
          { instance: 't1', pid: 11 },
          { instance: 't2', pid: 21 },
        ],
      },
    ]);
  });

  it('tells a restarted process from the one before by exit times, not by its late "started"', () => {
    // t1's first process (11) exits at 5 s; the next (12) answers at 6 s, but says it is ready only at 7 s.
    const events = [started(0, 't1', 11), exited(5000, 't1', 11), started(7000, 't1', 12)];
    const clean = checkNodeSeconds(
      {
        answers: [issued(4000, 'direct', 't1', '2.100.0'), issued(6000, 'direct', 't1', '2.101.0')],
        events,
        instances: INSTANCES,
      },
      decode,
    );
    assert.deepEqual(clean.shared, []);
    assert.deepEqual(
      clean.holdings.map((h) => [h.pid, h.firstSecond]),
      [
        [11, 100],
        [12, 101],
      ],
    );
    // A client call sent before the exit whose answering attempt went to the restarted process is its.
    const failedOver = checkNodeSeconds(
      {
        answers: [
          issued(4000, 'direct', 't1', '2.100.0'),
          issued(4500, 'client', 'client', '2.101.0', {
            answeredBy: 't1',
            attempts: [
              { target: 't1', outcome: 'network', code: 'ECONNRESET', startedAtMs: 0, durationMs: 600 },
              { target: 't1', outcome: 'answer', status: 200, startedAtMs: 1000, durationMs: 3 },
            ],
          }),
        ],
        events,
        instances: INSTANCES,
      },
      decode,
    );
    assert.deepEqual(
      failedOver.holdings.map((h) => [h.pid, h.firstSecond, h.lastSecond]),
      [
        [11, 100, 100],
        [12, 101, 101],
      ],
    );
    // The restarted process reusing second 100 of node 2 is reported.
    const reused = checkNodeSeconds(
      {
        answers: [issued(4000, 'direct', 't1', '2.100.0'), issued(6000, 'direct', 't1', '2.100.1')],
        events,
        instances: INSTANCES,
      },
      decode,
    );
    assert.deepEqual(
      reused.shared.map((x) => [x.nodeId, x.second, x.holders.map((h) => h.pid)]),
      [[2, 100, [11, 12]]],
    );
  });

  it('counts what it cannot read or place', () => {
    const result = checkNodeSeconds(
      {
        answers: [issued(1000, 'direct', 't1', 'garbage'), issued(1000, 'direct', 't3', '1.5.0')],
        events: [started(0, 't1', 11)],
        instances: INSTANCES,
      },
      decode,
    );
    assert.deepEqual([result.read, result.unplaced], [0, 2]);
  });

  it('is part of check() when a decoder is given', () => {
    const answers = load(5);
    const findings = check(input({ answers, seconds: 5, decode: () => undefined }));
    assert.equal(
      findings.nodeSeconds?.unplaced,
      answers.filter((a) => a.via === 'direct' || a.via === 'client').length,
    );
    assert.equal(check(input({ answers, seconds: 5 })).nodeSeconds, undefined);
  });
});

describe('lab instance states from /readyz and /metrics', () => {
  const metrics = (values: Record<string, number>): string =>
    Object.entries(values)
      .map(([name, value]) => `# TYPE ${name} gauge\n${name} ${value}`)
      .join('\n');

  it('reads issuing, draining, claiming, not issuing, unreachable and down', () => {
    const ready = { status: 200, body: '{"status":"ready","node_id":7}' };
    const leaving = { status: 503, body: '{"status":"not-ready","reason":"this instance is shutting down"}' };
    const noId = { status: 503, body: '{"status":"not-ready","reason":"this instance holds no node ID right now"}' };
    const lease = { status: 503, body: '{"status":"not-ready","reason":"the node ID lease was not renewed in time"}' };
    const cases: [Parameters<typeof sampleOf>[2], string | undefined, boolean, Partial<InstanceSample>][] = [
      [ready, metrics({ tracknum_node_id: 7, tracknum_issuing: 1 }), true, { state: 'issuing', nodeId: 7 }],
      [leaving, metrics({ tracknum_node_id: 7, tracknum_issuing: 1 }), true, { state: 'draining', nodeId: 7 }],
      [noId, metrics({ tracknum_node_id: -1, tracknum_issuing: 0 }), true, { state: 'claiming' }],
      [lease, metrics({ tracknum_node_id: 7, tracknum_issuing: 0 }), true, { state: 'not-issuing', nodeId: 7 }],
      [undefined, undefined, true, { state: 'unreachable' }],
      [undefined, undefined, false, { state: 'down' }],
      [
        ready,
        metrics({ tracknum_node_id: 7, tracknum_issuing: 1, tracknum_issuing_seconds_left: 42.5 }),
        true,
        { state: 'issuing', nodeId: 7, secondsLeft: 42.5 },
      ],
    ];
    for (const [readyz, text, running, expected] of cases) {
      const sample = sampleOf('t1', 1000, readyz, text, running);
      for (const [key, value] of Object.entries(expected)) {
        assert.equal(sample[key as keyof InstanceSample], value, `${JSON.stringify(expected)}: ${key}`);
      }
    }
  });
});

// ---- The SVG timeline ----

/** A synthetic run: 100 s of load, three faults, four instances with state changes, a leader change. */
function syntheticView(): { view: TimelineView; svg: string } {
  const answers = load(100);
  failSome(answers, 'haproxy', 31_000, 20);
  failSome(answers, 'client', 32_000, 2, 0);
  answers.find((a) => a.via === 'client' && a.sentAt >= 33_000)!.attempts = [
    { target: 't1', outcome: 'timeout', startedAtMs: 0, durationMs: 1000 },
    { target: 't2', outcome: 'answer', status: 200, startedAtMs: 1000, durationMs: 3 },
  ];
  const runs = [
    faultRun(0, 'etcd-cut', [10, 22, 24]),
    faultRun(1, 'etcd-outage', [30, 60, 63], { target: 'etcd', method: 'stop' }),
    faultRun(2, 'rolling-restart', [70, 90, 91]),
  ];
  const samples: InstanceSample[] = [];
  for (let t = 0; t < 100; t += 1) {
    for (const [i, name] of INSTANCES.entries()) {
      const state: InstanceSample['state'] =
        name === 't1' && t >= 13 && t < 23
          ? 'not-issuing'
          : t >= 34 && t < 62
            ? 'not-issuing'
            : name === 't2' && t >= 62 && t < 64
              ? 'claiming'
              : name === 't3' && t >= 75 && t < 78
                ? 'down'
                : 'issuing';
      samples.push({
        at: t * 1000,
        instance: name,
        state,
        ...(state === 'claiming' || state === 'down' ? {} : { nodeId: t >= 64 && name === 't2' ? 9 : i }),
      });
    }
  }
  const leader = (at: number, member: string, name: string): LabEvent => ({
    at,
    type: 'etcd-leader',
    member,
    leader: name,
  });
  const events: LabEvent[] = [
    ...MEMBERS.map((m) => leader(-500, m, 'e1')),
    ...MEMBERS.map((m) => leader(31_000, m, 'unreachable')),
    ...MEMBERS.map((m) => leader(61_000, m, 'e2')),
  ];
  const view = timelineView({
    title: 'synthetic run',
    subtitle: 'planted faults',
    answers,
    events,
    samples,
    runs,
    instances: INSTANCES,
    etcdMembers: MEMBERS,
    loadStart: 0,
    loadEnd: 100_000,
  });
  return { view, svg: renderTimelineSvg(view) };
}

/** Elements of `svg` whose class list holds `name`. */
const withClass = (svg: string, name: string): string[] =>
  [...svg.matchAll(/<[a-z]+\b[^>]*\bclass="([^"]*)"[^>]*>/g)]
    .filter((m) => m[1]!.split(' ').includes(name))
    .map((m) => m[0]);

/** Every tag opened is closed, in order: well-formed enough to catch a broken generator fast. */
function assertBalanced(svg: string): void {
  const stack: string[] = [];
  for (const [tag, closing, name, selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z]+)\b[^>]*?(\/?)>/g)) {
    if (selfClosing === '/') continue;
    if (closing === '/') assert.equal(stack.pop(), name, `unbalanced ${tag}`);
    else stack.push(name!);
  }
  assert.deepEqual(stack, []);
  assert.doesNotMatch(svg.replace(/&#\d+;/g, ''), /&/, 'an unescaped &');
}

describe('lab timeline SVG', () => {
  it('reduces the run to seconds per path, state segments and leader views', () => {
    const { view } = syntheticView();
    assert.deepEqual(
      view.paths.map((p) => p.name),
      [...PATHS],
    );
    const haproxy = view.paths.find((p) => p.name === 'haproxy')!;
    assert.equal(haproxy.seconds.length, 100);
    assert.deepEqual(haproxy.seconds[31], { t: 31, ok: 0, total: 10, failedOver: 0 });
    assert.deepEqual(haproxy.seconds[33], { t: 33, ok: 10, total: 10, failedOver: 0 });
    assert.equal(haproxy.ok, haproxy.total - 20);
    assert.equal(view.paths.find((p) => p.name === 'client')!.seconds[33]!.failedOver, 1);
    assert.deepEqual(
      view.instances.find((i) => i.name === 't1')!.segments.map((s) => [s.state, s.fromS, s.toS]),
      [
        ['issuing', 0, 13],
        ['not-issuing', 13, 23],
        ['issuing', 23, 34],
        ['not-issuing', 34, 62],
        ['issuing', 62, 100],
      ],
    );
    assert.deepEqual(
      view.instances.find((i) => i.name === 't2')!.segments.map((s) => [s.state, s.nodeId]),
      [
        ['issuing', 1],
        ['not-issuing', 1],
        ['claiming', undefined],
        ['issuing', 9],
      ],
    );
    assert.deepEqual(
      view.etcd[0]!.segments.map((s) => [s.leader, s.fromS, s.toS]),
      [
        ['e1', 0, 31],
        ['unreachable', 31, 61],
        ['e2', 61, 100],
      ],
    );
    assert.deepEqual(view.leaderChanges, [{ atS: 61, leader: 'e2' }]);
  });

  it('draws a lane per path, a window per fault, a bar per state segment, a mark per leader change', () => {
    const { view, svg } = syntheticView();
    assertBalanced(svg);
    for (const path of PATHS) assert.match(svg, new RegExp(`<g class="lane" id="lane-${path}"`));
    assert.equal(withClass(svg, 'lane').length, 4);
    assert.deepEqual(
      withClass(svg, 'fault-window').map((e) => /data-fault="(\d+)"/.exec(e)![1]),
      ['0', '1', '2'],
    );
    assert.equal(withClass(svg, 'fault-label').length, 3);
    const segments = view.instances.reduce((n, i) => n + i.segments.length, 0);
    assert.equal(withClass(svg, 'state').length, segments);
    assert.equal(withClass(svg, 'state-claiming').length, 1);
    assert.equal(withClass(svg, 'state-down').length, 1);
    assert.equal(withClass(svg, 'state-not-issuing').length, 5);
    assert.equal(withClass(svg, 'leader').length, 9);
    assert.equal(withClass(svg, 'leader-change').length, 1);
    // Every second of every path: a bar of 200s, a bar of failures, or an empty mark.
    const failedSeconds = view.paths.reduce((n, p) => n + p.seconds.filter((b) => b.ok < b.total).length, 0);
    assert.equal(withClass(svg, 'failed').length, failedSeconds);
    assert.equal(failedSeconds, 2 + 1);
    assert.equal(withClass(svg, 'failover').length, 1);
    assert.ok(withClass(svg, 'legend-item').length >= 10);
    assert.match(svg, /s after the load started/);
    assert.deepEqual(svgSize(svg).width, 1400);
  });

  it('escapes what it writes: a title with markup stays text', () => {
    const { view } = syntheticView();
    const svg = renderTimelineSvg({ ...view, title: 'a <b> & "c"' });
    assertBalanced(svg);
    assert.match(svg, /a &#60;b&#62; &#38; &#34;c&#34;/);
  });

  it('renders in headless Chromium: the lanes and windows are in the parsed document, the screenshot is drawn', async () => {
    const { svg } = syntheticView();
    const dir = mkdtempSync(join(tmpdir(), 'tracknum-svg-'));
    const file = join(dir, 'timeline.svg');
    writeFileSync(file, svg);
    const { width, height } = svgSize(svg);
    const png = join(dir, 'timeline.png');
    const [dom] = await Promise.all([dumpDom(file), screenshot(file, png, width, height)]);
    assert.doesNotMatch(dom, /parsererror/, 'Chromium could not parse the SVG');
    for (const path of PATHS) assert.match(dom, new RegExp(`id="lane-${path}"`));
    assert.equal(withClass(dom, 'fault-window').length, 3);
    assert.equal(withClass(dom, 'state').length, withClass(svg, 'state').length);
    const image = readPng(png);
    assert.deepEqual([image.width, image.height], [width, height]);
    assert.ok(distinctColors(image) > 20, `only ${distinctColors(image)} colours: blank?`);
    // The green of 200s, the red of failures and of not issuing, the amber of claiming are drawn.
    assert.ok(countColor(image, [0x3a, 0x9a, 0x48]) > 5000, 'green bars');
    assert.ok(countColor(image, [0xd6, 0x27, 0x28]) > 500, 'red bars');
    assert.ok(countColor(image, [0xf2, 0xc2, 0x30]) > 20, 'claiming bar');
    rmSync(dir, { recursive: true, force: true });
  });
});
