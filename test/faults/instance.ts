/**
 * One instance of the service as the fault harness runs it, in this process:
 * the real node-ID life cycle (NodeIdHolder over the etcd source, talking to
 * etcd through a fault proxy) with a thread's share of issuing emulated by a
 * timer that draws numbers from the control block with the real allocator and
 * the worker's own after-draw check. Its wall clock may run ahead or behind.
 *
 * What the harness cannot do in one process is kill it: a crash is the proxy
 * cutting it off from etcd for good, and the harness no longer counting what
 * it draws. Its timers go on, with no way to reach etcd, until cleanup.
 */
import { pino } from 'pino';
import { Allocator, type Allocation } from '../../src/core/allocator.js';
import { createControlBlock, markDraining, markLeaving, type ControlBlock } from '../../src/core/controlBlock.js';
import { isDrawnNumberIssuable } from '../../src/core/issuing.js';
import { secondOf } from '../../src/core/layout.js';
import { createMetricsBuffer, PrimaryMetrics } from '../../src/metrics.js';
import { EtcdNodeIds } from '../../src/nodeIds/etcd.js';
import { NodeIdHolder } from '../../src/primary/nodeIdHolder.js';

export interface Drawn extends Allocation {
  /** Which instance (and which of its lives) drew it. */
  by: string;
}

export interface InstanceOptions {
  name: string;
  /** The etcd URL it talks to (a fault proxy's). */
  etcd: string;
  prefix: string;
  leaseTtlSeconds: number;
  reserveSeconds: number;
  /** How far its wall clock is from the true one. */
  clockOffsetMs: number;
}

const silent = pino({ level: 'silent' });
const DRAW_EVERY_MS = 20;
const DRAWS_PER_TICK = 10;

/** Instances that hold a NodeIdHolder not yet released: its timers keep the test process alive. */
const running = new Set<SimulatedInstance>();

/** How many instances are still running, for the harness to check that it left none. */
export function runningInstances(): number {
  return running.size;
}

export class SimulatedInstance {
  readonly control: ControlBlock = createControlBlock();
  readonly #options: InstanceOptions;
  readonly #source: EtcdNodeIds;
  #holder: NodeIdHolder | undefined;
  #timer: NodeJS.Timeout | undefined;
  #counting = true;
  #ended: Promise<void> | undefined;

  constructor(
    options: InstanceOptions,
    readonly draws: Drawn[],
  ) {
    this.#options = options;
    this.#source = new EtcdNodeIds(
      { endpoints: [options.etcd], prefix: options.prefix, leaseTtlSeconds: options.leaseTtlSeconds },
      silent,
    );
  }

  #now = (): number => Date.now() + this.#options.clockOffsetMs;

  /** Claims a node ID and starts drawing; false when start-up fails (the process would exit). */
  async start(): Promise<boolean> {
    try {
      this.#holder = await NodeIdHolder.start({
        source: this.#source,
        control: this.control,
        reserveSeconds: this.#options.reserveSeconds,
        // As primary.ts with etcd: the reserve kept topped up.
        refillAfterSeconds: 1,
        metrics: new PrimaryMetrics(createMetricsBuffer()),
        log: silent,
        now: this.#now,
      });
    } catch {
      return false;
    }
    running.add(this);
    if (this.#ended !== undefined) {
      // SIGTERM came during start-up, before a process has its handlers: it dies at once, as kill
      // does. Its source is closed, so nothing of this reaches etcd; only its timers are stopped.
      this.#counting = false;
      void this.#holder
        .release()
        .catch(() => undefined)
        .finally(() => running.delete(this));
      return true;
    }
    const allocator = new Allocator(this.control);
    const out: Allocation = { nodeId: 0, second: 0, counter: 0 };
    this.#timer = setInterval(() => {
      const second = secondOf(this.#now());
      for (let i = 0; i < DRAWS_PER_TICK; i++) {
        if (!allocator.next(second, out) || !isDrawnNumberIssuable(this.control)) break;
        if (this.#counting) this.draws.push({ ...out, by: this.#options.name });
      }
    }, DRAW_EVERY_MS);
    return true;
  }

  get nodeId(): number | undefined {
    return this.#holder?.nodeId;
  }

  /** SIGTERM, in the primary's order: not ready, no more re-claims, workers drain, then settle and release. */
  shutdown(): Promise<void> {
    return (this.#ended ??= (async () => {
      markLeaving(this.control);
      this.#holder?.stopHolding();
      markDraining(this.control);
      clearInterval(this.#timer);
      // A process whose start-up failed holds nothing but its connection.
      await (this.#holder === undefined ? this.#source.close() : this.#holder.release());
      running.delete(this);
    })());
  }

  /** kill -9: nothing it draws from now on counts (its proxy is cut by the caller). */
  crash(): void {
    this.#counting = false;
    clearInterval(this.#timer);
  }

  /** Stops whatever still runs after a crash; its etcd calls go nowhere. */
  cleanup(): Promise<void> {
    return this.shutdown();
  }
}
