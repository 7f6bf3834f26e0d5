/**
 * Paired rounds: every server measured once per round, one after the other,
 * every other round in reverse order, so that a change in the machine's load
 * (it is shared) hits them alike; figures are compared within a round.
 */
import { runLoad, type Generator, type LoadResult } from './load.js';
import { treeCpuSeconds, treeRssBytes } from './processes.js';
import type { StartedServer } from './servers.js';

export interface RoundOptions {
  rounds: number;
  durationSeconds: number;
  connections: number;
  generator: Generator;
  /** Path and query of the GET, or of the POST with `jsonBody`. */
  path: string;
  jsonBody?: string;
  /** Told of each measurement as it is made (progress on stderr). */
  onMeasured?: (measured: RoundMeasurement) => void;
}

export interface RoundMeasurement extends LoadResult {
  server: string;
  round: number;
  /** Server CPU time (whole process tree) per answered request, microseconds. */
  cpuMicrosPerRequest: number;
  /** Highest resident memory of the whole process tree during the run, bytes. */
  peakRssBytes: number;
}

/** One load run against a running server, with its CPU time and peak memory. */
export async function measureOnce(
  server: StartedServer,
  options: Omit<RoundOptions, 'rounds' | 'onMeasured'>,
  round = 0,
): Promise<RoundMeasurement> {
  const { running, headers } = server;
  let peakRssBytes = treeRssBytes(running.pid);
  const sampler = setInterval(() => (peakRssBytes = Math.max(peakRssBytes, treeRssBytes(running.pid))), 200);
  const cpuBefore = treeCpuSeconds(running.pid);
  let result: LoadResult;
  try {
    result = await runLoad(options.generator, {
      url: `http://127.0.0.1:${running.port}${options.path}`,
      connections: options.connections,
      durationSeconds: options.durationSeconds,
      headers,
      ...(options.jsonBody === undefined ? {} : { jsonBody: options.jsonBody }),
    });
  } finally {
    clearInterval(sampler);
  }
  const cpuSeconds = treeCpuSeconds(running.pid) - cpuBefore;
  const answered = Math.max(1, result.requests);
  return {
    ...result,
    server: server.spec.name,
    round,
    cpuMicrosPerRequest: (cpuSeconds * 1e6) / answered,
    peakRssBytes,
  };
}

/** `options.rounds` rounds over `servers`; every measurement, in the order made. */
export async function measureInRounds(
  servers: readonly StartedServer[],
  options: RoundOptions,
): Promise<RoundMeasurement[]> {
  const measurements: RoundMeasurement[] = [];
  for (let round = 0; round < options.rounds; round++) {
    // Every other round in reverse order, so that no server is always measured right after another.
    for (const server of round % 2 === 0 ? servers : [...servers].reverse()) {
      const measured = await measureOnce(server, options, round);
      measurements.push(measured);
      options.onMeasured?.(measured);
    }
  }
  return measurements;
}

/** `pick(b) - pick(a)`, or `compare(pick(a), pick(b))`, for every round in which both were measured. */
export function pairedInRounds(
  measurements: readonly RoundMeasurement[],
  a: string,
  b: string,
  pick: (m: RoundMeasurement) => number,
  compare: (x: number, y: number) => number = (x, y) => y - x,
): number[] {
  const ofB = new Map(measurements.filter((m) => m.server === b).map((m) => [m.round, m]));
  return measurements
    .filter((m) => m.server === a && ofB.has(m.round))
    .map((m) => compare(pick(m), pick(ofB.get(m.round)!)));
}
