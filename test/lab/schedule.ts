/**
 * The fault schedule: a pure function of a seed and the lab's shape, so that
 * the same seed replays the same faults on the same targets at the same
 * planned times. The kinds follow etcd's functional tester (partitions,
 * kills, pauses) and Jepsen's etcd analysis (clock skew and steps, one-way
 * cuts), aimed at what tracknum depends on: its node-ID lease.
 */

/** How long etcd is entirely down in an etcd-outage: the goal is to ride out at least this much. */
export const ETCD_OUTAGE_SECONDS = 60;

export const FAULT_KINDS = [
  'etcd-cut',
  'etcd-split',
  'isolate',
  'one-way',
  'clock-skew',
  'clock-step',
  'pause',
  'kill-instance',
  'kill-etcd',
  'rolling-restart',
  'etcd-outage',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export const FAULT_DESCRIPTIONS: Record<FaultKind, string> = {
  'etcd-cut': 'one instance cut off from every etcd member; clients still reach it',
  'etcd-split':
    'etcd split into a minority (one member, with some instances) and a majority (the other members and instances)',
  isolate: 'one host cut off from everything, clients and controller included',
  'one-way': 'one-way cut: a host drops only what it sends to, or only what it receives from, its etcd peers',
  'clock-skew': "one instance's wall clock set ±60 s off, then back",
  'clock-step': "one instance's wall clock stepped back or forward, then back",
  pause: 'one process stopped (SIGSTOP) for longer than the lease TTL, then continued (SIGCONT)',
  'kill-instance': 'kill -9 of one instance, restarted after a while',
  'kill-etcd': 'kill -9 of one etcd member, restarted after a while',
  'rolling-restart': 'every instance in turn: SIGTERM, wait for its exit, start it again, wait until ready',
  'etcd-outage': `every etcd member stopped (SIGSTOP, or kill -9) for ${ETCD_OUTAGE_SECONDS} s, then continued (or restarted)`,
};

export interface Fault {
  index: number;
  kind: FaultKind;
  /** Planned start, seconds after the load started. */
  at: number;
  /** Planned seconds from injection to heal (for a kill: until the restart; rolling restart: an estimate). */
  duration: number;
  /** The host acted on (rolling restart: the first instance; etcd-outage: `etcd`, every member). */
  target: string;
  /** etcd-split: every host on the minority side (the target is its etcd member). */
  minority?: string[];
  /** one-way: which direction the target drops. */
  direction?: 'in' | 'out';
  /** clock-skew, clock-step: the target's wall clock offset during the fault, seconds. */
  offsetSeconds?: number;
  /** etcd-outage: every member SIGSTOPped then SIGCONTed, or killed then started again. */
  method?: 'stop' | 'kill';
}

export interface ScheduleOptions {
  seed: number;
  /** Seconds of load; faults are planned to end before it does. */
  durationSeconds: number;
  instances: readonly string[];
  etcdMembers: readonly string[];
  leaseTtlSeconds: number;
  /** Each kind once (the test's schedule), instead of rounds until the duration is used. */
  short: boolean;
}

export interface Schedule {
  seed: number;
  short: boolean;
  /** Seconds of load the schedule was planned for. */
  durationSeconds: number;
  faults: Fault[];
}

/** mulberry32: a small, fast, seedable PRNG; plenty for picking faults. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seconds a rolling restart is planned to take (SHUTDOWN_DELAY, drain, start), per instance. */
const ROLLING_SECONDS_PER_INSTANCE = 10;

export function planSchedule(options: ScheduleOptions): Schedule {
  const random = prng(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const between = (low: number, high: number): number => low + Math.round(random() * (high - low));
  const shuffled = <T>(items: readonly T[]): T[] => {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  };
  const ttl = options.leaseTtlSeconds;
  // Long enough for the lease to expire at etcd and the fence to show, then heal.
  const cutSeconds = (): number => between(ttl + 4, ttl + (options.short ? 4 : 10));
  const gap = (): number => (options.short ? between(3, 4) : between(5, 15));
  // In the short schedule, faults that may hit any host hit an instance, whose fence the checker can see.
  const anyHost = (): string => (options.short || random() < 0.6 ? pick(options.instances) : pick(options.etcdMembers));

  const plan = (kind: FaultKind, index: number, at: number): Fault => {
    switch (kind) {
      case 'etcd-cut':
        return { index, kind, at, duration: cutSeconds(), target: pick(options.instances) };
      case 'etcd-split': {
        const member = pick(options.etcdMembers);
        const withIt = shuffled(options.instances).slice(0, between(1, Math.max(1, options.instances.length >> 1)));
        return { index, kind, at, duration: cutSeconds(), target: member, minority: [member, ...withIt.sort()] };
      }
      case 'isolate':
        return { index, kind, at, duration: cutSeconds(), target: anyHost() };
      case 'one-way':
        return {
          index,
          kind,
          at,
          duration: cutSeconds(),
          target: anyHost(),
          direction: random() < 0.5 ? 'in' : 'out',
        };
      case 'clock-skew':
        return {
          index,
          kind,
          at,
          duration: between(6, options.short ? 6 : 20),
          target: pick(options.instances),
          offsetSeconds: random() < 0.5 ? -60 : 60,
        };
      case 'clock-step':
        return {
          index,
          kind,
          at,
          duration: between(6, options.short ? 6 : 20),
          target: pick(options.instances),
          offsetSeconds: (random() < 0.5 ? -1 : 1) * between(15, 45),
        };
      case 'pause':
        return { index, kind, at, duration: ttl + between(2, 4), target: anyHost() };
      case 'kill-instance':
        return { index, kind, at, duration: between(2, 5), target: pick(options.instances) };
      case 'kill-etcd':
        return { index, kind, at, duration: between(2, 6), target: pick(options.etcdMembers) };
      case 'rolling-restart':
        return {
          index,
          kind,
          at,
          duration: ROLLING_SECONDS_PER_INSTANCE * options.instances.length,
          target: options.instances[0]!,
        };
      case 'etcd-outage':
        return {
          index,
          kind,
          at,
          duration: ETCD_OUTAGE_SECONDS,
          target: 'etcd',
          method: random() < 0.5 ? 'stop' : 'kill',
        };
    }
  };

  const faults: Fault[] = [];
  let at = options.short ? 4 : 10;
  for (;;) {
    const round = shuffled(FAULT_KINDS);
    for (const kind of round) {
      const fault = plan(kind, faults.length, at);
      if (!options.short && fault.at + fault.duration > options.durationSeconds - 10) {
        return { seed: options.seed, short: false, durationSeconds: options.durationSeconds, faults };
      }
      faults.push(fault);
      at += fault.duration + gap();
    }
    if (options.short) break;
  }
  return { seed: options.seed, short: true, durationSeconds: at, faults };
}
