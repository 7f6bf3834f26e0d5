/**
 * The lab's short schedule, in the normal test suite: every fault kind once,
 * on real etcd members, tracknum instances, HAProxy and nginx in network
 * namespaces, in at most 5 minutes. Needs root and network namespaces:
 * without them it fails with one line saying so (never skips).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runLab } from './lab.js';
import { LabUnavailable } from './preflight.js';
import { FAULT_KINDS } from './schedule.js';

/** Fixed, so that a failure replays: `npm run lab -- --short --seed 10`. */
const SEED = 10;

describe('the lab, short schedule', { timeout: 300_000 }, () => {
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
    assert.ok(findings.verdict.numbers > 10_000, `only ${findings.verdict.numbers} numbers issued`);

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
    // A cut instance stopped issuing before etcd expired its lease; a paused one refused after SIGCONT.
    for (const f of findings.faults) {
      for (const fence of f.fences) {
        if (fence.marginMs !== undefined) {
          assert.ok(
            fence.marginMs > 0,
            `fault ${f.index} ${f.kind}: ${fence.instance} answered 200 after etcd deleted its node key`,
          );
        }
        if (f.kind === 'pause')
          assert.equal(fence.okAfterHealBeforeReclaim, 0, `${fence.instance} issued after SIGCONT under its old lease`);
      }
    }

    // The load balancers as documented: health checks work, so HAProxy serves.
    const haproxy = findings.availability.byVia.haproxy;
    assert.ok(haproxy !== undefined && haproxy.ok > 1000, `HAProxy served ${haproxy?.ok ?? 0} numbers`);
    assert.ok(findings.haproxyStateChanges > 0, 'HAProxy never took a server out (health checks not at work)');
    const nginx = findings.availability.byVia.nginx;
    assert.ok(nginx !== undefined && nginx.ok > 500, `nginx served ${nginx?.ok ?? 0} numbers`);
    assert.ok(report.timings.totalS < 300, `the short schedule took ${report.timings.totalS.toFixed(0)} s`);
  });
});
