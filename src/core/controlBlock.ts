/**
 * The control block: the one SharedArrayBuffer that the primary and every
 * worker thread read and write with Atomics. It holds the logical clock and
 * the few words that say whether, and under which node ID, numbers may be
 * issued. Only the primary writes the words; workers write only the clock.
 *
 * Layout (little endian, 8-byte aligned):
 *   bytes 0..7   clock       BigInt64: second * 2^24 + counter, the next value to hand out
 *   bytes 8..11  limit       Int32: seconds < limit may be used (reserved and persisted by the primary)
 *   bytes 12..15 generation  Int32: 0 = not issuing (starting, switching node ID, draining); otherwise
 *                            bumped on every change of node ID or clock so workers drop stale blocks
 *   bytes 16..19 nodeId      Int32: the node ID held while generation != 0
 *   bytes 20..23 draining    Int32: 1 once shutdown has begun (not ready, still issuing),
 *                            2 once workers drain (no more numbers)
 *   bytes 24..27 leased      Int32: 1 while the node ID is held under a lease that can run out (etcd)
 *   bytes 28..31 trusted     Int32: until when that lease is taken as held, in monotonicMs() modulo 2^32
 *
 * Workers never look at the lease: they issue below the limit, which lies
 * below a mark the store acknowledged (core/issuing.ts says why that is
 * enough). `leased` and `trusted` are there for /metrics, which any worker
 * renders. Modulo 2^32 ms keeps `trusted` one atomic word; the difference is
 * right while the deadline is within 24 days of now.
 */
const CONTROL_BLOCK_BYTES = 32;

const LIMIT = 2;
const GENERATION = 3;
const NODE_ID = 4;
const DRAINING = 5;
const LEASED = 6;
const TRUSTED = 7;

export interface ControlBlock {
  readonly buffer: SharedArrayBuffer;
  /** One 64-bit word: the logical clock. */
  readonly clock: BigInt64Array;
  /** Int32 view over the whole block; index with the constants above via the accessors. */
  readonly words: Int32Array;
}

export function createControlBlock(): ControlBlock {
  return viewControlBlock(new SharedArrayBuffer(CONTROL_BLOCK_BYTES));
}

export function viewControlBlock(buffer: SharedArrayBuffer): ControlBlock {
  if (buffer.byteLength !== CONTROL_BLOCK_BYTES) {
    throw new RangeError(`control block must be ${CONTROL_BLOCK_BYTES} bytes, got ${buffer.byteLength}`);
  }
  return { buffer, clock: new BigInt64Array(buffer, 0, 1), words: new Int32Array(buffer) };
}

export const readLimit = (block: ControlBlock): number => Atomics.load(block.words, LIMIT);
export const readGeneration = (block: ControlBlock): number => Atomics.load(block.words, GENERATION);
export const readNodeId = (block: ControlBlock): number => Atomics.load(block.words, NODE_ID);
/** Shutdown has begun: not ready, though numbers may still be issued for a while. */
export const isLeaving = (block: ControlBlock): boolean => Atomics.load(block.words, DRAINING) >= 1;
/** Workers are draining: no more numbers. */
export const isDraining = (block: ControlBlock): boolean => Atomics.load(block.words, DRAINING) === 2;

export const writeLimit = (block: ControlBlock, limit: number): void => {
  Atomics.store(block.words, LIMIT, limit);
};
export const writeGeneration = (block: ControlBlock, generation: number): void => {
  Atomics.store(block.words, GENERATION, generation);
};
export const writeNodeId = (block: ControlBlock, nodeId: number): void => {
  Atomics.store(block.words, NODE_ID, nodeId);
};
export const markLeaving = (block: ControlBlock): void => {
  Atomics.store(block.words, DRAINING, Math.max(1, Atomics.load(block.words, DRAINING)));
};
export const markDraining = (block: ControlBlock): void => {
  Atomics.store(block.words, DRAINING, 2);
};

/** Where the node ID is leased: `trustedUntil` (monotonicMs) is when it is taken as lost without a renewal. Undefined: not leased. */
export const writeLeaseDeadline = (block: ControlBlock, trustedUntil: number | undefined): void => {
  if (trustedUntil === undefined || trustedUntil === Infinity) {
    Atomics.store(block.words, LEASED, 0);
    return;
  }
  Atomics.store(block.words, TRUSTED, Math.floor(trustedUntil) | 0);
  Atomics.store(block.words, LEASED, 1);
};

/** Milliseconds the lease is still trusted at monotonic time `nowMs` (negative once past), or undefined: not leased. */
export const leaseTrustedForMs = (block: ControlBlock, nowMs: number): number | undefined =>
  Atomics.load(block.words, LEASED) === 0
    ? undefined
    : (Atomics.load(block.words, TRUSTED) - (Math.floor(nowMs) | 0)) | 0;
