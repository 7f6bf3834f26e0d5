/**
 * Injecting and healing each kind of fault on the running lab. One fault at
 * a time: what the checker sees during a fault's window is that fault's doing.
 */
import type { NetHost, LabNetwork } from './network.js';
import type { Running } from './hosts.js';
import { setClock } from './hosts.js';
import type { Fault } from './schedule.js';
import type { Timeline } from './timeline.js';

/** What the faults act on: the lab's hosts and how to (re)start what runs on them. */
export interface LabHosts {
  network: LabNetwork;
  timeline: Timeline;
  instances: Map<string, { host: NetHost; clockFile: string; running?: Running }>;
  etcd: Map<string, { host: NetHost; running?: Running }>;
  /** Starts (again) the instance on host `name`, with its clock at +0; resolves when ready. */
  startInstance(name: string): Promise<void>;
  /** Starts (again) etcd member `name`; resolves when healthy. */
  startEtcdMember(name: string): Promise<void>;
  /** Starts (again) every member named at once (a cluster without quorum needs them together); resolves when all are healthy. */
  startEtcdMembers(names: readonly string[]): Promise<void>;
  /** Resolves when every etcd member says it is healthy (throws after a while). */
  etcdHealthy(): Promise<void>;
}

export interface FaultRun {
  fault: Fault;
  /** Timeline ms: once the fault was in place, once it was healed, once the lab was whole again. */
  injectedAt: number;
  healedAt: number;
  doneAt: number;
  notes: string[];
  error?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const DRAIN_LIMIT_MS = 40_000;

function processOf(lab: LabHosts, name: string): Running | undefined {
  return lab.instances.get(name)?.running ?? lab.etcd.get(name)?.running;
}

/** Addresses of `names`' hosts. */
const addressesOf = (lab: LabHosts, names: Iterable<string>): string[] =>
  [...names].map((name) => lab.network.host(name).address);

export async function runFault(lab: LabHosts, fault: Fault): Promise<FaultRun> {
  const { network, timeline } = lab;
  const notes: string[] = [];
  const note = (detail: string): void => {
    notes.push(detail);
    timeline.add({ type: 'fault', fault: fault.index, phase: 'note', detail });
  };
  const etcdNames = [...lab.etcd.keys()];
  const hold = (): Promise<void> => sleep(fault.duration * 1000);
  let injectedAt = timeline.now();
  let healedAt = injectedAt;
  const injected = (detail: string): void => {
    injectedAt = timeline.now();
    timeline.add({ type: 'fault', fault: fault.index, phase: 'inject', detail });
  };
  const healed = (detail: string): void => {
    healedAt = timeline.now();
    timeline.add({ type: 'fault', fault: fault.index, phase: 'heal', detail });
  };
  try {
    switch (fault.kind) {
      case 'etcd-cut': {
        await network.cut(fault.target, addressesOf(lab, etcdNames));
        injected(`${fault.target} cut off from ${etcdNames.join(', ')}`);
        await hold();
        await network.heal(fault.target);
        healed(`${fault.target} reconnected`);
        break;
      }
      case 'etcd-split': {
        const minority = fault.minority ?? [fault.target];
        const majority = [...etcdNames, ...lab.instances.keys()].filter((name) => !minority.includes(name));
        for (const name of minority) await network.cut(name, addressesOf(lab, majority));
        injected(`{${minority.join(', ')}} | {${majority.join(', ')}}`);
        await hold();
        for (const name of minority) await network.heal(name);
        healed('split healed');
        break;
      }
      case 'isolate': {
        await network.isolate(fault.target);
        injected(`${fault.target} isolated from every host and client`);
        await hold();
        await network.heal(fault.target);
        healed(`${fault.target} reconnected`);
        break;
      }
      case 'one-way': {
        const peers = lab.instances.has(fault.target) ? etcdNames : etcdNames.filter((n) => n !== fault.target);
        await network.cut(fault.target, addressesOf(lab, peers), fault.direction);
        injected(
          fault.direction === 'out'
            ? `${fault.target} drops what it sends to ${peers.join(', ')}`
            : `${fault.target} drops what it receives from ${peers.join(', ')}`,
        );
        await hold();
        await network.heal(fault.target);
        healed(`${fault.target} reconnected`);
        break;
      }
      case 'clock-skew':
      case 'clock-step': {
        const instance = lab.instances.get(fault.target);
        if (instance === undefined) throw new Error(`${fault.target} is not an instance`);
        const offset = fault.offsetSeconds ?? 0;
        setClock(instance.clockFile, offset);
        injected(`${fault.target}'s wall clock ${offset >= 0 ? '+' : ''}${offset} s`);
        await hold();
        setClock(instance.clockFile, 0);
        healed(`${fault.target}'s wall clock back to +0 s`);
        break;
      }
      case 'pause': {
        const target = processOf(lab, fault.target);
        if (target === undefined) throw new Error(`nothing runs on ${fault.target}`);
        target.child.kill('SIGSTOP');
        injected(`SIGSTOP to ${fault.target} (pid ${target.pid})`);
        await hold();
        target.child.kill('SIGCONT');
        healed(`SIGCONT to ${fault.target}`);
        break;
      }
      case 'kill-instance':
      case 'kill-etcd': {
        const target = processOf(lab, fault.target);
        if (target === undefined) throw new Error(`nothing runs on ${fault.target}`);
        await target.stop('SIGKILL');
        injected(`kill -9 ${fault.target} (pid ${target.pid})`);
        await hold();
        healed(`restarting ${fault.target}`);
        if (fault.kind === 'kill-instance') await lab.startInstance(fault.target);
        else await lab.startEtcdMember(fault.target);
        note(`${fault.target} running again (pid ${processOf(lab, fault.target)?.pid})`);
        break;
      }
      case 'etcd-outage': {
        const members = etcdNames.map((name) => ({ name, running: processOf(lab, name) }));
        if (fault.method === 'kill') {
          await Promise.all(members.flatMap((m) => (m.running === undefined ? [] : [m.running.stop('SIGKILL')])));
          injected(`kill -9 of every etcd member (${etcdNames.join(', ')})`);
          await hold();
          healed(`restarting ${etcdNames.join(', ')}`);
          await lab.startEtcdMembers(etcdNames);
        } else {
          for (const m of members) m.running?.child.kill('SIGSTOP');
          injected(
            `SIGSTOP to every etcd member (${members.map((m) => `${m.name} pid ${m.running?.pid}`).join(', ')})`,
          );
          await hold();
          for (const m of members) m.running?.child.kill('SIGCONT');
          healed(`SIGCONT to ${etcdNames.join(', ')}`);
          await lab.etcdHealthy();
        }
        note('every etcd member healthy again');
        break;
      }
      case 'rolling-restart': {
        injected(`rolling restart of ${[...lab.instances.keys()].join(', ')}`);
        for (const name of lab.instances.keys()) {
          const target = processOf(lab, name);
          if (target === undefined) continue;
          const stoppedAt = timeline.now();
          const exit = await Promise.race([target.stop('SIGTERM'), sleep(DRAIN_LIMIT_MS).then(() => undefined)]);
          if (exit === undefined) {
            note(`${name} did not exit within ${DRAIN_LIMIT_MS / 1000} s of SIGTERM: SIGKILL`);
            await target.stop('SIGKILL');
          } else {
            note(
              `${name} exited (${exit.signal ?? exit.code}) ${((timeline.now() - stoppedAt) / 1000).toFixed(1)} s after SIGTERM`,
            );
          }
          const startedAt = timeline.now();
          await lab.startInstance(name);
          note(`${name} ready again ${((timeline.now() - startedAt) / 1000).toFixed(1)} s after its start`);
        }
        healed('every instance restarted');
        break;
      }
    }
  } catch (error) {
    timeline.add({ type: 'fault', fault: fault.index, phase: 'note', detail: `failed: ${(error as Error).message}` });
    // Leave the lab whole for what follows, whatever failed.
    await network.heal(fault.target).catch(() => undefined);
    for (const name of fault.minority ?? []) await network.heal(name).catch(() => undefined);
    processOf(lab, fault.target)?.child.kill('SIGCONT');
    if (fault.kind === 'etcd-outage') for (const name of etcdNames) processOf(lab, name)?.child.kill('SIGCONT');
    const instance = lab.instances.get(fault.target);
    if (instance !== undefined) setClock(instance.clockFile, 0);
    return {
      fault,
      injectedAt,
      healedAt: timeline.now(),
      doneAt: timeline.now(),
      notes,
      error: (error as Error).message,
    };
  }
  const doneAt = timeline.now();
  timeline.add({ type: 'fault', fault: fault.index, phase: 'done', detail: '' });
  return { fault, injectedAt, healedAt, doneAt, notes };
}
