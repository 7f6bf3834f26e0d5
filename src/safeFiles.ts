/**
 * Files that hold secrets (the key file, the clients file) and files the
 * service writes, handled the way OpenSSH handles private keys: a secret file
 * others can read or change is refused, and nothing is ever written through a
 * symbolic link or over a file that was not expected to be there.
 *
 * The rule for a secret file (PostgreSQL's rule for its TLS key): owned by the
 * user reading it, no permission for group or others (0600 or less); owned by
 * root, group may read, nothing more (0640 or less). The second is how
 * systemd hands credentials to a service user (a root-owned file, 0400 with
 * an ACL entry for the user, which stat shows as 0440) and how a Kubernetes
 * Secret with fsGroup looks; a file owned by anyone else could be rewritten
 * by them. Checked on the open file, so that what is checked is what is read.
 */
import { constants, type Stats } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TracknumError } from './errors.js';

const { O_RDONLY, O_WRONLY, O_RDWR, O_APPEND, O_CREAT, O_EXCL, O_NOFOLLOW, O_DIRECTORY } = constants;

const octal = (mode: number): string => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

/** The owner and mode problem of a secret file, or undefined when there is none. */
function permissionProblem(stats: Stats, uid: number): string | undefined {
  const mode = stats.mode & 0o777;
  if (stats.uid === uid) {
    if ((mode & 0o077) === 0) return undefined;
    return `is mode ${octal(mode)}: group or others can read or change it (chmod 600)`;
  }
  if (stats.uid === 0) {
    if ((mode & 0o027) === 0) return undefined;
    return `is root's with mode ${octal(mode)}: others can read it, or group or others change it (chmod 600, or 640 for the service's group)`;
  }
  return `is owned by uid ${stats.uid}, neither this user (uid ${uid}) nor root, who could rewrite it (chown it to this user, and chmod 600)`;
}

function refuseUnsafe(handleStats: Stats, path: string, what: string): void {
  if (!handleStats.isFile()) {
    throw new TracknumError('SECRET_FILE_PERMISSIONS', `${what} ${path} is not a regular file`, { path });
  }
  const problem = permissionProblem(handleStats, process.geteuid?.() ?? -1);
  if (problem !== undefined) {
    throw new TracknumError('SECRET_FILE_PERMISSIONS', `${what} ${path} ${problem}`, { path });
  }
}

const errnoOf = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/**
 * The text of a secret file, once its owner and mode are found safe.
 * `unreadable` makes the error for a file that cannot be opened or read.
 */
export async function readSecretFile(
  path: string,
  what: string,
  unreadable: (reason: string) => TracknumError,
): Promise<string> {
  let handle: FileHandle;
  try {
    // Symbolic links are followed: a Kubernetes Secret volume is made of them. The file they lead to is checked.
    handle = await open(path, O_RDONLY);
  } catch (error) {
    throw unreadable(errnoOf(error));
  }
  try {
    refuseUnsafe(await handle.stat(), path, what);
    return await handle.readFile('utf8');
  } catch (error) {
    if (error instanceof TracknumError) throw error;
    throw unreadable(errnoOf(error));
  } finally {
    await handle.close();
  }
}

/** fsync of the directory holding `path`, so that a new or renamed entry survives a crash. */
export async function syncDirectoryOf(path: string): Promise<void> {
  const directory = await open(dirname(path), O_RDONLY | O_DIRECTORY);
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

/**
 * Adds text to a secret file an operator keeps (keygen --out, client add
 * --out): creates it, mode 0600 (less what the umask takes away), when there is nothing at `path`, else
 * appends to it if it is a regular file (never a symbolic link) with a safe
 * owner and mode. `textFor` gets the file's current text (undefined for a new
 * file) and returns what to add, or throws to refuse (a generation or a name
 * already there). Returns whether the file was created.
 */
export async function addToSecretFile(
  path: string,
  what: string,
  textFor: (existing: string | undefined) => string,
): Promise<'created' | 'appended'> {
  const refuse = (reason: string): TracknumError =>
    new TracknumError('OUT_FILE_UNSAFE', `${what} ${path} ${reason}`, { path });
  let handle: FileHandle;
  let existing: string | undefined;
  try {
    // O_EXCL: never over something that appeared at the path, a symbolic link included.
    handle = await open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  } catch (error) {
    if (errnoOf(error) !== 'EEXIST') throw refuse(`cannot be created: ${errnoOf(error)}`);
    try {
      handle = await open(path, O_RDWR | O_APPEND | O_NOFOLLOW);
    } catch (reopenError) {
      const code = errnoOf(reopenError);
      throw refuse(code === 'ELOOP' ? 'is a symbolic link: refusing to write through it' : `cannot be opened: ${code}`);
    }
    try {
      refuseUnsafe(await handle.stat(), path, what);
      existing = await handle.readFile('utf8');
    } catch (checkError) {
      await handle.close();
      throw checkError;
    }
  }
  const created = existing === undefined;
  try {
    const text = textFor(existing);
    const separator = existing !== undefined && existing !== '' && !existing.endsWith('\n') ? '\n' : '';
    await handle.write(separator + text);
    await handle.sync();
  } catch (error) {
    await handle.close();
    // A file this call created and could not fill is removed; an operator's file is left as it was.
    if (created) await unlink(path).catch(() => undefined);
    throw error;
  }
  await handle.close();
  await syncDirectoryOf(path);
  return created ? 'created' : 'appended';
}
