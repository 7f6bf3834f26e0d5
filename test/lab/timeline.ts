/**
 * One clock and one record of what happened during a run, for every part of
 * the lab: times are milliseconds on the controller's monotonic clock since
 * the run started (hosts' wall clocks are skewed on purpose, so nothing they
 * say about time is used).
 */
import { performance } from 'node:perf_hooks';

export type LabEvent =
  /** A JSON log line of a tracknum instance (only the ones the checker reads are kept). */
  | { at: number; type: 'log'; host: string; pid: number; msg: string; nodeId?: number; reason?: string }
  | { at: number; type: 'started'; host: string; pid: number; role: string; nodeId?: number }
  | { at: number; type: 'exited'; host: string; pid: number; code: number | null; signal: string | null }
  /** A change of a node key in etcd, as first seen by one of the controller's watchers. */
  | {
      at: number;
      type: 'node-key';
      change: 'put' | 'delete';
      key: string;
      revision: string;
      holderPid?: number;
      seenVia: string;
    }
  /** etcd's leader as one member reports it, when it changes. */
  | { at: number; type: 'etcd-leader'; member: string; leader: string }
  /** A server state change reported by HAProxy. */
  | { at: number; type: 'haproxy'; server: string; state: string; line: string }
  | { at: number; type: 'fault'; fault: number; phase: 'inject' | 'heal' | 'done' | 'note'; detail: string };

export class Timeline {
  readonly startedAt = performance.now();
  /** Wall-clock time at the start, for the report only. */
  readonly startedAtIso = new Date().toISOString();
  readonly events: LabEvent[] = [];

  now(): number {
    return performance.now() - this.startedAt;
  }

  add(event: DistributiveOmit<LabEvent, 'at'>): void {
    this.events.push({ at: this.now(), ...event });
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
