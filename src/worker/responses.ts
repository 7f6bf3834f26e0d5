/**
 * Writing answers. Every answer goes through here so that status lines,
 * content types and the no-store cache policy are written one way.
 */
import { ERRORS, problemType, type ErrorCode } from '../errors.js';
import type { HttpResponse } from './uws.js';

const STATUS_LINES: Record<number, string> = {
  200: '200 OK',
  400: '400 Bad Request',
  404: '404 Not Found',
  405: '405 Method Not Allowed',
  414: '414 URI Too Long',
  422: '422 Unprocessable Content',
  431: '431 Request Header Fields Too Large',
  500: '500 Internal Server Error',
  503: '503 Service Unavailable',
};

export interface Answering {
  /** Once shutdown has begun, each answer closes its connection. */
  closeConnections: boolean;
  /** Status of the answer written last, for /metrics (handlers are synchronous). */
  status: number;
}

export function sendJson(res: HttpResponse, answering: Answering, status: number, body: string): void {
  answering.status = status;
  // uWS writes "200 OK" itself when no status was written: one native call less on the hot path.
  if (status !== 200) res.writeStatus(STATUS_LINES[status] ?? `${status}`);
  res
    .writeHeader('Content-Type', 'application/json')
    // A tracking number must never come from a cache.
    .writeHeader('Cache-Control', 'no-store')
    .end(body, answering.closeConnections);
}

/** Answers a status and headers only (HEAD). */
export function endWithoutBody(
  res: HttpResponse,
  answering: Answering,
  status: number,
  headers: Record<string, string> = {},
): void {
  answering.status = status;
  res.writeStatus(STATUS_LINES[status] ?? `${status}`);
  for (const [name, value] of Object.entries(headers)) res.writeHeader(name, value);
  // Content-Length 0 given explicitly: endWithoutBody(undefined, ...) aborts the process in uWS v20.30.
  res.endWithoutBody(0, answering.closeConnections);
}

export interface ProblemOptions {
  detail: string;
  /** Extension members (RFC 9457 section 3.2). */
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Answers an RFC 9457 problem document for a declared error. */
export function sendProblem(res: HttpResponse, answering: Answering, code: ErrorCode, options: ProblemOptions): void {
  const { status, title } = ERRORS[code];
  answering.status = status;
  res.writeStatus(STATUS_LINES[status] ?? `${status}`);
  res.writeHeader('Content-Type', 'application/problem+json');
  res.writeHeader('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(options.headers ?? {})) res.writeHeader(name, value);
  const body = { type: problemType(code), title, status, detail: options.detail, code, ...options.extensions };
  res.end(JSON.stringify(body), answering.closeConnections);
}
