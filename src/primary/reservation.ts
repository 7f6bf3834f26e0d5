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
  /**
   * Extend once the reserve ahead of the wall clock has fallen this many
   * seconds below aheadSeconds: 1 keeps it topped up (etcd, where issuing
   * without etcd lasts as long as the reserve), aheadSeconds / 2 writes half
   * as often (a file). Default: half the lead.
   */
  refillAfterSeconds?: number;
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
  readonly #refillAfter: number;
  readonly #now: () => number;
  /** Bumped on every begin(), so that workers can tell one issuing period from the next. Never reused. */
  #generation = 0;
  #issuing = false;

  constructor(control: ControlBlock, options: ReservationOptions) {
    this.#control = control;
    this.#ahead = options.aheadSeconds;
    this.#refillAfter = Math.min(
      options.aheadSeconds,
      Math.max(1, options.refillAfterSeconds ?? options.aheadSeconds / 2),
    );
    this.#now = options.now ?? Date.now;
  }

  /** The stored mark; every second used so far is below it. */
  get limit(): number {
    return readLimit(this.#control);
  }

  /**
   * Issues under `nodeId` from now on, whose mark is kept in `store`. First
   * the mark is read and the new one stored, while the workers go on issuing
   * under the node ID they have (if any), below its limit; then, at once, the
   * generation drops to 0, the clock moves to the stored mark (or the wall
   * clock if later), the store, the limit and the node ID change together, and
   * the generation rises so that workers issue under the new node ID. If the
   * read or the write fails, nothing changes: the reservation keeps the store
   * it had, which still matches the limit in the control block.
   * Called again after the node ID was lost, with the next one.
   */
  async begin(nodeId: number, store: HighWaterStore): Promise<void> {
    const stored = checkedMark(await store.read());
    const start = Math.max(this.#wallSecond(), stored, clockSecond(this.#control) + 1);
    const mark = Math.min(start + this.#ahead, HIGHEST_MARK);
    await store.write(mark);
    // The switch: workers see no mix of the old node ID and the new limit or clock.
    writeGeneration(this.#control, 0);
    // `start` is above the stored mark; the clock may have passed it meanwhile
    // (under the old node ID), and it only ever moves forward.
    advanceClockTo(this.#control, start);
    this.#store = store;
    this.#floor = stored;
    writeLimit(this.#control, mark);
    writeNodeId(this.#control, nodeId);
    this.#generation += 1;
    this.#issuing = true;
    writeGeneration(this.#control, this.#generation);
  }

  /** True while issuing, once the reserve ahead of the wall clock is down by the refill step. */
  needsExtension(): boolean {
    const limit = readLimit(this.#control);
    return this.#issuing && limit < HIGHEST_MARK && limit - this.#wallSecond() <= this.#ahead - this.#refillAfter;
  }

  /**
   * Raises the limit to the wall clock plus the lead, once the store has
   * acknowledged the new mark (never before: the limit is what workers may
   * use, and the next holder starts from the mark it reads); never lowers it.
   */
  async extend(): Promise<void> {
    const mark = Math.min(this.#wallSecond() + this.#ahead, HIGHEST_MARK);
    const store = this.#store;
    if (!this.#issuing || store === undefined || mark <= readLimit(this.#control)) return;
    await store.write(mark);
    // The node ID may have changed while the write was under way.
    if (!this.#issuing || store !== this.#store || mark <= readLimit(this.#control)) return;
    writeLimit(this.#control, mark);
  }

  /** Stops issuing at once (shutdown). Safe to call repeatedly. */
  stop(): void {
    this.#issuing = false;
    writeGeneration(this.#control, 0);
  }

  /**
   * After stop() and once every worker has acknowledged it: lowers the stored
   * mark to just above the last second really used, so that a graceful
   * restart does not skip ahead by the whole lead. Never below the mark
   * begin() found, which may protect seconds another holder used. Resolves
   * with the mark written, or undefined when there is no store to write to.
   * A node ID lost meanwhile refuses the write (it is guarded by the lease):
   * its mark stays where it was, above every second used.
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
