/**
 * Writing answers. Every answer goes through here, so that status lines,
 * content types and the no-store cache policy are written one way, and each
 * function returns the status it wrote, for the route to count.
 *
 * Once the instance drains, every answer closes its connection, so that
 * keep-alive clients move to another instance.
 */
import { STATUS_CODES } from 'node:http';
import { isDraining, type ControlBlock } from '../core/controlBlock.js';
import { ERRORS, problemType, type ErrorCode } from '../errors.js';
import { truncate } from '../validation/orderValidation.js';
import type { HttpResponse } from './uws.js';

/**
 * Longest `detail` of a problem, in UTF-16 units; a longer one is cut. With
 * the bound on listed problems (validation/problemList.ts), no problem
 * document reaches 64 KiB.
 */
const MAX_DETAIL_LENGTH = 1000;

export interface ProblemOptions {
  /** For humans; cut to MAX_DETAIL_LENGTH. */
  detail: string;
  /** Extension members (RFC 9457 section 3.2). */
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** Close the connection after the answer (a request body was left unread). */
  close?: boolean;
}

const statusLine = (status: number): string => `${status} ${STATUS_CODES[status] ?? ''}`;

export class Replies {
  readonly #control: ControlBlock;

  constructor(control: ControlBlock) {
    this.#control = control;
  }

  /** A JSON body. */
  json(res: HttpResponse, status: number, body: string): number {
    // uWS writes "200 OK" itself when no status was written: one native call less on the hot path.
    if (status !== 200) res.writeStatus(statusLine(status));
    res
      .writeHeader('Content-Type', 'application/json')
      // A tracking number must never come from a cache.
      .writeHeader('Cache-Control', 'no-store')
      .end(body, isDraining(this.#control));
    return status;
  }

  /** A plain-text body (the metrics). */
  text(res: HttpResponse, contentType: string, body: string): number {
    res.writeHeader('Content-Type', contentType).end(body, isDraining(this.#control));
    return 200;
  }

  /** A status and headers only (HEAD). */
  empty(res: HttpResponse, status: number, headers: Record<string, string> = {}): number {
    res.writeStatus(statusLine(status));
    for (const [name, value] of Object.entries(headers)) res.writeHeader(name, value);
    // Content-Length 0 given explicitly: endWithoutBody(undefined, ...) aborts the process in uWS v20.30.
    res.endWithoutBody(0, isDraining(this.#control));
    return status;
  }

  /** An RFC 9457 problem document for a declared error. */
  problem(res: HttpResponse, code: ErrorCode, options: ProblemOptions): number {
    const { status, title } = ERRORS[code];
    res.writeStatus(statusLine(status));
    res.writeHeader('Content-Type', 'application/problem+json');
    res.writeHeader('Cache-Control', 'no-store');
    for (const [name, value] of Object.entries(options.headers ?? {})) res.writeHeader(name, value);
    const detail =
      options.detail.length > MAX_DETAIL_LENGTH
        ? `${truncate(options.detail, MAX_DETAIL_LENGTH - 3)}...`
        : options.detail;
    const body = { type: problemType(code), title, status, detail, code, ...options.extensions };
    res.end(JSON.stringify(body), options.close === true || isDraining(this.#control));
    return status;
  }
}
