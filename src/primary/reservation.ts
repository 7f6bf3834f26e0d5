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
import { TracknumError } from '../errors.js';
import type { HighWaterStore } from '../nodeIds/source.js';

/**
 * No mark above this: it keeps every second inside the layout, and the limit
 * inside the control block's Int32 word (so the very last second, MAX_SECOND,
 * is never used).
 */
const HIGHEST_MARK = MAX_SECOND;

/**
 * A stored mark, checked: a mark outside 0..HIGHEST_MARK breaks the layout
 * (and would overflow the clock word), so it is refused rather than guessed at.
 */
function checkedMark(stored: number | undefined): number {
  if (stored === undefined) return 0;
  if (!Number.isSafeInteger(stored) || stored < 0 || stored > HIGHEST_MARK) {
    throw new TracknumError(
      'STATE_CORRUPT',
      `the stored high-water mark ${stored} is outside 0..${HIGHEST_MARK}; refusing to guess where the clock stands`,
      { mark: stored },
    );
  }
  return stored;
}

export interface ReservationOptions {
  /** How far ahead of the wall clock seconds are reserved. */
  aheadSeconds: number;
  /** Wall clock in Unix milliseconds; injectable for tests. */
  now?: () => number;
}

export class SecondsReservation {
  readonly #control: ControlBlock;
  /** The store of the node ID whose limit is in the control block; replaced only by a begin() that succeeded. */
  #store: HighWaterStore | undefined;
  /** The mark that store held when begin() read it: settle() never writes below it. */
  #floor = 0;
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
   * stored, and only then do the store, the limit and the node ID change
   * together and the generation rise so that workers may issue. If the read
   * or the write fails, nothing changes: the reservation keeps the store it
   * had, which still matches the limit in the control block.
   * Called again after the node ID was lost, with the next one.
   */
  async begin(nodeId: number, store: HighWaterStore): Promise<void> {
    this.stop();
    const stored = checkedMark(await store.read());
    const start = Math.max(this.#wallSecond(), stored, clockSecond(this.#control) + 1);
    const mark = Math.min(start + this.#ahead, HIGHEST_MARK);
    await store.write(mark);
    // `start` is above the stored mark and above anything this instance has
    // used, so moving the clock there only ever moves it forward.
    advanceClockTo(this.#control, start);
    this.#store = store;
    this.#floor = stored;
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

  /** Stops issuing at once (shutdown). Safe to call repeatedly. */
  stop(): void {
    this.#issuing = false;
    writeGeneration(this.#control, 0);
  }

  /**
   * Stops issuing and lets go of the store: the node ID is lost, so its mark
   * is left as it is (above every second used), and settle() writes nothing.
   */
  abandon(): void {
    this.stop();
    this.#store = undefined;
  }

  /**
   * After stop() and once every worker has acknowledged it: lowers the stored
   * mark to just above the last second really used, so that a graceful
   * restart does not skip ahead by the whole lead. Never below the mark
   * begin() found, which may protect seconds another holder used. Resolves
   * with the mark written, or undefined when there is no store to write to.
   */
  async settle(): Promise<number | undefined> {
    if (this.#store === undefined) return undefined;
    const mark = Math.max(this.#floor, Math.min(readLimit(this.#control), usedSecondsBound(this.#control)));
    await this.#store.write(mark);
    writeLimit(this.#control, mark);
    return mark;
  }

  #wallSecond(): number {
    return secondOf(this.#now());
  }
}
