/**
 * Clients files for the tests, written as `tracknum client add` would (each
 * client's line from its token), mode 0600.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientLine, type ClientRoute } from '../../src/clients/clientsFile.js';
import { tokenHash } from '../../src/clients/clientsFile.js';

export interface TestClient {
  name: string;
  token: string;
  quota: number;
  burst: number;
  routes: ClientRoute[];
}

/** A new clients file holding `clients`, in `directory` or a fresh temporary one; its path. */
export function writeClientsFile(clients: readonly TestClient[], directory?: string): string {
  const path = join(directory ?? mkdtempSync(join(tmpdir(), 'tracknum-clients-')), 'clients');
  const lines = clients.map((c) =>
    clientLine({
      name: c.name,
      tokenHash: tokenHash(c.token),
      quotaPerSecond: c.quota,
      burst: c.burst,
      routes: c.routes,
    }),
  );
  writeFileSync(path, `# clients of a test\n${lines.join('')}`, { mode: 0o600 });
  return path;
}

/** The Authorization header of `client`. */
export const bearer = (client: { token: string }): Record<string, string> => ({
  Authorization: `Bearer ${client.token}`,
});
