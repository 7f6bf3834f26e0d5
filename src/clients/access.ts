/**
 * Who is calling, and what they may do: the Bearer token of a request checked
 * against the clients file (by its SHA-256, the only form the file keeps),
 * and the routes that client may use. Used by the worker threads on every
 * request when a clients file is set.
 *
 * A header seen once is remembered by its text, so that the usual request
 * costs a map lookup, not a hash: only `Bearer <token>` exactly, and only for
 * tokens that were found, so the memory is bounded by the clients file,
 * whatever callers send.
 */
import { createHash } from 'node:crypto';
import type { Route } from '../api/routes.js';
import type { ClientRoute } from './clientsFile.js';

/** What the workers know of a client: never its token. */
export interface ClientGrant {
  readonly name: string;
  /** SHA-256 of the token, hex. */
  readonly tokenHash: string;
  readonly routes: readonly ClientRoute[];
}

/** The API route each client route names; the others need a token but no grant. */
const GRANTED_ROUTE: Readonly<Record<ClientRoute, Route>> = {
  issue: 'next-tracking-number',
  batch: 'batch',
  lookup: 'tracking-numbers',
  metrics: 'metrics',
};

const GRANTED_ROUTES: ReadonlySet<Route> = new Set(Object.values(GRANTED_ROUTE));

/** Routes anyone may call, so that load balancers and orchestrators can check the instance. */
const OPEN_ROUTES: readonly Route[] = ['healthz', 'readyz'];

/** RFC 6750's b64token after the scheme (case-insensitive) and one or more spaces. */
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/** Tokens longer than this are not looked at (tracknum's are 46 characters). */
const MAX_TOKEN_LENGTH = 256;

export class ClientAccess {
  readonly #byHash = new Map<string, number>();
  readonly #byToken = new Map<string, number>();
  readonly #grants: readonly ClientGrant[];
  /** Per client, per route: may it call it. */
  readonly #allowed: readonly ReadonlySet<Route>[];

  constructor(grants: readonly ClientGrant[]) {
    this.#grants = grants;
    grants.forEach((grant, index) => this.#byHash.set(grant.tokenHash, index));
    this.#allowed = grants.map((grant) => new Set(grant.routes.map((route) => GRANTED_ROUTE[route])));
  }

  /** True when `route` needs no token. */
  static isOpen(route: Route): boolean {
    return OPEN_ROUTES.includes(route);
  }

  /** The client whose token an Authorization header carries, or -1 (none, malformed or unknown). */
  clientOf(authorization: string): number {
    const known = this.#byToken.get(authorization);
    if (known !== undefined) return known;
    if (authorization.length > MAX_TOKEN_LENGTH + 16) return -1;
    const token = BEARER.exec(authorization)?.[1];
    if (token === undefined) return -1;
    const client = this.#byHash.get(createHash('sha256').update(token, 'utf8').digest('hex')) ?? -1;
    if (client >= 0 && authorization === `Bearer ${token}`) this.#byToken.set(authorization, client);
    return client;
  }

  /**
   * May `client` call `route`? The routes a grant names need that grant; the
   * others (the OpenAPI document, unknown paths) only a known token.
   */
  may(client: number, route: Route): boolean {
    return !GRANTED_ROUTES.has(route) || this.#allowed[client]!.has(route);
  }

  nameOf(client: number): string {
    return this.#grants[client]!.name;
  }
}
