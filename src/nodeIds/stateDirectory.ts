/**
 * The embedded mode's state directory: an exclusive lock, so that two
 * instances never share one high-water mark; the marks themselves, one small
 * file per node ID; the number-space record; and, for an instance that runs
 * alone, its own tracking-number key. Every file is written atomically
 * (temporary file, fsync, rename, fsync of the directory), mode 0600, never
 * through a symbolic link; one is never read through one either.
 *
 * The directory must be this user's and closed to group and others' writes:
 * anyone else who can add entries to it can plant a link or a mark.
 */
import { constants } from 'node:fs';
import { access, mkdir, open, readdir, realpath, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { NumberKey } from '../core/numberFormat.js';
import { TracknumError } from '../errors.js';
import type { Logger } from '../logger.js';
import { newKeyLine, parseKeys } from '../numberSpace/keys.js';
import type { NumberSpaceRecord, NumberSpaceStore } from '../numberSpace/record.js';
import { syncDirectoryOf } from '../safeFiles.js';
import { takeHostLock } from './hostLock.js';
import type { HighWaterStore } from './source.js';

/** The mark files' format; version 1 belonged to an earlier layout of the number. */
const MARK_VERSION = 2;
const RECORD_FILE = 'number-space.json';
/** The key of an instance that made its own (embedded mode, no NODE_ID, no key file). */
const OWN_KEY_FILE = 'tracking-number.key';

interface StoredMark {
  version: typeof MARK_VERSION;
  nodeId: number;
  highWaterSecond: number;
  updatedAt: string;
}

const markFile = (nodeId: number): string => `node-${nodeId}.high-water.json`;

export class StateDirectory {
  /** The directory's real path. */
  readonly path: string;
  readonly #release: () => Promise<void>;

  private constructor(path: string, release: () => Promise<void>) {
    this.path = path;
    this.#release = release;
  }

  /**
   * Creates the directory if needed and takes its lock (see hostLock.ts),
   * keyed by its real path so that every spelling of it is the same lock.
   */
  static async lock(directory: string): Promise<StateDirectory> {
    let path: string;
    try {
      await mkdir(directory, { recursive: true, mode: 0o700 });
      path = await realpath(directory);
      // Checked now, so that a directory that cannot be written fails at start, not at the first mark.
      await access(path, constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new TracknumError('STATE_UNWRITABLE', `state directory ${directory} cannot be written: ${code}`, {
        path: directory,
      });
    }
    await refuseSharedDirectory(path);
    const lock = await takeHostLock(
      `state:${path}`,
      () =>
        new TracknumError('STATE_LOCKED', `state directory ${path} is in use by another tracknum instance`, { path }),
    );
    return new StateDirectory(path, () => lock.release());
  }

  /** The directory as it is, unlocked, for reading only (the operator's commands). */
  static forReading(directory: string): StateDirectory {
    return new StateDirectory(directory, () => Promise.resolve());
  }

  release(): Promise<void> {
    return this.#release();
  }

  /** The high-water mark of `nodeId`. */
  highWaterStore(nodeId: number): HighWaterStore {
    const file = join(this.path, markFile(nodeId));
    return {
      read: async () => {
        const stored = await readJson<Partial<StoredMark>>(file);
        if (stored === undefined) return undefined;
        if (
          stored === null ||
          typeof stored !== 'object' ||
          stored.version !== MARK_VERSION ||
          stored.nodeId !== nodeId ||
          !Number.isSafeInteger(stored.highWaterSecond)
        ) {
          // Refusing is safer than guessing: a wrong mark could repeat numbers.
          throw new TracknumError(
            'STATE_CORRUPT',
            `state file ${file} is not a valid high-water mark for node ${nodeId} of this version`,
            { path: file },
          );
        }
        return stored.highWaterSecond;
      },
      write: async (second) => {
        const body: StoredMark = {
          version: MARK_VERSION,
          nodeId,
          highWaterSecond: second,
          updatedAt: new Date().toISOString(),
        };
        await writeFileDurably(file, `${JSON.stringify(body)}\n`);
      },
    };
  }

  /** The number-space record, in number-space.json. The lock makes every write the only one. */
  get numberSpace(): NumberSpaceStore {
    const file = join(this.path, RECORD_FILE);
    return {
      where: file,
      read: async () => {
        const record = await readJson<NumberSpaceRecord>(file);
        if (
          record === null ||
          (record !== undefined && (typeof record !== 'object' || typeof record.keys !== 'object'))
        ) {
          throw new TracknumError('STATE_CORRUPT', `state file ${file} is not a number-space record`, { path: file });
        }
        return { record, version: '' };
      },
      write: async (record) => {
        await writeFileDurably(file, `${JSON.stringify(record)}\n`);
        return true;
      },
      holdsMarks: async () => (await readdir(this.path)).some((name) => name.endsWith('.high-water.json')),
    };
  }

  /** The node IDs this directory holds a high-water mark of: the ones used with it. */
  async markedNodeIds(): Promise<number[]> {
    const names = await readdir(this.path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    return names.flatMap((name) => {
      const match = /^node-(\d+)\.high-water\.json$/.exec(name);
      return match === null ? [] : [Number(match[1])];
    });
  }

  /** The key an instance that runs alone keeps here, or undefined when there is none. */
  async readOwnKeys(): Promise<NumberKey[] | undefined> {
    const file = join(this.path, OWN_KEY_FILE);
    const text = await readIfThere(file);
    return text === undefined ? undefined : parseKeys(text, file);
  }

  /**
   * The key of an instance that runs alone: read from the directory, or made
   * and stored there (mode 0600) when the directory holds no state yet. Never
   * a fresh key over state that has issued numbers: KEY_MISSING.
   */
  async ownKeys(log: Logger): Promise<NumberKey[]> {
    const file = join(this.path, OWN_KEY_FILE);
    const keys = await this.readOwnKeys();
    if (keys !== undefined) return keys;
    const { record } = await this.numberSpace.read();
    if (record !== undefined || (await this.numberSpace.holdsMarks())) {
      throw new TracknumError(
        'KEY_MISSING',
        `${this.path} holds issued numbers but its key ${file} is missing: restore it from a backup, or give ` +
          'TRACKING_NUMBER_KEY_FILE a key of a new generation (tracknum keygen --generation N)',
        { path: file },
      );
    }
    await writeFileDurably(file, newKeyLine(0));
    log.info({ path: file }, 'made a tracking-number key for this instance; back it up with the state directory');
    return parseKeys((await readIfThere(file)) ?? '', file);
  }
}

/**
 * Refuses a state directory that is not this user's, or that group or others
 * may write to: they could plant a symbolic link where a file is written, or
 * a mark of their own. systemd's StateDirectory= makes it 0700 (or
 * StateDirectoryMode=), owned by the service's user.
 */
async function refuseSharedDirectory(path: string): Promise<void> {
  const stats = await stat(path);
  const uid = process.geteuid?.() ?? stats.uid;
  const mode = `0${(stats.mode & 0o777).toString(8).padStart(3, '0')}`;
  if (stats.uid !== uid) {
    throw new TracknumError(
      'STATE_DIR_PERMISSIONS',
      `state directory ${path} is owned by uid ${stats.uid}, not by this user (uid ${uid}): chown ${uid} ${path}, or give STATE_DIR a directory of this user's`,
      { path },
    );
  }
  if ((stats.mode & 0o022) !== 0) {
    throw new TracknumError(
      'STATE_DIR_PERMISSIONS',
      `state directory ${path} is mode ${mode}: group or others can add files to it (chmod 700 ${path})`,
      { path },
    );
  }
}

/**
 * The text of `file`, or undefined when there is no such file. Never through
 * a symbolic link: tracknum makes none, so one is not its state.
 */
async function readIfThere(file: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') {
      throw new TracknumError('STATE_CORRUPT', `state file ${file} is a symbolic link, which tracknum never makes`, {
        path: file,
      });
    }
    throw error;
  }
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** The JSON in `file`, undefined when there is no such file, null when it is not JSON. */
async function readJson<T>(file: string): Promise<T | undefined | null> {
  const text = await readIfThere(file);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/**
 * Replaces `file` with `text`, atomically and durably: a temporary file beside
 * it, created afresh (O_EXCL, mode 0600, never through a link: a stale one
 * from a crash is removed first, and unlink removes a link, not its target),
 * written and fsynced, renamed over `file` (which replaces a link there, never
 * writes through it), then the directory fsynced so that the rename survives
 * a crash.
 */
async function writeFileDurably(file: string, text: string): Promise<void> {
  const temporary = `${file}.tmp`;
  await unlink(temporary).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;
  const handle = await open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
  await syncDirectoryOf(file);
}
