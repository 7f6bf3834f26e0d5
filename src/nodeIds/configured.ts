/**
 * The embedded mode: one configured node ID, held until shutdown, with its
 * state in a locked state directory. A host-wide lock on the node ID keeps two
 * instances on this host (with different state directories) off one node ID.
 * Across hosts, distinct node IDs are the operator's job (or etcd's).
 */
import { TracknumError } from '../errors.js';
import { takeHostLock } from './hostLock.js';
import type { NodeIdSource } from './source.js';
import { StateDirectory } from './stateDirectory.js';

/**
 * Takes the node ID's lock, then the state directory's, in that order: an
 * instance refused for its node ID has written nothing into a directory
 * (no key, no record). Closing the source releases both.
 */
export async function configuredNodeIds(
  nodeId: number,
  stateDir: string,
): Promise<{ source: NodeIdSource; directory: StateDirectory }> {
  const node = await takeHostLock(
    `node:${nodeId}`,
    () =>
      new TracknumError(
        'NODE_ID_IN_USE',
        `node ID ${nodeId} is in use by another tracknum instance on this host: give each instance on a host its ` +
          'own NODE_ID, and all of them one key file (TRACKING_NUMBER_KEY_FILE)',
        { nodeId },
      ),
  );
  let directory: StateDirectory;
  try {
    directory = await StateDirectory.lock(stateDir);
  } catch (error) {
    await node.release();
    throw error;
  }
  let released = false;
  const releaseNode = async (): Promise<void> => {
    if (released) return;
    released = true;
    await node.release();
  };
  const source: NodeIdSource = {
    numberSpace: directory.numberSpace,
    claim: () =>
      Promise.resolve({
        nodeId,
        highWater: directory.highWaterStore(nodeId),
        lost: new Promise<string>(() => undefined),
        trustedUntil: Infinity,
        release: releaseNode,
      }),
    close: async () => {
      // Also when start-up failed before the node ID was claimed.
      await releaseNode();
      await directory.release();
    },
  };
  return { source, directory };
}
