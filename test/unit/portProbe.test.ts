import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { describe, it } from 'node:test';
import { isTracknumError } from '../../src/errors.js';
import { probePort } from '../../src/primary/portProbe.js';

const listen = (port: number, host = '127.0.0.1'): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port }, () => resolve(server));
  });
const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

describe('port probe', () => {
  it('with port 0, picks a free port, and leaves it free for the workers', async () => {
    const port = await probePort('127.0.0.1', 0);
    assert.ok(Number.isInteger(port) && port > 0 && port < 65536, String(port));
    await close(await listen(port));
  });

  it('answers a free port given, and leaves it free', async () => {
    const free = await listen(0);
    const { port } = free.address() as AddressInfo;
    await close(free);
    assert.equal(await probePort('127.0.0.1', port), port);
    await close(await listen(port));
  });

  it('refuses a port in use (PORT_IN_USE), naming it', async () => {
    const taken = await listen(0);
    const { port } = taken.address() as AddressInfo;
    try {
      await assert.rejects(
        probePort('127.0.0.1', port),
        (error: unknown) =>
          isTracknumError(error) &&
          error.code === 'PORT_IN_USE' &&
          error.message === `port ${port} on 127.0.0.1 is already in use` &&
          error.context['port'] === port &&
          error.context['host'] === '127.0.0.1',
      );
    } finally {
      await close(taken);
    }
  });

  it('refuses an address it cannot listen on (CONFIG_INVALID), with the reason', async () => {
    // 192.0.2.1 (TEST-NET-1) is no address of this host: EADDRNOTAVAIL, nothing is sent.
    await assert.rejects(
      probePort('192.0.2.1', 0),
      (error: unknown) =>
        isTracknumError(error) &&
        error.code === 'CONFIG_INVALID' &&
        error.message.startsWith('cannot listen on 192.0.2.1:0: ') &&
        /EADDRNOTAVAIL/.test(error.message) &&
        error.context['host'] === '192.0.2.1',
    );
  });
});
