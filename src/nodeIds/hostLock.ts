/**
 * Host-wide exclusive locks: a listening Linux abstract-namespace socket per
 * lock name. The kernel releases it when the process dies, even by kill -9,
 * so there is never a stale lock to clean up. Abstract sockets belong to a
 * network namespace: processes in different namespaces (containers) do not
 * see each other's locks.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';

export interface HostLock {
  release(): Promise<void>;
}

/**
 * Takes the lock called `name`, or rejects with `whenHeld()` if another
 * process holds it.
 */
export function takeHostLock(name: string, whenHeld: () => Error): Promise<HostLock> {
  // Abstract socket names are limited to 107 bytes: hash long names.
  const socketName = `\0tracknum-${createHash('sha256').update(name).digest('hex').slice(0, 40)}`;
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? whenHeld() : error));
    server.listen(socketName, () => {
      server.unref();
      resolve({ release: () => new Promise((done) => server.close(() => done())) });
    });
  });
}
