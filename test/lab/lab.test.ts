/**
 * The lab's short schedule, in the normal test suite: every fault kind once
 * (the 60 s etcd outage included), on real etcd members, tracknum instances,
 * HAProxy and nginx in network namespaces, in about 6 minutes. Needs root and
 * network namespaces: without them it fails with one line saying so (never
 * skips). It asserts what must always hold: no duplicate, a sane checker, the
 * report and its SVG timeline written and drawn, and the availability goals
 * that rest on the design rather than on the machine's luck: the 60 s etcd
 * outage and the split cost nothing, a rolling restart no request. The goal
 * of 99.9% under every other fault is reported (report.md's Goals table), not
 * asserted: with a few hundred requests a window, one request lost to a busy
 * machine decides it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GOAL_IDS } from './checker.js';
import { distinctColors, dumpDom, readPng, screenshot } from './chromium.js';
import { PATHS } from './clients.js';
import { runLab } from './lab.js';
import { guideBlock, haproxyConfig, nginxConfig } from './lbConfig.js';
import { LabUnavailable } from './preflight.js';
import type { Report } from './report.js';
import { ETCD_OUTAGE_SECONDS, FAULT_KINDS, planSchedule, type ScheduleOptions } from './schedule.js';
import { svgSize } from './timelineSvg.js';

/** Fixed, so that a failure replays: `npm run lab -- --short --seed 10`. */
const SEED = 10;

describe('the lab: schedule and load balancer configuration', () => {
  const shape: Omit<ScheduleOptions, 'seed'> = {
    durationSeconds: 600,
    instances: ['t1', 't2', 't3', 't4'],
    etcdMembers: ['e1', 'e2', 'e3'],
    leaseTtlSeconds: 4,
    short: false,
  };

  it('plans the same faults from the same seed, and others from another', () => {
    assert.deepEqual(planSchedule({ ...shape, seed: 42 }), planSchedule({ ...shape, seed: 42 }));
    assert.notDeepEqual(planSchedule({ ...shape, seed: 42 }).faults, planSchedule({ ...shape, seed: 43 }).faults);
    const long = planSchedule({ ...shape, seed: 42 });
    assert.ok(long.faults.every((f) => f.at + f.duration <= 590));
    assert.deepEqual(new Set(long.faults.map((f) => f.kind)), new Set(FAULT_KINDS));
  });

  it('plans each kind once in the short schedule, within 3 minutes of load and the etcd outage', () => {
    for (let seed = 0; seed < 50; seed += 1) {
      const short = planSchedule({ ...shape, seed, short: true });
      assert.deepEqual(short.faults.map((f) => f.kind).sort(), [...FAULT_KINDS].sort());
      assert.ok(short.durationSeconds <= 180 + ETCD_OUTAGE_SECONDS + 5, `seed ${seed}: ${short.durationSeconds} s`);
      const outage = short.faults.find((f) => f.kind === 'etcd-outage');
      assert.equal(outage?.duration, ETCD_OUTAGE_SECONDS);
    }
  });

  it("configures HAProxy and nginx from the guide's examples, substituting addresses only", () => {
    const addresses = ['198.18.0.20', '198.18.0.21', '198.18.0.22', '198.18.0.23'];
    const haproxy = haproxyConfig(addresses);
    const printed = guideBlock('haproxy');
    // Every line of the guide's example but its server lines is there, as printed.
    const unchanged = (block: string): string[] =>
      block.split('\n').filter((l) => !/^\s*server\s.*\d+\.\d+\.\d+\.\d+:\d+/.test(l));
    assert.deepEqual(unchanged(haproxy), unchanged(printed));
    assert.deepEqual(
      haproxy.split('\n').filter((l) => /^\s*server\s/.test(l)),
      addresses.map((a, i) => `    server tn${i + 1} ${a}:3000 check`),
    );
    const nginx = nginxConfig(addresses, '/tmp/x');
    for (const line of unchanged(guideBlock('nginx'))) assert.ok(nginx.includes(line), line);
    assert.equal([...nginx.matchAll(/^\s*server 198\.18\.0\.2\d:3000 /gm)].length, 4);
  });
});

