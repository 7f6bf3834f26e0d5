/**
 * The reservation of seconds: the primary's half of the logical clock.
 *
 * Workers may only use seconds below the limit in the control block. The
 * primary raises that limit only after the new high-water mark is durably
 * stored, so after any crash the stored mark is above every second that was
 * used, and the next holder of the node ID starts at or above it, whatever
 * the wall clock says.
 */
import { advanceClockTo, clockSecond, usedSecondsBound } from '../core/logicalClock.js';
import { readLimit, writeGeneration, writeLimit, writeNodeId, type ControlBlock } from '../core/controlBlock.js';
import { MAX_SECOND, secondOf } from '../core/layout.js';

/**
 * No mark above this: it keeps every second inside the layout, and the limit
 * inside the control block's Int32 word (so the very last second, MAX_SECOND,
 * is never used).
 */
const HIGHEST_MARK = MAX_SECOND;

/** Where the high-water mark of one node ID is kept: a file, or etcd. */
export interface HighWaterStore {
  /** The stored mark (every used second is below it), or undefined if none yet. */
  read(): Promise<number | undefined>;
  /** Stores the mark durably before resolving. */
  write(second: number): Promise<void>;
}

export interface ReservationOptions {
  /** How far ahead of the wall clock seconds are reserved. */
  aheadSeconds: number;
  /** Wall clock in Unix milliseconds; injectable for tests. */
  now?: () => number;
}

export class SecondsReservation {
  readonly #control: ControlBlock;
  /** The store of the node ID issued under; replaced when the node ID changes. */
  #store: HighWaterStore | undefined;
  readonly #ahead: number;
  readonly #now: () => number;
  /** Bumped on every begin(), so that workers can tell one issuing period from the next. Never reused. */
  #generation = 0;
  #issuing = false;

  constructor(control: ControlBlock, options: ReservationOptions) {
    this.#control = control;
    this.#ahead = options.aheadSeconds;
    this.#now = options.now ?? Date.now;
  }

  /** The stored mark; every second used so far is below it. */
  get limit(): number {
    return readLimit(this.#control);
  }

  /**
   * Starts issuing under `nodeId`, whose mark is kept in `store`: the clock
   * moves to the stored mark (or the wall clock if later), the new mark is
   * stored, and only then is the generation raised so that workers may issue.
   * Called again after the node ID was lost, with the next one.
   */
  async begin(nodeId: number, store: HighWaterStore): Promise<void> {
    writeGeneration(this.#control, 0);
    this.#issuing = false;
    this.#store = store;
    const stored = (await store.read()) ?? 0;
    const start = Math.max(this.#wallSecond(), stored, clockSecond(this.#control) + 1);
    // `start` is above the stored mark and above anything this instance has
    // used, so moving the clock there only ever moves it forward.
    advanceClockTo(this.#control, start);
    const mark = Math.min(start + this.#ahead, HIGHEST_MARK);
    await store.write(mark);
    writeLimit(this.#control, mark);
    writeNodeId(this.#control, nodeId);
    this.#generation += 1;
    this.#issuing = true;
    writeGeneration(this.#control, this.#generation);
  }

  /** True while issuing, once the wall clock has come within half the lead of the limit. */
  needsExtension(): boolean {
    const limit = readLimit(this.#control);
    return this.#issuing && limit < HIGHEST_MARK && limit - this.#wallSecond() <= this.#ahead / 2;
  }

  /** Raises the limit to the wall clock plus the lead; never lowers it. */
  async extend(): Promise<void> {
    const mark = Math.min(this.#wallSecond() + this.#ahead, HIGHEST_MARK);
    const store = this.#store;
    if (!this.#issuing || store === undefined || mark <= readLimit(this.#control)) return;
    await store.write(mark);
    // The node ID may have been lost while the write was under way.
    if (!this.#issuing || store !== this.#store) return;
    writeLimit(this.#control, mark);
  }

  /** Stops issuing at once (fencing, shutdown). Safe to call repeatedly. */
  stop(): void {
    this.#issuing = false;
    writeGeneration(this.#control, 0);
  }

  /**
   * After stop() and once every worker has acknowledged it: lowers the stored
   * mark to just above the last second really used, so that a graceful
   * restart does not skip ahead by the whole lead.
   */
  async settle(): Promise<number> {
    const mark = Math.min(readLimit(this.#control), usedSecondsBound(this.#control));
    if (this.#store === undefined) return mark;
    await this.#store.write(mark);
    writeLimit(this.#control, mark);
    return mark;
  }

  #wallSecond(): number {
    return secondOf(this.#now());
  }
}
