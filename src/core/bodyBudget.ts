/**
 * The memory budget for request bodies: how many bytes of bodies still
 * arriving all the worker threads of an instance may hold at once. One
 * SharedArrayBuffer, made by the primary, shared by every worker; updated
 * with Atomics, as the control block is.
 *
 * A worker takes bytes as it allocates memory for a body's bytes (never for a
 * length only declared), and gives them back once the request is over, on
 * every path: answered, refused, timed out, abandoned by its client. When
 * taking would pass the limit, the request is refused (503) and its
 * connection closed: an instance never holds more than its budget of
 * unfinished bodies, however many connections send them.
 *
 * Layout (Int32 words):
 *   0      limit   bytes that may be held at once (written once, by the primary)
 *   1      held    bytes held now, by all workers together
 *   2 + i  worker  bytes held now by worker i (1-based), so that the primary
 *                  can take back what a worker that died held
 * Int32: a budget is at most 2^31 - 1 bytes.
 */
const LIMIT = 0;
const HELD = 1;
const WORKERS = 2;

/** The largest budget one Int32 word holds. */
export const MAX_BODY_BUDGET_BYTES = 2 ** 31 - 1;

/** A new budget of `limitBytes` for `workers` worker threads (indexes 1..workers). */
export function createBodyBudget(limitBytes: number, workers: number): SharedArrayBuffer {
  if (!Number.isInteger(limitBytes) || limitBytes < 0 || limitBytes > MAX_BODY_BUDGET_BYTES) {
    throw new RangeError(`a body budget is 0..${MAX_BODY_BUDGET_BYTES} bytes, got ${limitBytes}`);
  }
  const buffer = new SharedArrayBuffer((WORKERS + 1 + workers) * Int32Array.BYTES_PER_ELEMENT);
  Atomics.store(new Int32Array(buffer), LIMIT, limitBytes);
  return buffer;
}

/** The budget as one thread sees it: a worker (its index given), or the primary and /metrics (none). */
export class BodyBudget {
  readonly #words: Int32Array;
  readonly #worker: number;
  readonly limit: number;

  constructor(buffer: SharedArrayBuffer, workerIndex = 0) {
    this.#words = new Int32Array(buffer);
    if (workerIndex < 0 || WORKERS + workerIndex >= this.#words.length) {
      throw new RangeError(`worker index ${workerIndex} is outside this budget`);
    }
    this.#worker = WORKERS + workerIndex;
    this.limit = Atomics.load(this.#words, LIMIT);
  }

  /** Bytes held now, by all workers. */
  get held(): number {
    return Atomics.load(this.#words, HELD);
  }

  /** A request's share: what it takes, given back once by release(). */
  hold(): BodyHold {
    return new BodyHold(this);
  }

  /** Takes `bytes`, unless that would pass the limit: false then, and nothing is taken. */
  take(bytes: number): boolean {
    const words = this.#words;
    for (;;) {
      const held = Atomics.load(words, HELD);
      if (held + bytes > this.limit) return false;
      if (Atomics.compareExchange(words, HELD, held, held + bytes) === held) break;
    }
    Atomics.add(words, this.#worker, bytes);
    return true;
  }

  /** Gives back `bytes` taken by this worker. */
  release(bytes: number): void {
    Atomics.sub(this.#words, this.#worker, bytes);
    Atomics.sub(this.#words, HELD, bytes);
  }

  /** The primary, once worker `workerIndex` has exited: gives back what it held. Returns the bytes. */
  reclaim(workerIndex: number): number {
    const bytes = Atomics.exchange(this.#words, WORKERS + workerIndex, 0);
    Atomics.sub(this.#words, HELD, bytes);
    return bytes;
  }
}

/** What one request holds of the budget. release() gives it all back; calling it again does nothing. */
export class BodyHold {
  readonly #budget: BodyBudget;
  #bytes = 0;

  constructor(budget: BodyBudget) {
    this.#budget = budget;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Takes `bytes` more for this request; false when the budget has no room (nothing taken). */
  take(bytes: number): boolean {
    if (!this.#budget.take(bytes)) return false;
    this.#bytes += bytes;
    return true;
  }

  release(): void {
    const bytes = this.#bytes;
    this.#bytes = 0;
    if (bytes > 0) this.#budget.release(bytes);
  }
}
