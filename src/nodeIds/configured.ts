/**
 * The embedded mode: one configured node ID, held until shutdown, with its
 * state in a locked state directory. A host-wide lock on the node ID keeps two
 * instances on this host (with different state directories) off one node ID.
 * Across hosts, distinct node IDs are the operator's job (or etcd's).
 */
import { TracknumError } from '../errors.js';
import { takeHostLock } from './hostLock.js';
import type { NodeIdSource } from './source.js';
import type { StateDirectory } from './stateDirectory.js';

/** The source of `nodeId`; closing it releases the state directory. */
export function configuredNodeIds(nodeId: number, directory: StateDirectory): NodeIdSource {
  return {
    numberSpace: directory.numberSpace,
    claim: async () => {
      const node = await takeHostLock(
        `node:${nodeId}`,
        () =>
          new TracknumError('NODE_ID_IN_USE', `node ID ${nodeId} is in use by another tracknum instance on this host`, {
            nodeId,
          }),
      );
      return {
        nodeId,
        highWater: directory.highWaterStore(nodeId),
        lost: new Promise(() => undefined),
        trustedUntil: Infinity,
        release: () => node.release(),
      };
    },
    close: () => directory.release(),
  };
}
