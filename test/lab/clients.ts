/**
 * Clients: concurrent request loops, paced to a modest rate, on four paths:
 *
 * - `haproxy`, `nginx`: one plain HTTP/1.1 request per call (node:http, one
 *   keep-alive connection per lane), so that what the balancer does, and only
 *   that, decides the answer;
 * - `direct`: tracknum's client (src/client) over one instance's URL, with no
 *   retries: one attempt per call, so each answer is that instance's own (the
 *   checker times fences and recoveries per instance from these);
 * - `client`: tracknum's client over every instance's URL, with its failover,
 *   per-attempt timeout and deadline, as an application would use it.
 *
 * Every call is recorded: when it was sent and answered, its status (0: no
 * answer: refused, reset, timed out; for the client: the last attempt's
 * status, or 0) and the tracking number, kept as an opaque string. A client
 * call also keeps every attempt (onAttempt), so failovers show.
 */
import { Agent, request } from 'node:http';
import { createClient, TracknumClientError, type Attempt, type TracknumClient } from '../../src/client/index.js';
import { EXAMPLE_ORDER } from '../../src/validation/orderParameters.js';
import { orderPath } from '../helpers/service.js';
import type { Timeline } from './timeline.js';

export const PATHS = ['direct', 'haproxy', 'nginx', 'client'] as const;
export type Via = (typeof PATHS)[number];

export interface Target {
  /** Host name: an instance (`t1`), a load balancer (`lbh`), or `client` for the failover client. */
  name: string;
  via: Via;
  /** Plain HTTP targets (haproxy, nginx) and direct lanes: where requests go. */
  address?: string;
  port?: number;
  /** The client path: every instance, by host name. */
  instances?: readonly { name: string; address: string; port: number }[];
}

/** One attempt of a client call, as onAttempt reported it. */
interface AttemptRecord {
  /** The instance (host name) the attempt went to. */
  target: string;
  outcome: Attempt['outcome'];
  status?: number;
  code?: string;
  /** ms after the call was sent. */
  startedAtMs: number;
  durationMs: number;
}

export interface Answer {
  /** When the request was sent and when the answer (or the failure) came, timeline ms. */
  sentAt: number;
  at: number;
  lane: number;
  via: Via;
  /** Where the lane sends its calls: an instance, a balancer, or `client` (every instance). */
  target: string;
  status: number;
  number?: string;
  /** The instance's own idea of when it issued the number (its wall clock, skewed or not). */
  issuedAt?: string;
  error?: string;
  /** Client calls: the instance whose answer ended the call. */
  answeredBy?: string;
  /** Client calls that failed: the TracknumClientError's kind. */
  kind?: string;
  /** Client calls: every attempt, in order (more than one: a failover). */
  attempts?: AttemptRecord[];
}

export interface ClientOptions {
  /** Request loops per target. */
  lanes: Partial<Record<Via, number>>;
  /** Requests per second per lane, at most. */
  ratePerLane: number;
  /** A request without an answer by then counts as status 0 (direct lanes: the attempt's timeout). */
  timeoutMs: number;
  /** The client path: one attempt's limit, and the whole call's. */
  client: { attemptTimeoutMs: number; deadlineMs: number; retries: number };
}

export interface Clients {
  readonly answers: Answer[];
  stop(): Promise<Answer[]>;
}

type Outcome = Omit<Answer, 'sentAt' | 'at' | 'lane' | 'via' | 'target'>;

function once(agent: Agent, address: string, port: number, path: string, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (answer: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const req = request({ host: address, port, path, agent, headers: { host: 'tracknum' } }, (res) => {
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
          settle(issued(status, JSON.parse(Buffer.concat(chunks).toString())));
        } catch (error) {
          // A 200 without a number would be a bug worth seeing: kept as its own status.
          settle({ status: 299, error: (error as Error).message });
        }
      });
    });
    const timer = setTimeout(() => {
      req.destroy(new Error('timeout'));
      settle({ status: 0, error: 'timeout' });
    }, timeoutMs);
    req.on('error', (error) => settle({ status: 0, error: (error as NodeJS.ErrnoException).code ?? error.message }));
    req.end();
  });
}

