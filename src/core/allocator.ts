/**
 * The allocator: one per worker thread. It takes blocks of counters from the
 * shared logical clock (one compare-and-swap per block, not per number) and
 * hands them out one by one, each with the node ID that was held when the
 * block was taken.
 *
 * Safety rests on the control block's generation word, read like a seqlock:
 * a block is only used while the generation it was taken under is still the
 * current one, checked again after each number is drawn. The primary sets the
 * generation to 0 before it changes the node ID or the clock, so a number is
 * never issued under a node ID or clock this instance no longer holds.
 */
import { readGeneration, readNodeId, type ControlBlock } from './controlBlock.js';
import { assertBlockSize, takeBlock, type ClockBlock } from './logicalClock.js';

/**
 * Counters a worker takes from the shared clock at a time: one atomic step per
 * block, not per number, and, in the opaque format, one FF1 batch per block
 * (numberFormat.ts), which pays off from about 256 numbers on.
 */
export const NUMBERS_PER_BLOCK = 256;

export interface Allocation {
  nodeId: number;
  second: number;
  counter: number;
}

/** Consecutive counters [counter, counter + count) of one second, under one node ID. */
export interface Run {
  readonly nodeId: number;
  readonly second: number;
  readonly counter: number;
  readonly count: number;
}

export class Allocator {
  readonly #control: ControlBlock;
  readonly #size: number;
  readonly #taken: ClockBlock = { second: 0, counter: 0 };
  #generation = 0;
  #nodeId = 0;
  #second = 0;
  #counter = 0;
  #end = 0;

  constructor(control: ControlBlock, blockSize = NUMBERS_PER_BLOCK) {
    assertBlockSize(blockSize);
    this.#control = control;
    this.#size = blockSize;
  }

  /**
   * Draws the next number into `out`. `wallSecond` is the current wall-clock
   * second (layout epoch); a block from an earlier second is dropped so that
   * the second carried in a number stays close to its issue time. False when
   * no number can be issued now (core/issuing.ts says why).
   */
  next(wallSecond: number, out: Allocation): boolean {
    // Fast path: the current block has counters left and is not from an earlier second.
    // One atomic load per number, the seqlock check after drawing.
    if (this.#counter < this.#end && wallSecond <= this.#second) {
      const counter = this.#counter++;
      if (readGeneration(this.#control) === this.#generation) {
        out.nodeId = this.#nodeId;
        out.second = this.#second;
        out.counter = counter;
        return true;
      }
      // The primary stopped issuing or changed node ID or clock: the block is stale.
      this.#end = 0;
    }
    const generation = readGeneration(this.#control);
    if (generation === 0) return false;
    if (!this.#refill(generation, wallSecond)) return false;
    const counter = this.#counter++;
    // Seqlock check: the number counts as issued only if the generation it
    // was drawn under is still current after drawing it.
    if (readGeneration(this.#control) !== generation) {
      this.#end = 0;
      return false;
    }
    out.nodeId = this.#nodeId;
    out.second = this.#second;
    out.counter = counter;
    return true;
  }

  /**
   * Draws `count` numbers at once, for a batch: the rest of the current block
   * first, then whole blocks from the shared clock (one atomic step per block,
   * not per number), as runs of consecutive counters. False when they cannot
   * all be issued now; then no run may be used (and `runs` may hold some).
   *
   * The seqlock check is made once, after the last counter is drawn: every run
   * must have been taken under the generation that is still current then, as
   * for a single number.
   */
  drawRuns(wallSecond: number, count: number, runs: Run[]): boolean {
    runs.length = 0;
    // A block left from an earlier generation (the node ID or clock changed since) is dropped first, as next() does.
    if (readGeneration(this.#control) !== this.#generation) this.#end = 0;
    let generation = 0;
    let remaining = count;
    while (remaining > 0) {
      if (this.#counter >= this.#end || wallSecond > this.#second) {
        const current = readGeneration(this.#control);
        if (current === 0 || !this.#refill(current, wallSecond)) return false;
      }
      // Runs from blocks taken under two generations: the primary changed node ID or clock meanwhile.
      if (generation !== 0 && this.#generation !== generation) return false;
      generation = this.#generation;
      const taken = Math.min(remaining, this.#end - this.#counter);
      runs.push({ nodeId: this.#nodeId, second: this.#second, counter: this.#counter, count: taken });
      this.#counter += taken;
      remaining -= taken;
    }
    if (readGeneration(this.#control) !== generation) {
      this.#end = 0;
      return false;
    }
    return true;
  }

  #refill(generation: number, wallSecond: number): boolean {
    this.#end = 0;
    const nodeId = readNodeId(this.#control);
    if (!takeBlock(this.#control, this.#size, wallSecond, this.#taken)) return false;
    if (readGeneration(this.#control) !== generation) {
      // The primary changed node ID or clock while we took the block: it may
      // belong to the new clock under the old node ID. Drop it.
      return false;
    }
    this.#generation = generation;
    this.#nodeId = nodeId;
    this.#second = this.#taken.second;
    this.#counter = this.#taken.counter;
    this.#end = this.#taken.counter + this.#size;
    return true;
  }
}
