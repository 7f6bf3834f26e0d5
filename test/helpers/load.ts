/**
 * Steady load over several instances that goes on through restarts and
 * outages, recording every answer with the monotonic time it arrived, so a
 * test can tell what was issued when.
 */
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { EXAMPLE_ORDER, get, orderPath, post, type Issued } from './service.js';

export interface Draw {
  /** performance.now() when the answer (or the error) arrived. */
  at: number;
  /** The target index the request went to. */
  target: number;
  /** HTTP status, or 0 for a connection error. */
  status: number;
  /** The number of a GET. */
  trackingNumber?: string;
  /** The numbers of a batch. */
  batch?: string[];
  retryAfter?: string;
}

export interface Load {
  readonly draws: Draw[];
  /** Ports to load; a test replaces an entry when it restarts an instance, or sets it to 0 to pause it. */
  readonly ports: number[];
  stop(): Promise<Draw[]>;
}

export interface LoadOptions {
  /** Of each port's lanes, how many send batches (POST /tracking-numbers) instead of GETs. */
  batchLanes?: number;
  /** Numbers per batch: one order with this many parcels. */
  batchSize?: number;
}

/** `lanesPerTarget` concurrent keep-alive request loops per port, until stop(). */
export function startLoad(ports: number[], lanesPerTarget = 8, options: LoadOptions = {}): Load {
  const draws: Draw[] = [];
  let running = true;
  const agents = ports.map(() => new Agent({ keepAlive: true, maxSockets: lanesPerTarget }));
  const path = orderPath();
  const batch = { orders: [{ ...EXAMPLE_ORDER, parcels: options.batchSize ?? 20 }] };
  const lane = async (target: number, batches: boolean): Promise<void> => {
    while (running) {
      const port = ports[target] ?? 0;
      if (port === 0) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      try {
        const agent = agents[target];
        const via = agent === undefined ? {} : { agent };
        const answer = batches ? await post(port, '/tracking-numbers', batch, via) : await get(port, path, via);
        const draw: Draw = { at: performance.now(), target, status: answer.status };
        if (answer.status === 200 && batches) {
          const issued = answer.json<{ orders: { tracking_numbers: { tracking_number: string }[] }[] }>();
          draw.batch = issued.orders.flatMap((order) => order.tracking_numbers.map((n) => n.tracking_number));
        } else if (answer.status === 200) draw.trackingNumber = answer.json<Issued>().tracking_number;
        const retryAfter = answer.headers['retry-after'];
        if (typeof retryAfter === 'string') draw.retryAfter = retryAfter;
        draws.push(draw);
      } catch {
        draws.push({ at: performance.now(), target, status: 0 });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  };
  const batchLanes = options.batchLanes ?? 0;
  const lanes = ports.flatMap((_, target) =>
    Array.from({ length: lanesPerTarget }, (__, index) => lane(target, index < batchLanes)),
  );
  return {
    draws,
    ports,
    stop: async () => {
      running = false;
      await Promise.all(lanes);
      agents.forEach((agent) => agent.destroy());
      return draws;
    },
  };
}

/** Waits until `count` more numbers than now have been drawn. */
export async function waitForIssued(load: Load, count: number, timeoutMs = 60_000): Promise<void> {
  const issued = (): number => load.draws.reduce((n, d) => n + (d.status === 200 ? 1 : 0), 0);
  const target = issued() + count;
  const deadline = performance.now() + timeoutMs;
  while (issued() < target) {
    if (performance.now() > deadline) throw new Error(`only ${issued()} of ${target} numbers drawn in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every number of the draws, of GETs and batches. */
export function trackingNumbersOf(draws: readonly Draw[]): string[] {
  return draws.flatMap((d) => [...(d.trackingNumber === undefined ? [] : [d.trackingNumber]), ...(d.batch ?? [])]);
}
