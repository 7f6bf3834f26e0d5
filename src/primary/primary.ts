/**
 * The primary thread: takes the node ID, reserves seconds, starts the HTTP
 * workers, keeps the reservation ahead of the wall clock, and shuts down in
 * order: stop issuing, drain, persist, release.
 */
import { createControlBlock, markDraining } from '../core/controlBlock.js';
import { MAX_SECOND, secondOf } from '../core/layout.js';
import { TracknumError } from '../errors.js';
import type { Logger } from '../logger.js';
import { createWorkerCounters } from '../metrics.js';
import type { Config } from './config.js';
import { claimConfiguredNodeId } from './nodeIdLease.js';
import { probePort } from './portProbe.js';
import { SecondsReservation } from './reservation.js';
import { WorkerPool } from './workerPool.js';
import { loadUws } from '../worker/uws.js';

const RESERVATION_CHECK_MS = 500;

export interface RunningService {
  port: number;
  nodeId: number;
  /** Stops issuing, drains the workers, persists the high-water mark, releases the node ID. */
  shutdown(): Promise<void>;
}

export async function startPrimary(config: Config, log: Logger): Promise<RunningService> {
  // Fail before taking any lock if the workers could not serve.
  loadUws();
  const wallSecond = secondOf(Date.now());
  if (wallSecond < 0 || wallSecond + config.reserveSeconds > MAX_SECOND) {
    throw new TracknumError(
      'CLOCK_OUT_OF_RANGE',
      `system clock ${new Date().toISOString()} is outside 2025-01-01 .. 2093-01-19`,
    );
  }
  const port = await probePort(config.host, config.port);
  const lease = await claimConfiguredNodeId(config.nodeId, config.stateDir);
  let pool: WorkerPool | undefined;
  try {
    const control = createControlBlock();
    const reservation = new SecondsReservation(control, lease.highWater, { aheadSeconds: config.reserveSeconds });
    await reservation.begin(lease.nodeId);
    log.info({ nodeId: lease.nodeId, limit: reservation.limit }, 'node ID held; seconds reserved');

    pool = new WorkerPool({
      count: config.workers,
      settings: {
        control: control.buffer,
        counters: createWorkerCounters(),
        workers: config.workers,
        host: config.host,
        port,
        logLevel: config.logLevel,
      },
      log,
    });
    await pool.start();

    let extending: Promise<void> | undefined;
    const timer = setInterval(() => {
      if (extending !== undefined || !reservation.needsExtension()) return;
      extending = reservation
        .extend()
        .catch((error: unknown) =>
          log.error({ err: error }, 'could not extend the reservation; issuance stops at its limit'),
        )
        .finally(() => {
          extending = undefined;
        });
    }, RESERVATION_CHECK_MS);

    const running = pool;
    let shuttingDown: Promise<void> | undefined;
    const shutdown = (): Promise<void> =>
      (shuttingDown ??= (async () => {
        log.info('shutting down: draining workers');
        markDraining(control);
        clearInterval(timer);
        await running.drain();
        reservation.stop();
        await extending;
        const mark = await reservation.settle();
        log.info({ highWaterSecond: mark }, 'high-water mark persisted; waiting for open connections to close');
        await running.exited();
        await lease.release();
        log.info('stopped');
      })());

    log.info({ port, host: config.host, workers: config.workers, nodeId: lease.nodeId }, 'ready');
    return { port, nodeId: lease.nodeId, shutdown };
  } catch (error) {
    await pool?.drain();
    await lease.release();
    throw error;
  }
}
