/**
 * The primary thread: holds a node ID (nodeIdHolder.ts), starts the HTTP
 * workers, and shuts down in order: not ready, stop issuing, drain, persist,
 * release.
 */
import { BodyBudget, createBodyBudget } from '../core/bodyBudget.js';
import { createControlBlock, markDraining, markLeaving } from '../core/controlBlock.js';
import { MAX_SECOND, secondOf, unixMsOfSecond } from '../core/layout.js';
import { monotonicMs } from '../core/monotonicClock.js';
import { TracknumError } from '../errors.js';
import type { Logger } from '../logger.js';
import { createClientCountersBuffer, createMetricsBuffer, PrimaryMetrics } from '../metrics.js';
import { configuredNodeIds } from '../nodeIds/configured.js';
import { EtcdNodeIds } from '../nodeIds/etcd.js';
import { loadUws } from '../worker/uws.js';
import type { Config } from './config.js';
import { NodeIdHolder } from './nodeIdHolder.js';
import { generationCharacter, type NumberKey } from '../core/numberFormat.js';
import type { StateDirectory } from '../nodeIds/stateDirectory.js';
import { loadClients, type ClientEntry } from '../clients/clientsFile.js';
import { createQuotaBuffer } from '../clients/quotas.js';
import type { ClientSettings } from '../messages.js';
import { issuingKey, readKeyFile } from '../numberSpace/keys.js';
import { recordNumberSpace, recordOf } from '../numberSpace/record.js';
import { probePort } from './portProbe.js';
import { WorkerPool } from './workerPool.js';

export interface RunningService {
  port: number;
  nodeId: number;
  /** Stops issuing, drains the workers, persists the high-water mark, releases the node ID. */
  shutdown(): Promise<void>;
}