/** A 200's body as an outcome; throws when it carries no number. */
function issued(status: number, body: unknown): Outcome {
  const { tracking_number: number, created_at: issuedAt } = (body ?? {}) as Record<string, unknown>;
  if (typeof number !== 'string') throw new Error('no tracking_number');
  return { status, number, ...(typeof issuedAt === 'string' ? { issuedAt } : {}) };
}

/**
 * One call of tracknum's client, as an outcome: success is its number; a
 * TracknumClientError is its last attempt's status (0 without one) with its
 * kind; every attempt is kept.
 */
async function clientCall(
  client: TracknumClient,
  attempts: AttemptRecord[],
  targetOf: (url: string) => string,
): Promise<Outcome> {
  try {
    const answer = await client.next(EXAMPLE_ORDER);
    const last = attempts.at(-1);
    try {
      return {
        ...issued(200, answer),
        attempts,
        ...(last === undefined ? {} : { answeredBy: last.target }),
      };
    } catch (error) {
      return { status: 299, error: (error as Error).message, attempts };
    }
  } catch (error) {
    if (!(error instanceof TracknumClientError)) {
      return { status: 0, error: (error as Error).message, attempts };
    }
    const last = error.attempts.at(-1);
    return {
      status: error.status ?? 0,
      kind: error.kind,
      error: last?.code ?? last?.outcome ?? error.kind,
      attempts,
      ...(error.url === undefined ? {} : { answeredBy: targetOf(error.url) }),
    };
  }
}

export function startClients(targets: readonly Target[], options: ClientOptions, timeline: Timeline): Clients {
  const answers: Answer[] = [];
  const path = orderPath();
  const interval = 1000 / options.ratePerLane;
  let running = true;
  const agents: Agent[] = [];

  /** A function that makes one call and says what came of it, for one lane of `target`. */
  const caller = (target: Target, laneIndex: number): (() => Promise<Outcome>) => {
    if (target.via === 'haproxy' || target.via === 'nginx') {
      // One connection per lane: keep-alive, re-opened after a failure.
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      agents.push(agent);
      return () => once(agent, target.address!, target.port!, path, options.timeoutMs);
    }
    // Client lanes start on different instances (the client starts with its first URL and stays
    // with whichever answered last), as applications that shuffle their list would.
    const all = target.instances ?? [];
    const instances =
      target.via === 'direct'
        ? [{ name: target.name, address: target.address!, port: target.port! }]
        : all.map((_, i) => all[(i + laneIndex) % all.length]!);
    const baseUrls = instances.map((i) => `http://${i.address}:${i.port}`);
    const byOrigin = new Map(instances.map((i, n) => [baseUrls[n]!, i.name]));
    const targetOf = (url: string): string => byOrigin.get(new URL(url).origin) ?? url;
    let attempts: AttemptRecord[] = [];
    const client = createClient({
      baseUrls,
      ...(target.via === 'direct'
        ? { timeoutMs: options.timeoutMs, deadlineMs: options.timeoutMs + 1000, retries: 0 }
        : {
            timeoutMs: options.client.attemptTimeoutMs,
            deadlineMs: options.client.deadlineMs,
            retries: options.client.retries,
          }),
      onAttempt: (attempt) => {
        attempts.push({
          target: targetOf(attempt.url),
          outcome: attempt.outcome,
          ...(attempt.status === undefined ? {} : { status: attempt.status }),
          ...(attempt.code === undefined ? {} : { code: attempt.code }),
          startedAtMs: Math.round(attempt.startedAtMs),
          durationMs: Math.round(attempt.durationMs),
        });
      },
    });
    return () => {
      // A lane makes one call at a time: the attempts from here on are this call's.
      attempts = [];
      return clientCall(client, attempts, targetOf);
    };
  };

  const lane = async (target: Target, laneIndex: number): Promise<void> => {
    const call = caller(target, laneIndex);
    let next = timeline.now() + Math.random() * interval;
    while (running) {
      const wait = next - timeline.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (!running) break;
      next = Math.max(next + interval, timeline.now());
      const sentAt = timeline.now();
      const answer = await call();
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
