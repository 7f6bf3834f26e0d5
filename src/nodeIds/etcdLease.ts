/**
 * Renewal of an etcd node-ID lease.
 *
 * The etcd3 client reports a lost lease late (about 2 x TTL), so the lease is
 * renewed here, one keepalive at a time, and this module works out on the
 * monotonic clock until when the lease is certainly alive
 * (core/leaseTiming.ts). Past that, `lost` resolves and the primary stops
 * issuing at once.
 */
import { EtcdLeaseInvalidError, type Lease } from 'etcd3';
import { keepaliveIntervalMs, trustedUntil } from '../core/leaseTiming.js';
import { monotonicMs } from '../core/monotonicClock.js';
import { isTracknumError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { HighWaterStore, NodeIdLease } from './source.js';

/** After a failed keepalive, the next try comes this soon: another member may answer. */
const RETRY_AFTER_FAILURE_MS = 250;

/** One claimed node ID, renewed until it is released or can no longer be trusted. */
export class EtcdNodeIdLease implements NodeIdLease {
  readonly nodeId: number;
  readonly highWater: HighWaterStore;
  readonly lost: Promise<string>;
  readonly #lease: Lease;
  readonly #ttl: number;
  readonly #log: Logger;
  readonly #reached: () => void;
  #trustedUntil: number;
  #onLost: (reason: string) => void = () => undefined;
  #renewTimer: NodeJS.Timeout | undefined;
  #fenceTimer: NodeJS.Timeout | undefined;
  #ended = false;
  /** Keepalives failed in a row. */
  #failures = 0;

  constructor(parts: {
    lease: Lease;
    ttl: number;
    nodeId: number;
    store: HighWaterStore;
    trusted: number;
    log: Logger;
    /** Called on every renewal and mark write etcd answered (for /metrics). */
    reached: () => void;
  }) {
    this.nodeId = parts.nodeId;
    this.highWater = {
      read: () => parts.store.read(),
      write: async (second) => {
        try {
          await parts.store.write(second);
          this.#reached();
        } catch (error) {
          // The node key is bound to another lease, or none: the node ID is gone, whatever the lease says.
          if (isTracknumError(error) && error.code === 'NODE_ID_LOST')
            this.#end('node key no longer bound to the lease');
          throw error;
        }
      },
    };
    this.#lease = parts.lease;
    this.#ttl = parts.ttl;
    this.#log = parts.log;
    this.#reached = parts.reached;
    this.#trustedUntil = parts.trusted;
    this.lost = new Promise((resolve) => (this.#onLost = resolve));
    this.#armFence();
    this.#scheduleRenewal();
  }

  get trustedUntil(): number {
    return this.#trustedUntil;
  }

  /** Milliseconds (monotonic) until the lease stops being trusted; negative once it has. */
  get trustedForMs(): number {
    return this.#trustedUntil - monotonicMs();
  }

  #armFence(): void {
    clearTimeout(this.#fenceTimer);
    this.#fenceTimer = setTimeout(() => this.#end('lease not renewed in time'), Math.max(0, this.trustedForMs));
  }

  #scheduleRenewal(afterFailure = false): void {
    // After a failure, try again soon: the next member may answer (a dead one refuses at once).
    const delay = afterFailure
      ? Math.min(RETRY_AFTER_FAILURE_MS, keepaliveIntervalMs(this.#ttl))
      : keepaliveIntervalMs(this.#ttl);
    this.#renewTimer = setTimeout(() => void this.#renew(), delay);
  }

  async #renew(): Promise<void> {
    if (this.#ended) return;
    const sentAt = monotonicMs();
    try {
      const answer = await this.#lease.keepaliveOnce({ deadline: Date.now() + keepaliveIntervalMs(this.#ttl) });
      this.#reached();
      if (this.#ended) return;
      // etcd answers with the TTL it renewed to; trust no more than that.
      const renewedTo = Math.min(Number(answer.TTL), this.#ttl);
      this.#trustedUntil = Math.max(this.#trustedUntil, trustedUntil(sentAt, renewedTo));
      this.#armFence();
      if (this.#failures > 0) this.#log.info({ failures: this.#failures }, 'lease renewed again');
      this.#failures = 0;
    } catch (error) {
      if (error instanceof EtcdLeaseInvalidError) {
        this.#end('etcd says the lease has expired');
        return;
      }
      // Once per failing spell, not at every retry.
      if (this.#failures === 0) {
        this.#log.warn({ err: error, trustedForMs: Math.round(this.trustedForMs) }, 'lease keepalive failed; retrying');
      }
      this.#failures += 1;
    }
    if (!this.#ended) this.#scheduleRenewal(this.#failures > 0);
  }

  #end(reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#renewTimer);
    clearTimeout(this.#fenceTimer);
    this.#onLost(reason);
  }

  /** Stops renewing and revokes the lease, which frees the node key at once. */
  async release(): Promise<void> {
    this.#end('released');
    await this.#lease.revoke();
  }
}
