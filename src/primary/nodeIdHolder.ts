/**
 * Holding a node ID for as long as the service runs, and the seconds reserved
 * under it: claim a node ID and begin issuing under it, keep the reservation
 * ahead of the wall clock; when the node ID is lost, go on issuing under it
 * below the limit already stored while claiming one again, and switch to the
 * new one once its mark is stored; at the end, settle the mark and release
 * the node ID.
 *
 * Going on after the loss is safe: every second below the limit lies below a
 * mark that was acknowledged, and the next holder of the node ID reads that
 * mark before it starts (model/tracknum.pml checks it). The lease decides who
 * may raise the mark and claim the node ID, not who may issue below it.
 *
 * Workers never see any of this but the control block: the generation word
 * says whether, and under which node ID, they may issue, and the limit how far.
 */
import { writeLeaseDeadline, type ControlBlock } from '../core/controlBlock.js';
import { monotonicMs } from '../core/monotonicClock.js';
import type { Logger } from '../logger.js';
import type { PrimaryMetrics } from '../metrics.js';
import type { NodeIdLease, NodeIdSource } from '../nodeIds/source.js';
import { SecondsReservation } from './reservation.js';

/** How often the reservation and the lease deadline are looked at. */
const CHECK_INTERVAL_MS = 500;
/** Waits between attempts to claim a node ID again; the last one repeats. */
const RECLAIM_BACKOFF_MS = [250, 500, 1000, 2000];

export interface NodeIdHolderOptions {
  source: NodeIdSource;
  control: ControlBlock;
  /** How far ahead of the wall clock seconds are reserved. */
  reserveSeconds: number;
  /** Extend once the reserve is down by this many seconds (see ReservationOptions). */
  refillAfterSeconds?: number;
  metrics: PrimaryMetrics;
  log: Logger;
  /** The wall clock, in Unix milliseconds. */
  now?: () => number;
}

export class NodeIdHolder {
  readonly #options: NodeIdHolderOptions;
  readonly #reservation: SecondsReservation;
  /** The node ID numbers are issued under, or the last one claimed; its deadline is the one workers see. */
  #lease: NodeIdLease;
  #timer: NodeJS.Timeout | undefined;
  #extending: Promise<void> | undefined;
  #extensionFailing = false;
  /** Between a loss and the next node ID: the lost lease can no longer raise its mark, so nothing is tried. */
  #leaseLost = false;
  #holding: Promise<void> = Promise.resolve();
  #stopping = false;
  #wakeOnStop: () => void = () => undefined;
  readonly #stopped = new Promise<void>((resolve) => (this.#wakeOnStop = resolve));

  private constructor(options: NodeIdHolderOptions, lease: NodeIdLease, reservation: SecondsReservation) {
    this.#options = options;
    this.#lease = lease;
    this.#reservation = reservation;
  }

