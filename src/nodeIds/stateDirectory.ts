/**
 * The embedded mode's state directory: an exclusive lock, so that two
 * instances never share one high-water mark, and the mark itself, one small
 * file per node ID, written atomically (temporary file, fsync, rename, fsync
 * of the directory).
 */
import { mkdir, open, readFile, realpath, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { TracknumError } from '../errors.js';
import { takeHostLock } from './hostLock.js';
import type { HighWaterStore } from './source.js';

/**
 * Takes the directory's lock (see hostLock.ts), keyed by its real path so that
 * every spelling of the directory is the same lock.
 */
export async function lockStateDirectory(directory: string): Promise<{ path: string; release: () => Promise<void> }> {
  await mkdir(directory, { recursive: true, mode: 0o750 });
  const path = await realpath(directory);
  const lock = await takeHostLock(
    `state:${path}`,
    () => new TracknumError('STATE_LOCKED', `state directory ${path} is in use by another tracknum instance`, { path }),
  );
  return { path, release: () => lock.release() };
}

interface StoredMark {
  version: 1;
  nodeId: number;
  highWaterSecond: number;
  updatedAt: string;
}

/** The high-water mark of `nodeId`, kept in `directory`. */
export function fileHighWaterStore(directory: string, nodeId: number): HighWaterStore {
  const file = join(directory, `node-${nodeId}.high-water.json`);
  return {
    async read() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      let stored: Partial<StoredMark> | null = null;
      try {
        stored = JSON.parse(text) as Partial<StoredMark>;
      } catch {
        // Handled below with every other unusable content.
      }
      if (
        stored === null ||
        typeof stored !== 'object' ||
        stored.version !== 1 ||
        stored.nodeId !== nodeId ||
        !Number.isSafeInteger(stored.highWaterSecond)
      ) {
        // Refusing is safer than guessing: a wrong mark could repeat numbers.
        throw new TracknumError(
          'STATE_CORRUPT',
          `state file ${file} is not a valid high-water mark for node ${nodeId}`,
          {
            path: file,
          },
        );
      }
      return stored.highWaterSecond;
    },
    async write(second) {
      const body: StoredMark = { version: 1, nodeId, highWaterSecond: second, updatedAt: new Date().toISOString() };
      await writeFileDurably(file, `${JSON.stringify(body)}\n`);
    },
  };
}

async function writeFileDurably(file: string, text: string): Promise<void> {
  const temporary = `${file}.tmp`;
  const handle = await open(temporary, 'w', 0o640);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
  const directory = await open(join(file, '..'), 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
