/**
 * Issue 16's third finding, replayed: one client burning batches of numbers
 * over several connections spent the whole instance (1.23 M numbers a
 * second), and everyone got 503 once the reserve ran out. With a clients
 * file, the burner is held to its quota, and a second client keeps getting
 * its numbers: at least 99.9% of its requests answered 200.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { newToken, type ClientRoute } from '../../src/clients/clientsFile.js';
import { bearer, writeClientsFile, type TestClient } from '../helpers/clients.js';
import { startService, type Service } from '../helpers/service.js';
import { metric, startProbe } from './attacks.js';

interface Burned {
  statuses: Record<number, number>;
  /** How long it burned, measured by the burner. */
  seconds: number;
}

/** Runs the burner (test/fixtures/burner.ts) in a process of its own. */
function burnElsewhere(port: number, token: string, seconds: number): Promise<Burned> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('../fixtures/burner.ts', import.meta.url))],
    {
      env: { ...process.env, BURN_PORT: String(port), BURN_TOKEN: token, BURN_SECONDS: String(seconds) },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as Burned) : reject(new Error(`burner exited ${code}`)),
    ),
  );
}

const ROUTES: ClientRoute[] = ['issue', 'batch', 'metrics'];
const BURNER: TestClient = { name: 'burner', token: newToken(), quota: 20_000, burst: 20_000, routes: ROUTES };
const BYSTANDER: TestClient = { name: 'bystander', token: newToken(), quota: 1_000, burst: 1_000, routes: ROUTES };
const SECONDS = 8;

describe('a client burning numbers, with a clients file', () => {
  let service: Service;
  before(async () => {
    const path = writeClientsFile([BURNER, BYSTANDER]);
    service = await startService({ env: { CLIENTS_FILE: path } });
  });
  after(() => service.stop());

  it("is held to its quota, and cannot push a second client's success rate below 99.9%", async () => {
    const probe = startProbe(service.port, 100, bearer(BYSTANDER));
    const { statuses, seconds: elapsed } = await burnElsewhere(service.port, BURNER.token, SECONDS);
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
