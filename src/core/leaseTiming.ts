/**
 * When a node-ID lease may still be trusted, on this process's monotonic clock.
 *
 * etcd expires a lease TTL seconds after the last renewal it received. A
 * renewal can only have reached etcd after we sent it, so the lease is
 * certainly alive until `sentAt + TTL`. We stop trusting it a safety margin
 * before that, which covers a primary event loop that runs late and clocks
 * that tick at slightly different rates on the two hosts. The wall clock plays
 * no part: it can step.
 *
 * Keepalives go out several times per trusted window, so that a brief etcd
 * outage or one lost request does not fence the instance.
 */

/** The smallest TTL accepted: etcd's own minimum lease TTL with default timings is 2 s. */
export const MIN_LEASE_TTL_SECONDS = 3;

/** A safety margin of a fifth of the TTL, and never under a second. */
function leaseMarginMs(ttlSeconds: number): number {
  return Math.max(1000, ttlSeconds * 200);
}

/** The last moment (monotonic ms) a lease renewed at `sentAtMs` is trusted. */
export function trustedUntil(sentAtMs: number, ttlSeconds: number): number {
  return sentAtMs + ttlSeconds * 1000 - leaseMarginMs(ttlSeconds);
}

/**
 * Time between keepalives, and the longest a keepalive may take: four tries
 * fit into the trusted window, so three in a row can fail without fencing.
 */
export function keepaliveIntervalMs(ttlSeconds: number): number {
  return Math.floor((ttlSeconds * 1000 - leaseMarginMs(ttlSeconds)) / 4);
}
