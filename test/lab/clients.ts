/**
 * Clients: concurrent request loops over keep-alive HTTP/1.1 connections
 * (node:http), some through the load balancers, some straight to one
 * instance each, paced to a modest rate. Every answer is recorded: when it
 * arrived, where it went, its status (0: no answer: refused, reset, timed
 * out) and the tracking number, kept as an opaque string.
 */
import { Agent, request } from 'node:http';
import { orderPath } from '../helpers/service.js';
import type { Timeline } from './timeline.js';

export type Via = 'direct' | 'haproxy' | 'nginx';

export interface Target {
  /** Host name: an instance (`t1`) or a load balancer (`lbh`). */
  name: string;
  via: Via;
  address: string;
  port: number;
}

export interface Answer {
  /** When the request was sent and when the answer (or the failure) came, timeline ms. */
  sentAt: number;
  at: number;
  lane: number;
  via: Via;
  target: string;
  status: number;
  number?: string;
  /** The instance's own idea of when it issued the number (its wall clock, skewed or not). */
  issuedAt?: string;
  error?: string;
}

export interface ClientOptions {
  /** Request loops per target. */
  lanes: Partial<Record<Via, number>>;
  /** Requests per second per lane, at most. */
  ratePerLane: number;
  /** A request without an answer by then counts as status 0. */
  timeoutMs: number;
}

export interface Clients {
  readonly answers: Answer[];
  stop(): Promise<Answer[]>;
}

function once(
  agent: Agent,
  target: Target,
  path: string,
  timeoutMs: number,
): Promise<Omit<Answer, 'sentAt' | 'at' | 'lane' | 'via' | 'target'>> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (answer: Omit<Answer, 'sentAt' | 'at' | 'lane' | 'via' | 'target'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const req = request(
      { host: target.address, port: target.port, path, agent, headers: { host: 'tracknum' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => settle({ status: 0, error: error.message }));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status !== 200) {
            settle({ status });
            return;
          }
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString()) as {
              tracking_number?: unknown;
              created_at?: unknown;
            };
            if (typeof body.tracking_number !== 'string') throw new Error('no tracking_number');
            settle({
              status,
              number: body.tracking_number,
              ...(typeof body.created_at === 'string' ? { issuedAt: body.created_at } : {}),
            });
          } catch (error) {
            // A 200 without a number would be a bug worth seeing: kept as its own status.
            settle({ status: 299, error: (error as Error).message });
          }
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error('timeout'));
      settle({ status: 0, error: 'timeout' });
    }, timeoutMs);
    req.on('error', (error) => settle({ status: 0, error: (error as NodeJS.ErrnoException).code ?? error.message }));
    req.end();
  });
}

export function startClients(targets: readonly Target[], options: ClientOptions, timeline: Timeline): Clients {
  const answers: Answer[] = [];
  const path = orderPath();
  const interval = 1000 / options.ratePerLane;
  let running = true;
  const agents: Agent[] = [];
  const lane = async (target: Target, laneIndex: number): Promise<void> => {
    // One connection per lane: keep-alive, re-opened after a failure.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    let next = timeline.now() + Math.random() * interval;
    while (running) {
      const wait = next - timeline.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (!running) break;
      next = Math.max(next + interval, timeline.now());
      const sentAt = timeline.now();
      const answer = await once(agent, target, path, options.timeoutMs);
      answers.push({ sentAt, at: timeline.now(), lane: laneIndex, via: target.via, target: target.name, ...answer });
      // After a failure, wait a little before trying again, as a real client would.
      if (answer.status === 0) next = Math.max(next, timeline.now() + 50);
    }
  };
  let laneIndex = 0;
  const lanes = targets.flatMap((target) =>
    Array.from({ length: options.lanes[target.via] ?? 0 }, () => lane(target, (laneIndex += 1))),
  );
  return {
    answers,
    stop: async () => {
      running = false;
      await Promise.all(lanes);
      agents.forEach((agent) => agent.destroy());
      return answers;
    },
  };
}
