/**
 * Who may call (src/clients/access.ts): the Bearer token of an Authorization
 * header against the clients file's hashes, and the routes each line grants.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientAccess } from '../../src/clients/access.js';
import { newToken, tokenHash } from '../../src/clients/clientsFile.js';
import { ROUTES } from '../../src/api/routes.js';

const alice = newToken();
const bob = newToken();
const access = new ClientAccess([
  { name: 'alice', tokenHash: tokenHash(alice).toString('hex'), routes: ['issue', 'batch'] },
  { name: 'bob', tokenHash: tokenHash(bob).toString('hex'), routes: ['lookup', 'metrics'] },
]);

describe('client access', () => {
  it('finds the client of a Bearer token, and no one for anything else', () => {
    const table: [header: string, client: number][] = [
      [`Bearer ${alice}`, 0],
      [`Bearer ${bob}`, 1],
      [`bearer ${alice}`, 0], // the scheme is case-insensitive (RFC 9110, section 11.1)
      [`BEARER   ${bob}`, 1],
      ['', -1],
      [alice, -1], // no scheme
      [`Basic ${Buffer.from(`x:${alice}`).toString('base64')}`, -1],
      [`Bearer ${newToken()}`, -1], // well formed, not in the file
      [`Bearer ${alice.slice(0, -1)}`, -1],
      [`Bearer ${alice} `, -1],
      [`Bearer ${alice}, Bearer ${bob}`, -1],
      [`Bearer ${'a'.repeat(5000)}`, -1],
    ];
    for (const [header, client] of table) assert.equal(access.clientOf(header), client, JSON.stringify(header));
    // Asked again (the remembered path), the same answers.
    for (const [header, client] of table) assert.equal(access.clientOf(header), client, JSON.stringify(header));
  });

  it('lets a client use the routes its line grants, any authenticated client the others, and anyone health checks', () => {
    const expected: Record<string, [alice: boolean, bob: boolean]> = {
      'next-tracking-number': [true, false],
      batch: [true, false],
      'tracking-numbers': [false, true],
      metrics: [false, true],
      openapi: [true, true],
      other: [true, true],
      healthz: [true, true],
      readyz: [true, true],
    };
    for (const route of ROUTES) {
      assert.deepEqual([access.may(0, route), access.may(1, route)], expected[route], route);
    }
    assert.deepEqual(
      ROUTES.filter((route) => ClientAccess.isOpen(route)),
      ['healthz', 'readyz'],
    );
    assert.deepEqual([access.nameOf(0), access.nameOf(1)], ['alice', 'bob']);
  });
});
