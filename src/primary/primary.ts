/**
 * The primary thread: takes the node ID, reserves seconds, starts the HTTP
 * workers, keeps the reservation ahead of the wall clock, and shuts down in
 * order: stop issuing, drain, persist, release.
 */
import { createControlBlock, markDraining, markLeaving, writeLeaseDeadline } from '../core/controlBlock.js';
import { MAX_SECOND, secondOf } from '../core/layout.js';
import { TracknumError } from '../errors.js';
import type { Logger } from '../logger.js';
import { createMetricsBuffer, PrimaryMetrics } from '../metrics.js';
import { monotonicMs } from '../core/monotonicClock.js';
import type { Config } from './config.js';
import { EtcdNodeIds } from './etcdNodeIds.js';
import { configuredNodeIds, type NodeIdLease, type NodeIdSource } from './nodeIdLease.js';
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

/** `workerUrl`: the worker thread's module (see main.ts). */
export async function startPrimary(config: Config, log: Logger, workerUrl: URL): Promise<RunningService> {
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
  const source =
    config.etcd === undefined ? configuredNodeIds(config.nodeId, config.stateDir) : new EtcdNodeIds(config.etcd, log);
  const control = createControlBlock();
  const reservation = new SecondsReservation(control, { aheadSeconds: config.reserveSeconds });
  // The node ID numbers are issued under, or the last one claimed; its deadline is the one workers see.
  let lease: NodeIdLease;
  const adopt = async (claimed: NodeIdLease): Promise<void> => {
    lease = claimed;
    writeLeaseDeadline(control, claimed.trustedUntil);
    await reservation.begin(claimed.nodeId, claimed.highWater);
  };
  try {
    lease = await source.claim();
  } catch (error) {
    source.close();
    throw error;
  }
  let pool: WorkerPool | undefined;
  try {
    await adopt(lease);
    log.info({ nodeId: lease.nodeId, limit: reservation.limit }, 'node ID held; seconds reserved');

    const counters = createMetricsBuffer();
    const metrics = new PrimaryMetrics(counters);
    pool = new WorkerPool({
      count: config.workers,
      workerUrl,
      onRestart: () => metrics.workerRestarted(),
      settings: {
        control: control.buffer,
        counters,
        workers: config.workers,
        host: config.host,
        port,
        logLevel: config.logLevel,
        logRequests: config.logRequests,
      },
      log,
    });
    await pool.start();

    let extending: Promise<void> | undefined;
    let extensionFailing = false;
    const timer = setInterval(() => {
      // Workers check this deadline themselves on every number (see controlBlock.ts).
      writeLeaseDeadline(control, lease.trustedUntil);
      if (extending !== undefined || !reservation.needsExtension()) return;
      extending = reservation
        .extend()
        .then(
          () => {
            if (extensionFailing) log.info({ limit: reservation.limit }, 'reservation extended again');
            extensionFailing = false;
          },
          (error: unknown) => {
            // Logged once per failing spell, not twice a second.
            if (!extensionFailing)
              log.error({ err: error }, 'could not extend the reservation; issuing stops at its limit');
            extensionFailing = true;
          },
        )
        .finally(() => {
          extending = undefined;
        });
    }, RESERVATION_CHECK_MS);

    let stopping = false;
    let wakeOnStop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (wakeOnStop = resolve));
    // Holds a node ID for as long as the service runs: when the lease is lost,
    // issuing stops at once and a node ID is claimed again.
    const holding = (async () => {
      for (;;) {
        const reason = await Promise.race([lease.lost, stopped.then(() => undefined)]);
        if (reason === undefined || stopping) return;
        reservation.abandon();
        metrics.fenced(monotonicMs());
        log.warn({ nodeId: lease.nodeId, reason }, 'node ID lost: issuing stopped');
        await lease.release().catch(() => undefined);
        // On success, adopt() has made the new lease current.
        if (!(await reclaim(source, adopt, reservation, () => stopping, stopped, log))) return;
        metrics.unfenced(monotonicMs());
        log.info({ nodeId: lease.nodeId, limit: reservation.limit }, 'node ID held again; issuing resumed');
      }
    })();

    const running = pool;
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
        stopping = true;
        wakeOnStop();
        markDraining(control);
        clearInterval(timer);
        await running.drain();
        reservation.stop();
        await holding;
        await extending;
        try {
          const mark = await reservation.settle();
          if (mark !== undefined) log.info({ highWaterSecond: mark }, 'high-water mark persisted');
        } catch (error) {
          // The mark stored last is still above every second used: only the saving is lost.
          log.warn({ err: error }, 'could not lower the high-water mark; the next start skips ahead');
        }
        // No number can be issued any more, so the node ID can go to another instance now.
        await lease.release().catch((error: unknown) => log.warn({ err: error }, 'could not release the node ID'));
        source.close();
        log.info('node ID released; waiting for open connections to close');
        await running.exited();
        log.info('stopped');
      })());

    log.info({ port, host: config.host, workers: config.workers, nodeId: lease.nodeId }, 'ready');
    return { port, nodeId: lease.nodeId, shutdown };
  } catch (error) {
    await pool?.drain();
    await lease.release().catch(() => undefined);
    source.close();
    throw error;
  }
}

const RECLAIM_BACKOFF_MS = [250, 500, 1000, 2000];

/**
 * Claims a node ID again and begins issuing under it, retrying until it works
 * (true) or the service stops (false). Readiness stays false meanwhile.
 */
async function reclaim(
  source: NodeIdSource,
  adopt: (lease: NodeIdLease) => Promise<void>,
  reservation: SecondsReservation,
  isStopping: () => boolean,
  stopped: Promise<void>,
  log: Logger,
): Promise<boolean> {
  for (let attempt = 0; !isStopping(); attempt += 1) {
    let lease: NodeIdLease | undefined;
    try {
      lease = await source.claim();
      await adopt(lease);
      if (!isStopping()) return true;
      reservation.stop();
      await lease.release().catch(() => undefined);
      return false;
    } catch (error) {
      reservation.stop();
      await lease?.release().catch(() => undefined);
      if (attempt === 0 || attempt % 20 === 0) log.warn({ err: error, attempt }, 'could not claim a node ID; retrying');
    }
    const wait = RECLAIM_BACKOFF_MS[Math.min(attempt, RECLAIM_BACKOFF_MS.length - 1)] ?? 2000;
    await Promise.race([new Promise((resolve) => setTimeout(resolve, wait)), stopped]);
  }
  return false;
}
