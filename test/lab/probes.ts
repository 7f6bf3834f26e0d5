/**
 * What an instance (and each load balancer in front of it) does with requests
 * that uWebSockets.js handles in its own way, measured with a raw socket:
 * HTTP/1.0, an absolute-form target, no Host header, two differing
 * Content-Length headers. For each: the status
 * line if any came, and whether and when the connection was closed.
 */
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface ProbeResult {
  name: string;
  target: string;
  request: string;
  /** The first line of the answer, if any came. */
  statusLine?: string;
  /** ms from sending to the first byte of the answer. */
  answeredAfterMs?: number;
  /** ms from sending until the server closed the connection; absent if it was still open at the limit. */
  closedAfterMs?: number;
  /** What closed it: 'end' (FIN), 'reset', or 'still open' at the limit. */
  outcome: 'end' | 'reset' | 'still open' | 'connect failed';
}

const PROBE_REQUESTS: readonly { name: string; request: string }[] = [
  { name: 'HTTP/1.1 with Host (control)', request: 'GET /healthz HTTP/1.1\r\nHost: tracknum\r\n\r\n' },
  { name: 'HTTP/1.0 without Host', request: 'GET /healthz HTTP/1.0\r\n\r\n' },
  { name: 'HTTP/1.0 with Host', request: 'GET /healthz HTTP/1.0\r\nHost: tracknum\r\n\r\n' },
  {
    name: 'absolute-form target, HTTP/1.1',
    request: 'GET http://tracknum/healthz HTTP/1.1\r\nHost: tracknum\r\n\r\n',
  },
  { name: 'HTTP/1.1 without Host', request: 'GET /healthz HTTP/1.1\r\n\r\n' },
  { name: '/metrics (kept inside)', request: 'GET /metrics HTTP/1.1\r\nHost: tracknum\r\n\r\n' },
  {
    name: 'a body over 1 MiB, by Content-Length',
    request:
      'POST /tracking-numbers HTTP/1.1\r\nHost: tracknum\r\nContent-Type: application/json\r\nContent-Length: 2097152\r\n\r\n{"orders":[',
  },
  {
    name: 'two differing Content-Length headers',
    request: 'POST /healthz HTTP/1.1\r\nHost: tracknum\r\nContent-Length: 3\r\nContent-Length: 10\r\n\r\nabcdefghij',
  },
];

/** Sends `request` on a fresh connection and watches for up to `limitMs`. */
function probe(
  name: string,
  target: string,
  address: string,
  port: number,
  request: string,
  limitMs: number,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const result: ProbeResult = { name, target, request: JSON.stringify(request), outcome: 'still open' };
    let sentAt = 0;
    let received = '';
    const socket = connect({ host: address, port }, () => {
      sentAt = performance.now();
      socket.write(request);
    });
    const finish = (outcome: ProbeResult['outcome']): void => {
      clearTimeout(timer);
      result.outcome = outcome;
      if (outcome !== 'still open' && outcome !== 'connect failed') {
        result.closedAfterMs = Math.round(performance.now() - sentAt);
      }
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish('still open'), limitMs);
    socket.on('data', (chunk: Buffer) => {
      if (result.answeredAfterMs === undefined) result.answeredAfterMs = Math.round(performance.now() - sentAt);
      received += chunk.toString('latin1');
      const line = received.split('\r\n')[0];
      if (line !== undefined && received.includes('\r\n')) result.statusLine = line;
    });
    socket.on('end', () => finish('end'));
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish(sentAt === 0 ? 'connect failed' : error.code === 'ECONNRESET' ? 'reset' : 'end'),
    );
  });
}

export function probeAll(
  targets: readonly { name: string; address: string; port: number }[],
  limitMs: number,
): Promise<ProbeResult[]> {
  return Promise.all(
    targets.flatMap((target) =>
      PROBE_REQUESTS.map((p) => probe(p.name, target.name, target.address, target.port, p.request, limitMs)),
    ),
  );
}
