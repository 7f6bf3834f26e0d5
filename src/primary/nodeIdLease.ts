/**
 * Where the node ID comes from: the one swappable piece between the embedded
 * mode (a configured ID and a state directory) and a coordinated cluster.
 */
import type { HighWaterStore } from './reservation.js';
import { fileHighWaterStore, lockStateDirectory } from './stateDirectory.js';

export interface NodeIdLease {
  readonly nodeId: number;
  /** Where the high-water mark of this node ID is kept. */
  readonly highWater: HighWaterStore;
  /** Gives the node ID up; call only after the last number was issued. */
  release(): Promise<void>;
}

/** Embedded mode: the configured node ID, made exclusive by the state directory's lock. */
export async function claimConfiguredNodeId(nodeId: number, stateDir: string): Promise<NodeIdLease> {
  const lock = await lockStateDirectory(stateDir);
  return { nodeId, highWater: fileHighWaterStore(lock.path, nodeId), release: lock.release };
}
