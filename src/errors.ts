/**
 * Every error tracknum can report, declared once with a stable code. HTTP
 * errors become RFC 9457 problem documents (see docs/errors.md); start-up
 * errors stop the process with one clear line.
 *
 * Errors cross worker-thread boundaries as plain objects, where `instanceof`
 * fails: recognise them with isTracknumError(), which checks the brand.
 */

import type { Route } from './api/routes.js';

interface Declared {
  /** HTTP status for errors answered to clients; 0 for start-up errors and errors that are only logged. */
  status: number;
  title: string;
  /**
   * Answered to clients: when, in one sentence (the OpenAPI document's
   * description of the answer). docs/errors.md says more.
   */
  when?: string;
  /** The routes that answer it: a list, or '*' for every request whatever its route. */
  routes?: readonly Route[] | '*';
  /** Headers that come with the answer, and what they say (for the OpenAPI document). */
  headers?: Readonly<Record<string, string>>;
}

export const ERRORS = {
  // Answered to clients.
  INVALID_PARAMETERS: {
    status: 400,
    title: 'Invalid query parameters',
    when: 'Parameters missing, duplicated, malformed or out of range: all of them, each with what is expected.',
    routes: ['next-tracking-number'],
  },
  INVALID_BODY: {
    status: 400,
    title: 'Invalid request body',
    when: 'The body breaks a rule: every problem at its JSON Pointer. Nothing is issued.',
    routes: ['batch'],
  },
  MALFORMED_JSON: {
    status: 400,
    title: 'Malformed JSON body',
    when: 'The body is not UTF-8 JSON, or nests too deep.',
    routes: ['batch'],
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'Unsupported media type',
    when: 'The body is not sent as application/json (UTF-8).',
    routes: ['batch'],
    headers: { 'Accept-Post': 'The media type to send: application/json.' },
  },
  CONTENT_TOO_LARGE: {
    status: 413,
    title: 'Content too large',
    when: 'The body exceeds the size limit; the connection is closed.',
    routes: ['batch'],
  },
  BODY_TIMEOUT: {
    status: 408,
    title: 'Request body timed out',
    when: 'The body did not arrive in time; the connection is closed.',
    routes: ['batch'],
  },
  BODY_BUDGET_EXHAUSTED: {
    status: 503,
    title: 'Request-body memory budget exhausted',
    when: 'Request bodies still arriving hold all the memory this instance sets aside for them: retry shortly or use another instance. The connection is closed.',
    routes: ['batch'],
    headers: { 'Retry-After': 'Seconds to wait before retrying.' },
  },
  MALFORMED_TRACKING_NUMBER: {
    status: 400,
    title: 'Malformed tracking number',
    when: 'Wrong length, characters or country.',
    routes: ['tracking-numbers'],
  },
  CHECK_CHARACTER_MISMATCH: {
    status: 422,
    title: 'Tracking number fails its check character',
    when: 'The check character does not match: the number was probably mistyped.',
    routes: ['tracking-numbers'],
  },
  NOT_FOUND: {
    status: 404,
    title: 'Not found',
    when: 'No such path (an empty number included: /tracking-numbers/).',
    routes: ['tracking-numbers', 'other'],
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    title: 'Method not allowed',
    when: 'The path does not answer this method (a HEAD of a path that issues numbers included).',
    routes: ['next-tracking-number', 'batch', 'tracking-numbers', 'healthz', 'readyz', 'metrics', 'openapi'],
    headers: { Allow: 'The method the path answers.' },
  },
  URI_TOO_LONG: {
    status: 414,
    title: 'Request URI too long',
    when: 'The query string is too long.',
    routes: ['next-tracking-number'],
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    title: 'Request header fields too large',
    when: 'The request headers are too large.',
    routes: '*',
  },
  NOT_ISSUING: {
    status: 503,
    title: 'Not issuing tracking numbers',
    when: 'This instance cannot issue numbers now (no node ID, shutting down, reserved seconds used up): retry shortly or use another instance.',
    routes: ['next-tracking-number', 'batch'],
    headers: { 'Retry-After': 'Seconds to wait before retrying.' },
  },
  UNAUTHORIZED: {
    status: 401,
    title: 'Unauthorized',
    when: 'A clients file is set and the request carries no Bearer token, or one that is not in it.',
    routes: ['next-tracking-number', 'batch', 'tracking-numbers', 'metrics', 'openapi', 'other'],
    headers: { 'WWW-Authenticate': 'Bearer, with error="invalid_token" when a token was given.' },
  },
  FORBIDDEN: {
    status: 403,
    title: 'Forbidden',
    when: "The client's line in the clients file does not grant this route.",
    routes: ['next-tracking-number', 'batch', 'tracking-numbers', 'metrics'],
  },
  QUOTA_EXCEEDED: {
    status: 429,
    title: 'Quota exceeded',
    when: "The request asks for more numbers than the client's quota allows now. Nothing is issued.",
    routes: ['next-tracking-number', 'batch'],
    headers: {
      'Retry-After': 'Seconds until the request would fit the quota (absent when it never can: more than the burst).',
      'RateLimit-Policy':
        'The quota, as the IETF httpapi rate-limit-headers draft writes it: "numbers";q=BURST;w=SECONDS.',
      RateLimit: 'What is left of it: "numbers";r=REMAINING;t=SECONDS until full.',
    },
  },
  INTERNAL: { status: 500, title: 'Internal server error', when: 'A bug (logged with its stack).', routes: '*' },
  // Stop start-up, or refuse an operator's command.
  USAGE: { status: 0, title: 'Command line not understood' },
  CONFIG_INVALID: { status: 0, title: 'Invalid configuration' },
  PORT_IN_USE: { status: 0, title: 'Port already in use' },
  STATE_LOCKED: { status: 0, title: 'State directory in use' },
  NODE_ID_IN_USE: { status: 0, title: 'Node ID in use on this host' },
  NODE_IDS_EXHAUSTED: { status: 0, title: 'Every node ID is held' },
  NODE_ID_LOST: { status: 0, title: 'Node ID no longer held' },
  ETCD_UNAVAILABLE: { status: 0, title: 'etcd unavailable' },
  STATE_CORRUPT: { status: 0, title: 'Stored state cannot be trusted' },
  STATE_UNWRITABLE: { status: 0, title: 'State directory not writable' },
  STATE_DIR_PERMISSIONS: { status: 0, title: 'State directory open to other users' },
  SECRET_FILE_PERMISSIONS: { status: 0, title: 'Key or clients file open to other users' },
  OUT_FILE_UNSAFE: { status: 0, title: 'Output file not safe to write' },
  KEY_INVALID: { status: 0, title: 'Tracking-number key file unreadable or malformed' },
  KEY_MISSING: { status: 0, title: 'Tracking-number key missing' },
  KEY_MISMATCH: { status: 0, title: 'Tracking-number key differs from the number space' },
  FORMAT_MISMATCH: { status: 0, title: 'Number format differs from the number space' },
  KEY_GENERATION_EXISTS: { status: 0, title: 'Key generation already in the key file' },
  CLIENTS_INVALID: { status: 0, title: 'Clients file unreadable or malformed' },
  CLIENT_EXISTS: { status: 0, title: 'Client already in the clients file' },
  UWS_NOT_NATIVE: { status: 0, title: 'uWebSockets.js native binding not loaded' },
  CLOCK_OUT_OF_RANGE: { status: 0, title: 'System clock outside the number layout' },
} as const satisfies Record<string, Declared>;

export type ErrorCode = keyof typeof ERRORS;

const BRAND = Symbol.for('tracknum.error');

export class TracknumError extends Error {
  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly status: number;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, context: Record<string, unknown> = {}) {
    super(message);
    this.name = 'TracknumError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.context = context;
  }
}

/** True for a TracknumError from any realm, or its structured clone from a worker. */
export function isTracknumError(value: unknown): value is TracknumError {
  if (typeof value !== 'object' || value === null) return false;
  if ((value as { [BRAND]?: unknown })[BRAND] === true) return true;
  const { name, code } = value as { name?: unknown; code?: unknown };
  return name === 'TracknumError' && typeof code === 'string' && code in ERRORS;
}

/** The RFC 9457 `type` of a problem: stable, and documented in docs/errors.md. */
export function problemType(code: ErrorCode): string {
  return `urn:tracknum:problem:${code.toLowerCase().replaceAll('_', '-')}`;
}
