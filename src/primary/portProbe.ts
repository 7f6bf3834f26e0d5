/**
 * uWS listens with SO_REUSEPORT, so a second server on a taken port starts
 * without error and silently takes half the traffic. A plain listen (no
 * SO_REUSEPORT) fails with EADDRINUSE instead: probe with one first. With
 * port 0 the probe also picks the free port that every worker then binds.
 */
import { createServer } from 'node:net';
import { TracknumError } from '../errors.js';

export function probePort(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new TracknumError('PORT_IN_USE', `port ${port} on ${host} is already in use`, { host, port })
          : new TracknumError('CONFIG_INVALID', `cannot listen on ${host}:${port}: ${error.message}`, { host, port }),
      );
    });
    server.listen({ host, port, exclusive: true }, () => {
      const address = server.address();
      const chosen = typeof address === 'object' && address !== null ? address.port : port;
      server.close(() => resolve(chosen));
    });
  });
}
