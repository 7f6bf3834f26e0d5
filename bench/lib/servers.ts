/**
 * The servers a benchmark measures, and how each is started: the bare uWS
 * ceiling, the builds of tracknum (tspc's dist/, the bundle, the bundle with
 * sequential numbers, the bundle with a clients file, another checkout as a
 * baseline, the ledger's variant builds) and the Fastify alternative. Each
 * tracknum runs on a state directory of its own, with a node ID far from
 * those the tests and a default instance use, so that a benchmark never
 * takes their host lock.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientLine, newToken, tokenHash } from '../../src/clients/clientsFile.js';
import { COUNTER_SIZE } from '../../src/core/layout.js';
import { newKeyLine } from '../../src/numberSpace/keys.js';
import { probePort } from '../../src/primary/portProbe.js';
import { startServer, type RunningServer } from './processes.js';

/** How to start one server. */
export interface ServerSpec {
  readonly name: string;
  /** The script node runs. */
  readonly main: string;
  /** tracknum: its number format, node ID and whether it has a clients file; undefined for the others. */
  readonly tracknum?: {
    readonly format: 'opaque' | 'sequential';
    readonly nodeId: number;
    readonly clientsFile?: boolean;
  };
}

export interface StartedServer {
  readonly spec: ServerSpec;
  readonly running: RunningServer;
  /** Headers every request to it carries (a client's Bearer token, with a clients file). */
  readonly headers: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/** One scratch directory per benchmark process: the key file, clients files, state directories. */
const SCRATCH = mkdtempSync(join(tmpdir(), 'tracknum-bench-'));
/** One tracking-number key for the opaque servers, as an operator's key file holds it. */
const KEY_FILE = join(SCRATCH, 'tracking-number.key');
writeFileSync(KEY_FILE, `${newKeyLine(0)}\n`, { mode: 0o600 });

/**
 * A clients file of one client whose quota never refuses a benchmark (the
 * counter's whole rate, the largest burst), so that every request pays the
 * token and quota checks and none is refused; and the header carrying its token.
 */
function clientsFile(): { path: string; authorization: string } {
  const token = newToken();
  const path = join(mkdtempSync(join(SCRATCH, 'clients-')), 'clients');
  const line = clientLine({
    name: 'bench',
    tokenHash: tokenHash(token),
    quotaPerSecond: COUNTER_SIZE,
    burst: 2 ** 31 - 1,
    routes: ['issue', 'batch'],
  });
  writeFileSync(path, line, { mode: 0o600 });
  return { path, authorization: `Bearer ${token}` };
}

/** Starts `spec` with `workers` workers on a free port; `nodeArgs` go before the script (e.g. --cpu-prof). */
export async function startSpec(
  spec: ServerSpec,
  workers: number,
  cwd: string,
  nodeArgs: readonly string[] = [],
): Promise<StartedServer> {
  const port = String(await probePort('127.0.0.1', 0));
  const env: Record<string, string> = { PORT: port, HOST: '127.0.0.1', WORKERS: String(workers) };
  const command = [process.execPath, ...nodeArgs, spec.main];
  if (spec.tracknum === undefined) {
    const running = await startServer(spec.name, command, env, cwd);
    return { spec, running, headers: {}, stop: () => running.stop() };
  }
  const { format, nodeId, clientsFile: withClients } = spec.tracknum;
  const stateDir = mkdtempSync(join(SCRATCH, 'state-'));
  const clients = withClients === true ? clientsFile() : undefined;
  const running = await startServer(
    spec.name,
    command,
    {
      ...env,
      STATE_DIR: stateDir,
      NODE_ID: String(nodeId),
      NUMBER_FORMAT: format,
      ...(format === 'opaque' ? { TRACKING_NUMBER_KEY_FILE: KEY_FILE } : {}),
      ...(clients === undefined ? {} : { CLIENTS_FILE: clients.path }),
      LOG_LEVEL: 'info',
    },
    cwd,
  );
  return {
    spec,
    running,
    headers: clients === undefined ? {} : { Authorization: clients.authorization },
    stop: async () => {
      await running.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Removes the scratch directory (key file, clients files); call once the benchmark is over. */
export function removeScratch(): void {
  rmSync(SCRATCH, { recursive: true, force: true });
}
