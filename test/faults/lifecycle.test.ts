/**
 * Fault injection at every step of the node-ID life cycle, against a real
 * etcd (scenario.ts has the script, the steps, the faults and the checks).
 * Every combination runs: step x fault (fails, hangs, answer lost) x shape
 * (one call, or an outage from that call on) x follow-up (nothing, or SIGTERM
 * or a crash at each later step).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Etcd3 } from 'etcd3';
import { startEtcd, type EtcdCluster } from '../helpers/etcd.js';
import { runningInstances } from './instance.js';
import { allPlans, describePlan, FAULTS, runScenario, SHAPES, STEPS, type Outcome, type Plan } from './scenario.js';

/** Scenarios run at once; each has its own prefix, proxies and instances. */
const CONCURRENCY = Number(process.env['FAULT_CONCURRENCY'] ?? 32);

describe('the node-ID life cycle under a fault at every step', () => {
  let etcd: EtcdCluster;
  let admin: Etcd3;
  let runs = 0;
  const prefix = (): string => `/faults-${process.pid}-${(runs += 1)}`;

  before(async () => {
    etcd = await startEtcd(1);
    admin = new Etcd3({ hosts: etcd.endpoints.split(',') });
  });
  after(async () => {
    // Every instance is shut down by the end of its scenario; one left running (its timers
    // re-claiming for ever) would keep this process from exiting.
    const deadline = Date.now() + 30_000;
    while (runningInstances() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    admin.close();
    await etcd.close();
    assert.equal(runningInstances(), 0, 'instances left running after their scenarios');
  });

  it('goes through every step of the script when nothing fails', async () => {
    const outcome = await runScenario(etcd.endpoints, admin, prefix());
    assert.deepEqual(outcome.violations, []);
    // The reserve is kept topped up, so an extension comes within a second; a failed re-claim's
    // revoke only after a failure.
    assert.deepEqual(
      outcome.seen,
      STEPS.filter((step) => step !== 'reclaim.revoke'),
    );
    assert.ok(outcome.issued > 300, `${outcome.issued} numbers issued`);
  });

  it('keeps the mark of a node ID when a re-claim fails and SIGTERM comes during its back-off (issue 13, defect 1)', async () => {
    // B re-claims A's node 0 (A's clock was 30 s ahead); the read of its mark hangs, the revoke of the
    // failed claim's lease too, then SIGTERM: the old code wrote B's old node's limit into node 0's mark.
    const plan: Plan = {
      step: 'reclaim.read',
      fault: 'hang',
      shape: 'outage',
      followUp: { kind: 'sigterm', at: 'reclaim.revoke' },
    };
    const outcome = await runScenario(etcd.endpoints, admin, prefix(), plan);
    assert.equal(outcome.faultAt, 'reclaim.read');
    assert.equal(outcome.followUpAt, 'reclaim.revoke');
    assert.deepEqual(outcome.violations, []);
  });

  it('issues no number twice, and leaves every mark above every second used, whatever fails when', async (t) => {
    const plans = allPlans();
    const outcomes: { plan: Plan; outcome: Outcome }[] = [];
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < plans.length) {
          const plan = plans[next++]!;
          outcomes.push({ plan, outcome: await runScenario(etcd.endpoints, admin, prefix(), plan) });
        }
      }),
    );
    const faulted = outcomes.filter(({ plan, outcome }) => outcome.faultAt === plan.step);
    const followedAtStep = outcomes.filter(
      ({ plan, outcome }) => plan.followUp.kind !== 'none' && outcome.followUpAt === plan.followUp.at,
    );
    t.diagnostic(
      `${outcomes.length} step x fault x shape x follow-up combinations in ${Math.round((Date.now() - started) / 1000)} s; ` +
        `the fault began at its step in ${faulted.length}; the follow-up came at its step in ${followedAtStep.length}, ` +
        `at the end of the script in the others; ${outcomes.reduce((sum, o) => sum + o.outcome.issued, 0)} numbers issued`,
    );
    const broken = outcomes.filter(({ outcome }) => outcome.violations.length > 0);
    assert.deepEqual(
      broken.map(({ plan, outcome }) => `${describePlan(plan)}: ${outcome.violations.join('; ')}`),
      [],
    );
    assert.equal(outcomes.length, plans.length);
    // Every fault, of both shapes, began at every step in the runs that planned it there.
    for (const step of new Set(plans.map((plan) => plan.step))) {
      for (const fault of FAULTS) {
        for (const shape of SHAPES) {
          assert.ok(
            faulted.some(({ plan }) => plan.step === step && plan.fault === fault && plan.shape === shape),
            `no run had a ${fault} fault (${shape}) begin at ${step}`,
          );
        }
      }
    }
  });
});
