/**
 * Can this instance issue a number now, and if not, why? The one answer for
 * the number handler (a 503's detail), /readyz and /metrics.
 */
import { isDraining, isLeaseTrusted, readGeneration, readLimit, type ControlBlock } from './controlBlock.js';
import { COUNTER_SIZE } from './layout.js';
import { clockSecond } from './logicalClock.js';

/** Why numbers cannot be issued, each with the sentence a client or an operator reads. */
export const NOT_ISSUING_REASONS = {
  'shutting-down': 'this instance is shutting down',
  'no-node-id': 'this instance holds no node ID right now',
  'lease-not-renewed': 'the node ID lease was not renewed in time',
  'reservation-used-up': `the reserved seconds are used up (over ${COUNTER_SIZE.toLocaleString('en-US')} numbers a second for longer than the reserve lasts, the wall clock jumped ahead, or the high-water mark could not be stored)`,
} as const;

export type NotIssuingReason = keyof typeof NOT_ISSUING_REASONS;

/**
 * Undefined when a number can be issued at wall-clock second `wallSecond`
 * and monotonic time `monotonicNowMs`; otherwise the reason.
 */
export function notIssuingReason(
  control: ControlBlock,
  wallSecond: number,
  monotonicNowMs: number,
): NotIssuingReason | undefined {
  if (isDraining(control)) return 'shutting-down';
  if (readGeneration(control) === 0) return 'no-node-id';
  if (!isLeaseTrusted(control, monotonicNowMs)) return 'lease-not-renewed';
  // The wall clock too: a worker moves the clock up to it on its next draw.
  if (Math.max(clockSecond(control), wallSecond) >= readLimit(control)) return 'reservation-used-up';
  return undefined;
}

/**
 * Checked after each number is drawn, like the generation inside
 * Allocator.next(): the number counts as issued only if the instance is not
 * draining and the lease is still trusted. Had the lease run out while the
 * primary could not fence (a frozen process wakes every thread at once), the
 * number is dropped.
 */
export function isDrawnNumberIssuable(control: ControlBlock, monotonicNowMs: number): boolean {
  return !isDraining(control) && isLeaseTrusted(control, monotonicNowMs);
}
