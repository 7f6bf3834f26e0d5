/**
 * The embedded mode: one configured node ID, held until shutdown. The state
 * directory's lock keeps two instances off one high-water mark; a host-wide
 * lock on the node ID keeps two instances on this host (with different state
 * directories) off one node ID. Across hosts, distinct node IDs are the
 * operator's job (or etcd's).
 */
import { TracknumError } from '../errors.js';
import { takeHostLock, type HostLock } from './hostLock.js';
import type { NodeIdLease, NodeIdSource } from './source.js';
import { fileHighWaterStore, lockStateDirectory } from './stateDirectory.js';

export function configuredNodeIds(nodeId: number, stateDir: string): NodeIdSource {
  return { claim: () => claimConfiguredNodeId(nodeId, stateDir), close: () => undefined };
}

async function claimConfiguredNodeId(nodeId: number, stateDir: string): Promise<NodeIdLease> {
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
