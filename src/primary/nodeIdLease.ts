/**
 * Where the node ID comes from: the one swappable piece between the embedded
 * mode (a configured ID and a state directory) and a coordinated cluster.
 */
import { TracknumError } from '../errors.js';
import { takeHostLock, type HostLock } from './hostLock.js';
import type { HighWaterStore } from './reservation.js';
import { fileHighWaterStore, lockStateDirectory } from './stateDirectory.js';

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
  /** Claims a node ID; start-up fails if this throws. */
  claim(): Promise<NodeIdLease>;
  /** Frees what the source holds open (connections), after the last release. */
  close(): void;
}

/** The embedded mode: one configured node ID, held until shutdown. */
export function configuredNodeIds(nodeId: number, stateDir: string): NodeIdSource {
  return { claim: () => claimConfiguredNodeId(nodeId, stateDir), close: () => undefined };
}

/**
 * Embedded mode: the configured node ID. The state directory's lock keeps two
 * instances off one high-water mark; a host-wide lock on the node ID keeps two
 * instances on this host (with different state directories) off one node ID.
 * Across hosts, distinct node IDs are the operator's job (or etcd's).
 */
export async function claimConfiguredNodeId(nodeId: number, stateDir: string): Promise<NodeIdLease> {
  const directory = await lockStateDirectory(stateDir);
  let node: HostLock;
  try {
    node = await takeHostLock(
      `node:${nodeId}`,
      () =>
        new TracknumError('NODE_ID_IN_USE', `node ID ${nodeId} is in use by another tracknum instance on this host`, {
          nodeId,
        }),
    );
  } catch (error) {
    await directory.release();
    throw error;
  }
  return {
    nodeId,
    highWater: fileHighWaterStore(directory.path, nodeId),
    lost: new Promise(() => undefined),
    trustedUntil: Infinity,
    release: async () => {
      await node.release();
      await directory.release();
    },
  };
}
