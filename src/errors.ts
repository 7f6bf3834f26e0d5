/**
 * Every error tracknum can report, declared once with a stable code. HTTP
 * errors become RFC 9457 problem documents (see docs/errors.md); start-up
 * errors stop the process with one clear line.
 *
 * Errors cross worker-thread boundaries as plain objects, where `instanceof`
 * fails: recognise them with isTracknumError(), which checks the brand.
 */

interface Declared {
  /** HTTP status for errors answered to clients; 0 for start-up errors. */
  status: number;
  title: string;
}

export const ERRORS = {
  // Answered to clients.
  INVALID_PARAMETERS: { status: 400, title: 'Invalid query parameters' },
  INVALID_BODY: { status: 400, title: 'Invalid request body' },
  MALFORMED_JSON: { status: 400, title: 'Malformed JSON body' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  CONTENT_TOO_LARGE: { status: 413, title: 'Content too large' },
  BODY_TIMEOUT: { status: 408, title: 'Request body timed out' },
  MALFORMED_TRACKING_NUMBER: { status: 400, title: 'Malformed tracking number' },
  CHECK_CHARACTER_MISMATCH: { status: 422, title: 'Tracking number fails its check character' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  URI_TOO_LONG: { status: 414, title: 'Request URI too long' },
  HEADERS_TOO_LARGE: { status: 431, title: 'Request header fields too large' },
  NOT_ISSUING: { status: 503, title: 'Not issuing tracking numbers' },
  INTERNAL: { status: 500, title: 'Internal server error' },
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