/** What the run recorded is there, readable, and agrees with itself. */
async function checkRecords(dir: string, report: Report): Promise<void> {
  const markdown = readFileSync(join(dir, 'report.md'), 'utf8');
  assert.match(markdown, /^## Goals$/m);
  assert.match(markdown, /!\[timeline\]\(timeline\.svg\)/);
  const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
  assert.deepEqual(
    json.findings.goals.map((g) => g.id),
    [...GOAL_IDS],
  );
  for (const goal of json.findings.goals) {
    // Every goal was measured in this run: each kind of fault it speaks of is in the short schedule.
    assert.ok(goal.rows.length > 0, `goal ${goal.id} has no figure`);
    for (const row of goal.rows) {
      assert.notEqual(row.met, null, `goal ${goal.id}, ${row.subject}: not measured (${row.measured})`);
      assert.ok(markdown.includes(row.measured.replace(/\|/g, '\\|')), `report.md lacks "${row.measured}"`);
    }
  }
  for (const name of ['answers.ndjson', 'events.ndjson', 'states.ndjson']) assert.ok(existsSync(join(dir, name)), name);

  // The timeline, as a browser draws it: parsed, with every lane and every fault window, not blank.
  const svgFile = join(dir, 'timeline.svg');
  const svg = readFileSync(svgFile, 'utf8');
  const { width, height } = svgSize(svg);
  const png = join(dir, 'timeline.png');
  const [dom] = await Promise.all([dumpDom(svgFile), screenshot(svgFile, png, width, height)]);
  assert.doesNotMatch(dom, /parsererror/, 'Chromium could not parse timeline.svg');
  for (const path of PATHS) assert.match(dom, new RegExp(`id="lane-${path}"`), `no lane ${path}`);
  const windows = [...dom.matchAll(/<rect class="fault-window" data-fault="(\d+)"/g)].map((m) => Number(m[1]));
  assert.deepEqual(
    windows,
    report.findings.faults.map((f) => f.index),
    'a fault window per fault',
  );
  // lab.ts names its instances t1, t2...
  for (let i = 1; i <= report.settings.instances; i += 1) {
    assert.match(dom, new RegExp(`id="instance-t${i}"`), `no state bars for t${i}`);
  }
  assert.ok([...dom.matchAll(/class="state state-/g)].length >= report.settings.instances, 'state bars');
  const image = readPng(png);
  assert.deepEqual([image.width, image.height], [width, height]);
  assert.ok(distinctColors(image) > 20, 'the screenshot of timeline.svg looks blank');
}

describe('the lab, short schedule', { timeout: 480_000 }, () => {
  it('acknowledges no number twice through every kind of fault, and HAProxy configured as the guide says serves', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'tracknum-lab-test-'));
    let result: Awaited<ReturnType<typeof runLab>>;
    try {
      result = await runLab({
        seed: SEED,
        durationSeconds: 0,
        short: true,
        outDir: dir,
        command: 'test/lab/lab.test.ts',
      });
    } catch (error) {
      // One line: what the machine lacks.
      if (error instanceof LabUnavailable) assert.fail(error.message);
      throw error;
    }
    const { report } = result;
    const { findings } = report;
    t.diagnostic(`report: ${dir}/report.md`);
    t.diagnostic(
      `${findings.verdict.numbers} numbers, ${findings.verdict.duplicates.length} duplicated; ` +
        `availability ${((findings.availability.share ?? 0) * 100).toFixed(1)}%; took ${report.timings.totalS.toFixed(0)} s`,
    );

    // The verdict.
    assert.deepEqual(
      findings.verdict.duplicates.slice(0, 5).map((d) => d.number),
      [],
      `duplicated numbers (see ${dir}/report.md)`,
    );
    assert.equal(findings.verdict.malformed, 0, '200 answers without a number');
    // Whatever the fence, each holder of a node ID issues above every second an earlier holder used.
    assert.deepEqual(
      findings.nodeSeconds?.shared.map(
        (x) => `node ${x.nodeId} second ${x.second}: ${x.holders.map((h) => h.instance).join(', ')}`,
      ),
      [],
      'seconds of a node ID used by two processes',
    );
    assert.ok((findings.nodeSeconds?.read ?? 0) > 5000, `${findings.nodeSeconds?.read} numbers read`);
    assert.ok(findings.verdict.numbers > 10_000, `only ${findings.verdict.numbers} numbers issued`);

    // The checker's sanity: every path was measured, and the figures add up.
    for (const path of PATHS) {
      const s = findings.availability.byVia[path];
      assert.ok(s !== undefined && s.ok > 500, `${path}: ${s?.ok ?? 0} numbers`);
    }
    assert.equal(
      Object.values(findings.availability.byVia).reduce((n, s) => n + s.requests, 0),
      findings.requests,
      'requests per path add up to all requests',
    );
    assert.equal(findings.client.calls, findings.availability.byVia.client?.requests);
    assert.ok(findings.client.failedOver > 0, 'no client call ever failed over, through pauses, kills and isolation');
    for (const goal of findings.goals) {
      for (const row of goal.rows)
        t.diagnostic(
          `goal ${goal.id}: ${row.subject}: ${row.measured} (${row.met === true ? 'met' : row.met === false ? 'NOT met' : 'not measured'})`,
        );
    }
    // Issuing rests on the acknowledged reservation, not on etcd or the lease (issue 17).
    for (const id of ['etcd-outage', 'split-keeps-issuing', 'rolling-restart', 'no-duplicates'] as const) {
      const goal = findings.goals.find((g) => g.id === id);
      assert.ok(goal !== undefined, `no goal ${id}`);
      for (const row of goal.rows) assert.equal(row.met, true, `goal ${id}, ${row.subject}: ${row.measured}`);
    }
    await checkRecords(dir, report);

    // Every kind of fault was in the schedule and visibly happened.
    assert.deepEqual(
      [...new Set(findings.faults.map((f) => f.kind))].sort(),
      [...FAULT_KINDS].sort(),
      'every fault kind in the short schedule',
    );
    for (const f of findings.faults) {
      assert.ok(
        f.happened,
        `fault ${f.index} ${f.kind} on ${f.target} did not show: ${[...f.evidence, f.error ?? ''].join('; ')}`,
      );
    }
    // No fence assertion here: an instance cut from etcd goes on issuing below its stored limit, after
    // its lease is gone too (issue 17). What must hold is that no second of one node ID is used by two
    // processes, asserted above.

    // The load balancers as documented: health checks work, so HAProxy serves.
    const haproxy = findings.availability.byVia.haproxy;
    assert.ok(haproxy !== undefined && haproxy.ok > 1000, `HAProxy served ${haproxy?.ok ?? 0} numbers`);
    assert.ok(findings.haproxyStateChanges > 0, 'HAProxy never took a server out (health checks not at work)');
    const nginx = findings.availability.byVia.nginx;
    assert.ok(nginx !== undefined && nginx.ok > 500, `nginx served ${nginx?.ok ?? 0} numbers`);
    // What docs/errors.md says of the requests uWebSockets.js handles itself, and of the balancers in front.
    const statusOf = (target: string, name: string): string | undefined => {
      const found = report.probes.find((p) => p.target.startsWith(target) && p.name === name);
      assert.ok(found !== undefined, `no probe of ${name} at ${target}`);
      return found.statusLine?.split(' ')[1] ?? found.outcome;
    };
    const direct = report.probes.find((p) => p.target.endsWith('(direct)'))?.target ?? '';
    assert.notEqual(direct, '', 'no instance was probed directly');
    for (const name of [
      'HTTP/1.0 with Host',
      'HTTP/1.0 without Host',
      'HTTP/1.1 without Host',
      'absolute-form target, HTTP/1.1',
    ]) {
      const held = report.probes.find((p) => p.target === direct && p.name === name)!;
      assert.equal(held.statusLine, undefined, `${name} got an answer from uWebSockets.js: ${held.statusLine}`);
      assert.ok(
        held.closedAfterMs === undefined || held.closedAfterMs >= 8_000,
        `${name}: closed after ${held.closedAfterMs} ms`,
      );
    }
    assert.deepEqual(
      [
        'HTTP/1.0 with Host',
        'HTTP/1.1 without Host',
        'absolute-form target, HTTP/1.1',
        'two differing Content-Length headers',
        '/metrics (kept inside)',
        'a body over 1 MiB, by Content-Length',
      ].map((name) => [statusOf('HAProxy', name), statusOf('nginx', name)]),
      [
        ['505', '200'],
        ['400', '400'],
        ['200', '200'],
        ['400', '400'],
        ['404', '404'],
        ['413', '413'],
      ],
    );
    assert.ok(
      report.timings.totalS < 300 + ETCD_OUTAGE_SECONDS + 10,
      `the short schedule took ${report.timings.totalS.toFixed(0)} s`,
    );
  });
});
