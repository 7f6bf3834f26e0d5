/**
 * The logical clock: a (second, counter) pair packed into one 64-bit word of
 * the control block, so that one compare-and-swap moves both at once and no
 * two threads can ever be handed the same pair.
 *
 * - It only moves forward. A wall clock behind it (stepped back, or a slower
 *   host) is ignored: the counter goes on within the current second.
 * - A spent second carries into the next one by plain addition, because the
 *   counter is the low COUNTER_BITS of the word.
 * - It never hands out a second at or above the limit the primary reserved
 *   (and persisted) in the control block; past that, takeBlock fails and the
 *   caller answers 503 until the primary reserves more.
 *
 * BigInt appears only here, once per block of counters, never per number.
 */
import { COUNTER_BITS, COUNTER_SIZE } from './layout.js';
import { readLimit, type ControlBlock } from './controlBlock.js';

const SHIFT = BigInt(COUNTER_BITS);
const COUNTER_MASK = BigInt(COUNTER_SIZE - 1);

/** Where takeBlock writes its result, reused to keep the hot path allocation-free. */
export interface ClockBlock {
  second: number;
  /** First counter of the block; the block is [counter, counter + size). */
  counter: number;
}

/** Block sizes are powers of two up to a whole second's counters, so that blocks pack a second exactly. */
export function assertBlockSize(size: number): void {
  if (!Number.isInteger(size) || size < 1 || size > COUNTER_SIZE || (size & (size - 1)) !== 0) {
    throw new RangeError(`block size must be a power of two between 1 and ${COUNTER_SIZE}, got ${size}`);
  }
}

/**
 * One past the last second that can have been handed out: every number drawn
 * so far has a second below it. Read in one load, so it is consistent even
 * while workers draw.
 */
export function usedSecondsBound(block: ControlBlock): number {
  const value = Atomics.load(block.clock, 0);
  return Number(value >> SHIFT) + ((value & COUNTER_MASK) > 0n ? 1 : 0);
}

/** The second of the next value the clock will hand out. */
export function clockSecond(block: ControlBlock): number {
  return Number(Atomics.load(block.clock, 0) >> SHIFT);
}

/**
 * Moves the clock to the start of `second`, unless it is already there or
 * past it. Used by the primary when it (re)starts issuing under a node ID.
 */
export function advanceClockTo(block: ControlBlock, second: number): void {
  const target = BigInt(second) << SHIFT;
  let current = Atomics.load(block.clock, 0);
  while (current < target) {
    const seen = Atomics.compareExchange(block.clock, 0, current, target);
    if (seen === current) return;
    current = seen;
  }
}

/**
 * Takes `size` consecutive counters for one second. `wallSecond` only ever
 * pulls the clock forward. Returns false, changing nothing, when the block
 * would use a second at or beyond the reserved limit.
 */
export function takeBlock(block: ControlBlock, size: number, wallSecond: number, out: ClockBlock): boolean {
  const limit = readLimit(block);
  let current = Atomics.load(block.clock, 0);
  for (;;) {
    let start = current;
    let second = Number(current >> SHIFT);
    let counter = Number(current & COUNTER_MASK);
    if (wallSecond > second || counter + size > COUNTER_SIZE) {
      // Start a fresh second: the wall clock's if it is ahead, else the next
      // one, skipping the tail of a second too short for this block.
      second = wallSecond > second ? wallSecond : second + 1;
      counter = 0;
      start = BigInt(second) << SHIFT;
    }
    if (second >= limit) return false;
    const seen = Atomics.compareExchange(block.clock, 0, current, start + BigInt(size));
    if (seen === current) {
      out.second = second;
      out.counter = counter;
      return true;
    }
    current = seen;
  }
}
