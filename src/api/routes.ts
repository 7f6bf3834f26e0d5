/**
 * The routes of the HTTP API, named once: the worker registers them, /metrics
 * counts answers by them, the error table (errors.ts) says which errors each
 * one answers, and the OpenAPI document describes them.
 */
export const API_ROUTES = [
  { route: 'next-tracking-number', path: '/next-tracking-number', method: 'get' },
  { route: 'batch', path: '/tracking-numbers', method: 'post' },
  { route: 'tracking-numbers', path: '/tracking-numbers/{number}', method: 'get' },
  { route: 'healthz', path: '/healthz', method: 'get' },
  { route: 'readyz', path: '/readyz', method: 'get' },
  { route: 'metrics', path: '/metrics', method: 'get' },
  { route: 'openapi', path: '/openapi.json', method: 'get' },
] as const;

/** A route of the API. */
export type ApiRoute = (typeof API_ROUTES)[number]['route'];

/** A route of the API, or 'other': every request no route matches. */
export type Route = ApiRoute | 'other';

/** Routes as /metrics counts them, in this order. */
export const ROUTES: readonly Route[] = [...API_ROUTES.map((entry) => entry.route), 'other'];

export const ROUTE_INDEX: Readonly<Record<Route, number>> = Object.fromEntries(
  ROUTES.map((route, index) => [route, index]),
) as Record<Route, number>;

/** The path of a route as uWebSockets.js patterns write it: `{number}` becomes `:number`. */
export function uwsPattern(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}