  /**
   * Claims a node ID and begins issuing under it. Throws (having released
   * what it took) when no node ID can be claimed or its mark not stored.
   */
  static async start(options: NodeIdHolderOptions): Promise<NodeIdHolder> {
    const { source, control } = options;
    const reservation = new SecondsReservation(control, {
      aheadSeconds: options.reserveSeconds,
      ...(options.refillAfterSeconds === undefined ? {} : { refillAfterSeconds: options.refillAfterSeconds }),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    let lease: NodeIdLease;
    try {
      lease = await source.claim();
    } catch (error) {
      await source.close();
      throw error;
    }
    const holder = new NodeIdHolder(options, lease, reservation);
    try {
      await holder.#adopt(lease);
    } catch (error) {
      await lease.release().catch(() => undefined);
      await source.close();
      throw error;
    }
    holder.#timer = setInterval(() => holder.#check(), CHECK_INTERVAL_MS);
    holder.#holding = holder.#hold();
    return holder;
  }

  get nodeId(): number {
    return this.#lease.nodeId;
  }

  /** The stored mark; every second used so far is below it. */
  get limit(): number {
    return this.#reservation.limit;
  }

  /** No more extensions or re-claims: the service is shutting down. */
  stopHolding(): void {
    this.#stopping = true;
    this.#wakeOnStop();
    clearInterval(this.#timer);
  }

  /**
   * Once no worker can issue another number: stops issuing, lowers the mark
   * to just above the last second used, releases the node ID and closes the
   * source. Failures to store or release are logged: the mark stored last is
   * above every second used, and a lease runs out by itself.
   */
  async release(): Promise<void> {
    const { log, source } = this.#options;
    this.stopHolding();
    this.#reservation.stop();
    await this.#holding;
    await this.#extending;
    try {
      const mark = await this.#reservation.settle();
      if (mark !== undefined) log.info({ highWaterSecond: mark }, 'high-water mark persisted');
    } catch (error) {
      log.warn({ err: error }, 'could not lower the high-water mark; the next start skips ahead');
    }
    // No number can be issued any more, so the node ID can go to another instance now.
    await this.#lease.release().catch((error: unknown) => log.warn({ err: error }, 'could not release the node ID'));
    await source.close();
  }

  /** Begins issuing under `lease`'s node ID; the lease is held from then on. */
  async #adopt(lease: NodeIdLease): Promise<void> {
    await this.#reservation.begin(lease.nodeId, lease.highWater);
    this.#lease = lease;
    this.#leaseLost = false;
    writeLeaseDeadline(this.#options.control, lease.trustedUntil);
  }

  /** Publishes the lease deadline (for /metrics) and extends the reservation when due. */
  #check(): void {
    const { control, log } = this.#options;
    writeLeaseDeadline(control, this.#lease.trustedUntil);
    if (this.#leaseLost || this.#extending !== undefined || !this.#reservation.needsExtension()) return;
    this.#extending = this.#reservation
      .extend()
      .then(
        () => {
          if (this.#extensionFailing) log.info({ limit: this.limit }, 'reservation extended again');
          this.#extensionFailing = false;
        },
        (error: unknown) => {
          // Logged once per failing spell, not twice a second.
          if (!this.#extensionFailing)
            log.error({ err: error }, 'could not extend the reservation; issuing stops at its limit');
          this.#extensionFailing = true;
        },
      )
      .finally(() => {
        this.#extending = undefined;
      });
  }

  /**
   * When the node ID is lost: issuing goes on under it below the limit, and a
   * node ID is claimed again; the workers switch once the new one's mark is stored.
   */
  async #hold(): Promise<void> {
    const { metrics, log } = this.#options;
    for (;;) {
      const lease = this.#lease;
      const reason = await Promise.race([lease.lost, this.#stopped.then(() => undefined)]);
      if (reason === undefined || this.#stopping) return;
      this.#leaseLost = true;
      metrics.leaseLost(monotonicMs());
      log.warn(
        { nodeId: lease.nodeId, reason, limit: this.limit },
        'node ID lost: issuing goes on below the stored limit while a node ID is claimed again',
      );
      await lease.release().catch(() => undefined);
      if (!(await this.#reclaim())) return;
      metrics.leaseHeldAgain(monotonicMs());
      log.info({ nodeId: this.nodeId, limit: this.limit }, 'node ID held again; issuing under it');
    }
  }

  /** Claims a node ID and begins issuing under it, retrying until it works (true) or the service stops (false). */
  async #reclaim(): Promise<boolean> {
    const { source, log } = this.#options;
    for (let attempt = 0; !this.#stopping; attempt += 1) {
      let lease: NodeIdLease | undefined;
      try {
        lease = await source.claim();
        await this.#adopt(lease);
        if (!this.#stopping) return true;
        // Stopped while claiming: release() settles the mark of this node ID and releases it.
        return false;
      } catch (error) {
        // The reservation is as it was: workers go on below the limit they have.
        if (lease !== undefined && lease !== this.#lease) await lease.release().catch(() => undefined);
        if (attempt === 0 || attempt % 20 === 0)
          log.warn({ err: error, attempt }, 'could not claim a node ID; retrying');
      }
      const wait = RECLAIM_BACKOFF_MS[Math.min(attempt, RECLAIM_BACKOFF_MS.length - 1)];
      await Promise.race([new Promise((resolve) => setTimeout(resolve, wait)), this.#stopped]);
    }
    return false;
  }
}
