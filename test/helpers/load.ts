/**
 * Steady load over several instances that goes on through restarts and
 * outages, recording every answer with the monotonic time it arrived, so a
 * test can tell what was issued when.
 */
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { get, orderPath, type Issued } from './service.js';

export interface Draw {
  /** performance.now() when the answer (or the error) arrived. */
  at: number;
  /** The target index the request went to. */
  target: number;
  /** HTTP status, or 0 for a connection error. */
  status: number;
  trackingNumber?: string;
  retryAfter?: string;
}

export interface Load {
  readonly draws: Draw[];
  /** Ports to load; a test replaces an entry when it restarts an instance, or sets it to 0 to pause it. */
  readonly ports: number[];
  stop(): Promise<Draw[]>;
}

/** `lanesPerTarget` concurrent keep-alive request loops per port, until stop(). */
export function startLoad(ports: number[], lanesPerTarget = 8): Load {
  const draws: Draw[] = [];
  let running = true;
  const agents = ports.map(() => new Agent({ keepAlive: true, maxSockets: lanesPerTarget }));
  const path = orderPath();
  const lane = async (target: number): Promise<void> => {
    while (running) {
      const port = ports[target] ?? 0;
      if (port === 0) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      try {
        const agent = agents[target];
        const answer = await get(port, path, agent === undefined ? {} : { agent });
        const draw: Draw = { at: performance.now(), target, status: answer.status };
        if (answer.status === 200) draw.trackingNumber = answer.json<Issued>().tracking_number;
        const retryAfter = answer.headers['retry-after'];
        if (typeof retryAfter === 'string') draw.retryAfter = retryAfter;
        draws.push(draw);
      } catch {
        draws.push({ at: performance.now(), target, status: 0 });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  };
  const lanes = ports.flatMap((_, target) => Array.from({ length: lanesPerTarget }, () => lane(target)));
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

export function trackingNumbersOf(draws: readonly Draw[]): string[] {
  return draws.flatMap((d) => (d.trackingNumber === undefined ? [] : [d.trackingNumber]));
}