/** `workerUrl`: the worker thread's module, found by the entry point next to itself. */
export async function startPrimary(config: Config, workerUrl: URL, log: Logger): Promise<RunningService> {
  // Fail before taking any lock if the workers could not serve.
  loadUws();
  const wallSecond = secondOf(Date.now());
  if (wallSecond < 0 || wallSecond + config.reserveSeconds > MAX_SECOND) {
    const iso = (second: number): string => new Date(unixMsOfSecond(second)).toISOString();
    throw new TracknumError(
      'CLOCK_OUT_OF_RANGE',
      `system clock ${new Date().toISOString()} is outside ${iso(0)} .. ${iso(MAX_SECOND - config.reserveSeconds)}: ` +
        `the layout's last second is ${iso(MAX_SECOND)}, and RESERVE_SECONDS (${config.reserveSeconds}) are reserved ahead of the clock`,
    );
  }
  // Read before any lock is taken: a bad clients file stops start-up with its own code.
  const clients = await loadClients(config.clientsFile);
  const port = await probePort(config.host, config.port);
  const embedded = config.etcd === undefined ? await configuredNodeIds(config.nodeId, config.stateDir) : undefined;
  const directory = embedded?.directory;
  const counters = createMetricsBuffer();
  const metrics = new PrimaryMetrics(counters);
  const etcd =
    embedded === undefined
      ? new EtcdNodeIds(config.etcd!, log, { reached: () => metrics.etcdReached(monotonicMs()) })
      : undefined;
  const source = embedded?.source ?? etcd!;
  let numberKey: NumberKey | undefined;
  try {
    const keys = await numberKeys(config, directory, log);
    await recordNumberSpace(source.numberSpace, recordOf(config.numberFormat, keys));
    numberKey = keys.length === 0 ? undefined : issuingKey(keys);
  } catch (error) {
    await source.close();
    throw error;
  }
  log.info(
    { format: config.numberFormat, generation: numberKey && generationCharacter(numberKey.generation) },
    'number format',
  );
  if (clients !== undefined) log.info({ path: clients.path, clients: clients.entries.length }, 'clients file read');
  else if (!isLoopback(config.host)) {
    log.warn(
      { host: config.host },
      'no clients file: anyone who reaches this address may issue numbers, without a quota (set CLIENTS_FILE)',
    );
  }
  const control = createControlBlock();
  const holder = await NodeIdHolder.start({
    source,
    control,
    reserveSeconds: config.reserveSeconds,
    // With etcd, kept topped up: issuing goes on for the whole reserve when etcd is gone.
    ...(config.etcd === undefined ? {} : { refillAfterSeconds: 1 }),
    metrics,
    log,
  });
  log.info({ nodeId: holder.nodeId, limit: holder.limit }, 'node ID held; seconds reserved');
  metrics.start(
    etcd && { leaseTtlSeconds: config.etcd!.leaseTtlSeconds, countHeldNodeIds: () => etcd.countHeldNodeIds() },
  );

  const bodyBudget = createBodyBudget(config.bodyMemoryBudgetBytes, config.workers);
  const budget = new BodyBudget(bodyBudget);
  const pool = new WorkerPool({
    count: config.workers,
    workerUrl,
    onRestart: (index) => {
      metrics.workerRestarted();
      // What the dead worker's requests held is free again.
      const bytes = budget.reclaim(index);
      if (bytes > 0) log.warn({ worker: index, bytes }, 'body budget held by the dead worker given back');
    },
    settings: {
      control: control.buffer,
      counters,
      bodyBudget,
      workers: config.workers,
      host: config.host,
      port,
      logLevel: config.logLevel,
      logRequests: config.logRequests,
      ...(numberKey === undefined ? {} : { numberKey }),
      ...(clients === undefined ? {} : { clients: clientSettings(clients.entries) }),
    },
    log,
  });
  try {
    await pool.start();
  } catch (error) {
    await pool.drain();
    metrics.stop();
    await holder.release();
    throw error;
  }

  let shuttingDown: Promise<void> | undefined;
  const shutdown = (): Promise<void> =>
    (shuttingDown ??= (async () => {
      // Not ready first, so that load balancers move away while numbers are still issued.
      markLeaving(control);
      if (config.shutdownDelaySeconds > 0) {
        log.info({ seconds: config.shutdownDelaySeconds }, 'shutting down: not ready; still serving for a while');
        await new Promise((resolve) => setTimeout(resolve, config.shutdownDelaySeconds * 1000));
      }
      log.info('shutting down: draining workers');
      holder.stopHolding();
      markDraining(control);
      await pool.drain();
      metrics.stop();
      await holder.release();
      log.info('node ID released; waiting for open connections to close');
      await pool.exited();
      log.info('stopped');
    })());

  // The caller logs 'ready' once it handles SIGTERM: a signal before that ends the process as if it had no handler.
  return { port, nodeId: holder.nodeId, shutdown };
}

/**
 * The keys the format needs: none (sequential), those of the key file, or,
 * for an instance that runs alone, its own in the state directory (loadConfig
 * asks for a key file in every other case).
 */
async function numberKeys(config: Config, directory: StateDirectory | undefined, log: Logger): Promise<NumberKey[]> {
  if (config.numberFormat === 'sequential') return [];
  if (config.keyFile !== undefined) return readKeyFile(config.keyFile);
  if (directory === undefined) throw new TracknumError('KEY_MISSING', 'etcd mode needs TRACKING_NUMBER_KEY_FILE');
  return directory.ownKeys(log);
}

/** What the workers need of the clients file: names, token hashes, routes and quotas, and shared buffers. */
function clientSettings(entries: readonly ClientEntry[]): ClientSettings {
  return {
    grants: entries.map((entry) => ({
      name: entry.name,
      tokenHash: entry.tokenHash.toString('hex'),
      routes: [...entry.routes],
    })),
    policies: entries.map((entry) => ({ quotaPerSecond: entry.quotaPerSecond, burst: entry.burst })),
    quotas: createQuotaBuffer(entries.length),
    counters: createClientCountersBuffer(entries.length),
  };
}

/** True for an address only this host can reach. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
