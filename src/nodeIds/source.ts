/**
 * Where the node ID comes from: the one swappable piece between the embedded
 * mode (a configured node ID and a state directory, configured.ts) and a
 * coordinated cluster (node IDs leased from etcd, etcd.ts).
 */
import type { NumberSpaceStore } from '../numberSpace/record.js';

/** Where the high-water mark of one node ID is kept: a file, or etcd. */
export interface HighWaterStore {
  /** The stored mark (every second used under the node ID is below it), or undefined if none yet. */
  read(): Promise<number | undefined>;
  /** Stores the mark durably before resolving. */
  write(second: number): Promise<void>;
}

/** One node ID, held until it is released or lost. */
export interface NodeIdLease {
  readonly nodeId: number;
  /** Where the high-water mark of this node ID is kept. */
  readonly highWater: HighWaterStore;
  /**
   * Resolves, with the reason, once the node ID may no longer be used: issuing
   * must stop at once. Never resolves for a node ID that cannot be lost.
   */
  readonly lost: Promise<string>;
  /** Until when (monotonicMs) the node ID is certainly held; Infinity when it cannot run out. */
  readonly trustedUntil: number;
  /** Gives the node ID up; call only after the last number was issued. */
  release(): Promise<void>;
}

/** Where node IDs come from: the configured one (embedded mode) or etcd. */
export interface NodeIdSource {
  /** Where the number space's record is kept, beside the node IDs' marks. */
  readonly numberSpace: NumberSpaceStore;
  /** Claims a node ID; start-up fails if this throws. */
  claim(): Promise<NodeIdLease>;
  /** Frees what the source holds open (connections), after the last release. */
  close(): Promise<void>;
}
