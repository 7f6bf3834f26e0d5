/**
 * What every route handler gets, and what the handlers that issue numbers share.
 */
import type { Allocator } from '../core/allocator.js';
import type { BodyBudget } from '../core/bodyBudget.js';
import type { ControlBlock } from '../core/controlBlock.js';
import type { TrackingNumberEncoder } from '../core/numberFormat.js';
import type { ClientAccess } from '../clients/access.js';
import type { Quotas } from '../clients/quotas.js';
import type { Logger } from '../logger.js';
import type { ClientCounters, WorkerMetrics } from '../metrics.js';
import type { Replies } from './replies.js';
import type { HttpRequest, HttpResponse } from './uws.js';

export interface RouteContext {
  control: ControlBlock;
  allocator: Allocator;
  encoder: TrackingNumberEncoder;
  counters: WorkerMetrics;
  /** The instance's memory budget for request bodies, as this worker takes from it. */
  bodyBudget: BodyBudget;
  replies: Replies;
  /** The /metrics text. */
  metrics: () => string;
  /** The OpenAPI document, as served. */
  openApi: string;
  log: Logger;
  /** Log every request (LOG_REQUESTS); off on the hot path by default. */
  logRequests: boolean;
  /** With a clients file: who may call what, their quotas, and what each was issued and refused. */
  clients?: { access: ClientAccess; quotas: Quotas; counters: ClientCounters };
}

/** The client of a request: its index in the clients file, or NO_CLIENT when there is no clients file. */
export const NO_CLIENT = -1;

/**
 * Answers a request and returns the status it answered, or ANSWERED_LATER when
 * it answers from a later callback (and counts the answer itself). `client`
 * is the caller (NO_CLIENT without a clients file).
 */
export type Handler = (res: HttpResponse, req: HttpRequest, client: number) => number;

/** What a handler returns when it answers from a later callback (a request body). */
export const ANSWERED_LATER = -1;
