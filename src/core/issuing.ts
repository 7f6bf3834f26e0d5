/**
 * Can this instance issue a number now, and if not, why? The one answer for
 * the number handler (a 503's detail), /readyz and /metrics.
 *
 * The node ID's lease is not asked: every second below the limit lies below a
 * mark that etcd acknowledged, and the next holder of the node ID reads that
 * mark before it starts. So an instance may issue below its limit whether or
 * not its lease is still alive (model/README.md); the lease decides only who
 * may raise the mark and claim the node ID.
 */
import { isDraining, readGeneration, readLimit, type ControlBlock } from './controlBlock.js';
import { COUNTER_SIZE } from './layout.js';
import { clockSecond } from './logicalClock.js';

/** Why numbers cannot be issued, each with the sentence a client or an operator reads. */
export const NOT_ISSUING_REASONS = {
  'shutting-down': 'this instance is shutting down',
  'no-node-id': 'this instance holds no node ID right now',
  'reservation-used-up': `the reserved seconds are used up (over ${COUNTER_SIZE.toLocaleString('en-US')} numbers a second for longer than the reserve lasts, the wall clock jumped ahead, or the high-water mark could not be stored)`,
} as const;

export type NotIssuingReason = keyof typeof NOT_ISSUING_REASONS;

/** Undefined when a number can be issued at wall-clock second `wallSecond`; otherwise the reason. */
export function notIssuingReason(control: ControlBlock, wallSecond: number): NotIssuingReason | undefined {
  if (isDraining(control)) return 'shutting-down';
  if (readGeneration(control) === 0) return 'no-node-id';
  if (issuingSecondsLeft(control, wallSecond) === 0) return 'reservation-used-up';
  return undefined;
}

/**
 * Seconds this instance can go on issuing at wall-clock second `wallSecond`
 * with no more seconds reserved (etcd gone, a disk full): from the clock, or
 * the wall clock if later (a worker moves the clock up to it on its next
 * draw), to the limit. 0 when it holds no node ID.
 */
export function issuingSecondsLeft(control: ControlBlock, wallSecond: number): number {
  if (readGeneration(control) === 0) return 0;
  return Math.max(0, readLimit(control) - Math.max(clockSecond(control), wallSecond));
}

/**
 * Checked after each number is drawn, like the generation inside
 * Allocator.next(): the number counts as issued only if the instance is not
 * draining.
 */
export function isDrawnNumberIssuable(control: ControlBlock): boolean {
  return !isDraining(control);
}
