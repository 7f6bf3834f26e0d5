/**
 * Issue 16's third finding, replayed: one client burning batches of numbers
 * over several connections spent the whole instance (1.23 M numbers a
 * second), and everyone got 503 once the reserve ran out. With a clients
 * file, the burner is held to its quota, and a second client keeps getting
 * its numbers: at least 99.9% of its requests answered 200.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clientLine, newToken, tokenHash } from '../../src/clients/clientsFile.js';
import { startService, type Service } from '../helpers/service.js';
import { burn, metric, startProbe } from './attacks.js';

const BURNER = { name: 'burner', token: newToken(), quota: 20_000, burst: 20_000 };
const BYSTANDER = { name: 'bystander', token: newToken(), quota: 1_000, burst: 1_000 };
const SECONDS = 8;

describe('a client burning numbers, with a clients file', () => {
  let service: Service;
  before(async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tracknum-burn-')), 'clients');
    const line = (c: typeof BURNER): string =>
      clientLine({
        name: c.name,
        tokenHash: tokenHash(c.token),
        quotaPerSecond: c.quota,
        burst: c.burst,
        routes: ['issue', 'batch', 'metrics'],
      });
    writeFileSync(path, line(BURNER) + line(BYSTANDER), { mode: 0o600 });
    service = await startService({ env: { CLIENTS_FILE: path } });
  });
  after(() => service.stop());

  it("is held to its quota, and cannot push a second client's success rate below 99.9%", async () => {
    const probe = startProbe(service.port, 100, { Authorization: `Bearer ${BYSTANDER.token}` });
    const started = performance.now();
    const statuses = await burn(service.port, BURNER.token, started + SECONDS * 1000);
    const elapsed = (performance.now() - started) / 1000;
    const result = await probe.stop();

    const served = result.statuses[200] ?? 0;
    const rate = served / result.sent;
    const figures = `bystander: ${served} of ${result.sent} answered 200 (${JSON.stringify(result.statuses)}); burner: ${JSON.stringify(statuses)} in ${elapsed.toFixed(1)} s`;
    assert.ok(result.sent >= SECONDS * 80, figures);
    assert.ok(rate >= 0.999, figures);
    assert.ok((statuses[429] ?? 0) > 0, `the burner was never refused: ${figures}`);
    const issued = await metric(
      service.port,
      'tracknum_client_numbers_issued_total',
      `client="burner"`,
      BYSTANDER.token,
    );
    const allowed = BURNER.burst + elapsed * BURNER.quota;
    assert.ok(issued <= allowed, `the burner got ${issued} numbers, at most ${allowed.toFixed(0)} allowed; ${figures}`);
    assert.ok(issued >= BURNER.burst, `the burner got only ${issued} numbers; ${figures}`);
  });
});
