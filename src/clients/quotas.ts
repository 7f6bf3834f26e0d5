/**
 * Per-client quotas: a token bucket per client, kept as the generic cell rate
 * algorithm (GCRA) keeps it, in one 64-bit word per client: the theoretical
 * arrival time (TAT), in nanoseconds of the process's monotonic clock,
 * advanced with one compare-and-swap. The words live in a SharedArrayBuffer
 * that every worker thread sees, as the logical clock does, so a client's
 * quota holds for the whole instance whichever thread serves it.
 *
 * A client with `quotaPerSecond` q and `burst` b may take n numbers at time t
 * when max(TAT, t) + n/q <= t + b/q: a full bucket holds b numbers and fills
 * at q a second. Numbers are counted, not requests: a batch of 10,000 costs
 * 10,000.
 */

/** What a client may take: numbers per second, and at once. */
export interface QuotaPolicy {
  readonly quotaPerSecond: number;
  readonly burst: number;
}

const BYTES_PER_CLIENT = BigInt64Array.BYTES_PER_ELEMENT;

export function createQuotaBuffer(clients: number): SharedArrayBuffer {
  return new SharedArrayBuffer(Math.max(1, clients) * BYTES_PER_CLIENT);
}

const NS_PER_MS = 1_000_000;

export class Quotas {
  readonly #words: BigInt64Array;
  /** Per client: nanoseconds one number costs, and the most the TAT may run ahead of now. */
  readonly #costNs: bigint[];
  readonly #toleranceNs: bigint[];
  readonly #policies: readonly QuotaPolicy[];

  constructor(buffer: SharedArrayBuffer, policies: readonly QuotaPolicy[]) {
    if (buffer.byteLength < policies.length * BYTES_PER_CLIENT) {
      throw new RangeError(
        `the quota buffer holds ${buffer.byteLength / BYTES_PER_CLIENT} clients, not ${policies.length}`,
      );
    }
    this.#words = new BigInt64Array(buffer);
    this.#policies = policies;
    this.#costNs = policies.map((policy) => BigInt(Math.max(1, Math.round(1e9 / policy.quotaPerSecond))));
    this.#toleranceNs = policies.map((policy, i) => BigInt(policy.burst) * this.#costNs[i]!);
  }

  /**
   * Takes `count` numbers from `client`'s bucket at monotonic time `nowMs`:
   * 0 when they are taken, else how many milliseconds until they could be
   * (Infinity when `count` is more than the bucket holds).
   */
  take(client: number, count: number, nowMs: number): number {
    const cost = this.#costNs[client]! * BigInt(count);
    const tolerance = this.#toleranceNs[client]!;
    if (cost > tolerance) return Infinity;
    const now = BigInt(Math.floor(nowMs * NS_PER_MS));
    for (;;) {
      const tat = Atomics.load(this.#words, client);
      const next = (tat > now ? tat : now) + cost;
      const ahead = next - now - tolerance;
      if (ahead > 0n) return Number(ahead) / NS_PER_MS;
      if (Atomics.compareExchange(this.#words, client, tat, next) === tat) return 0;
    }
  }

  /** Gives back `count` numbers taken but not issued (the instance could not issue them). */
  giveBack(client: number, count: number): void {
    Atomics.sub(this.#words, client, this.#costNs[client]! * BigInt(count));
  }

  /** Numbers `client` may take now, and milliseconds until its bucket is full again. */
  state(client: number, nowMs: number): { remaining: number; fullInMs: number } {
    const now = BigInt(Math.floor(nowMs * NS_PER_MS));
    const tat = Atomics.load(this.#words, client);
    const owed = tat > now ? tat - now : 0n;
    const free = this.#toleranceNs[client]! - owed;
    return {
      remaining: free > 0n ? Number(free / this.#costNs[client]!) : 0,
      fullInMs: Number(owed) / NS_PER_MS,
    };
  }

  policy(client: number): QuotaPolicy {
    return this.#policies[client]!;
  }
}
