/**
 * The OpenAPI 3.1 document of the HTTP API, served at GET /openapi.json and
 * committed as docs/openapi.json (`npm run generate`; a test fails when the
 * copy is stale).
 *
 * Every schema is typia's JSON-schema output for the types of contract.ts
 * (generated/apiSchemas.ts); this module only lays them out: which route
 * answers which status with which schema, the query parameters (their schemas
 * taken from typia's schema of an order, their descriptions and examples from
 * the parameter table), and examples made by the code that answers.
 */
import { ERRORS } from '../errors.js';
import { BATCH_LIMITS, readBatchRequest } from '../validation/batchRequest.js';
import { API_SCHEMAS } from '../validation/generated/apiSchemas.js';
import { parseJson } from '../validation/json.js';
import { ORDER_PARAMETERS, type Order } from '../validation/orderParameters.js';
import { parseOrderQuery } from '../validation/orderQuery.js';
import type { ClientErrorCode } from './contract.js';
import { problemType } from '../errors.js';

type Json = Record<string, unknown>;

const EXAMPLE_ORDER = Object.fromEntries(ORDER_PARAMETERS.map((entry) => [entry.name, entry.example])) as Order;
const EXAMPLE_NUMBER = 'MY0VAI9UVZYT5OGK';
const EXAMPLE_ISSUE_TIME = '2026-11-25T16:33:52.586Z';

/**
 * typia writes a union of string literals (the country codes) as `oneOf` of
 * `const`s; the same set as one `enum` is equivalent, a fraction of the size,
 * and what client generators turn into an enumeration.
 */
function enums<T>(value: T): T {
  if (Array.isArray(value)) return value.map(enums) as T;
  if (typeof value !== 'object' || value === null) return value;
  const node = value as Json;
  const oneOf = node['oneOf'];
  if (
    Array.isArray(oneOf) &&
    oneOf.length > 1 &&
    oneOf.every((branch: Json) => Object.keys(branch).length === 1 && typeof branch['const'] === 'string')
  ) {
    const rest = Object.fromEntries(Object.entries(node).filter(([key]) => key !== 'oneOf'));
    return { ...enums(rest), enum: oneOf.map((branch: Json) => branch['const']) } as T;
  }
  return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, enums(child)])) as T;
}

/** typia's components, with each problem of `Problems` as a component of its own (`Problem<CODE>`). */
function components(): Record<string, Json> {
  const schemas = enums(structuredClone(API_SCHEMAS.components.schemas ?? {})) as Record<string, Json>;
  const problems = schemas['Problems'] as { properties: Record<string, Json> };
  delete schemas['Problems'];
  for (const [code, schema] of Object.entries(problems.properties)) {
    if (schema['$ref'] === undefined) schemas[`Problem${code}`] = schema;
  }
  return schemas;
}

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

function problemExample(code: ClientErrorCode, detail: string, extensions: Json = {}): Json {
  const { status, title } = ERRORS[code];
  return { type: problemType(code), title, status, detail, code, ...extensions };
}

/** An answer with an RFC 9457 problem of one of `codes`. */
function problems(description: string, codes: readonly ClientErrorCode[], examples: Json = {}, headers?: Json): Json {
  const schema = codes.length === 1 ? ref(`Problem${codes[0]}`) : { oneOf: codes.map((code) => ref(`Problem${code}`)) };
  return {
    description,
    ...(headers === undefined ? {} : { headers }),
    content: {
      'application/problem+json': {
        schema,
        ...(Object.keys(examples).length === 0 ? {} : { examples }),
      },
    },
  };
}

function json(description: string, schema: Json, example?: unknown): Json {
  return {
    description,
    content: { 'application/json': { schema, ...(example === undefined ? {} : { example }) } },
  };
}

/** Statuses every operation may answer. */
const COMMON = {
  '431': problems('The request headers exceed 16 KiB.', ['HEADERS_TOO_LARGE']),
  '500': problems('A bug (logged with its stack).', ['INTERNAL']),
};

const NOT_ISSUING = problems(
  'This instance cannot issue numbers now (no node ID, shutting down, lease not renewed, reserved seconds used up): retry shortly or use another instance.',
  ['NOT_ISSUING'],
  {},
  { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'string' } } },
);

function invalidParametersExample(): Json {
  const parsed = parseOrderQuery('origin_country_id=XX&destination_country_id=ID&weight=0');
  if (parsed.ok) throw new Error('the example of an invalid query is valid');
  return problemExample('INVALID_PARAMETERS', parsed.problems.map((p) => p.detail).join('; '), {
    errors: parsed.problems,
  });
}

function invalidBodyExample(): Json {
  const body = parseJson(JSON.stringify({ orders: [{ ...EXAMPLE_ORDER, weight: 0, parcels: 20_000 }] }));
  const read = body.ok ? readBatchRequest(body.value) : undefined;
  if (read === undefined || read.ok) throw new Error('the example of an invalid body is valid');
  return problemExample('INVALID_BODY', read.problems.map((p) => `${p.pointer}: ${p.detail}`).join('; '), {
    errors: read.problems,
  });
}

export function openApiDocument(): Json {
  const orderSchema = enums(API_SCHEMAS.components.schemas?.['Order'] ?? {}) as { properties: Record<string, Json> };
  const example = { ...EXAMPLE_ORDER };
  return {
    openapi: '3.1.0',
    info: {
      title: 'tracknum',
      version: '1',
      summary: 'Unique, checkable 16-character parcel tracking numbers.',
      description:
        'Every answer carries Cache-Control: no-store. Errors are RFC 9457 problem documents (application/problem+json) with a stable `code`; see docs/errors.md.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    paths: {
      '/next-tracking-number': {
        get: {
          operationId: 'nextTrackingNumber',
          summary: 'Issue one tracking number for an order.',
          description:
            'All parameters are required; unknown parameters are ignored; a parameter given twice is an error. Non-ASCII characters must be percent-encoded as UTF-8. The query is at most 3072 characters.',
          parameters: ORDER_PARAMETERS.map((entry) => ({
            name: entry.name,
            in: 'query',
            required: true,
            description: entry.description,
            schema: orderSchema.properties[entry.name],
            example: entry.example,
          })),
          responses: {
            '200': json('The number, its issue time and the order as validated.', ref('Issued'), {
              tracking_number: EXAMPLE_NUMBER,
              created_at: EXAMPLE_ISSUE_TIME,
              order: example,
            }),
            '400': problems(
              'Parameters missing, duplicated, malformed or out of range: all of them.',
              ['INVALID_PARAMETERS'],
              {
                invalid: { value: invalidParametersExample() },
              },
            ),
            '414': problems('The query string is longer than 3072 characters.', ['URI_TOO_LONG']),
            ...COMMON,
            '503': NOT_ISSUING,
          },
        },
      },
      '/tracking-numbers': {
        post: {
          operationId: 'issueBatch',
          summary: 'Issue the numbers of a batch of orders, one per parcel.',
          description:
            `At most ${BATCH_LIMITS.maxOrders} orders and ${BATCH_LIMITS.maxNumbers} numbers per request, ` +
            `a body of at most ${BATCH_LIMITS.maxBodyBytes} bytes arriving within ${BATCH_LIMITS.bodyTimeoutMs / 1000} s. ` +
            'Each order takes the parameters of GET /next-tracking-number, with the same rules and messages, as JSON strings ' +
            '(weight may also be a JSON number, read as written), and parcels (default 1). Duplicate and unknown members are refused. ' +
            'Nothing is issued unless the whole request is valid.',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: ref('BatchRequest'),
                example: {
                  orders: [
                    { ...example, parcels: 2 },
                    { ...example, origin_country_id: 'SG', weight: 0.5 },
                  ],
                },
              },
            },
          },
          responses: {
            '200': json('The numbers, grouped per order in the order of the request.', ref('BatchIssued'), {
              orders: [
                {
                  order: { ...example, parcels: 1 },
                  tracking_numbers: [{ tracking_number: EXAMPLE_NUMBER, created_at: EXAMPLE_ISSUE_TIME }],
                },
              ],
            }),
            '400': problems(
              'INVALID_BODY: every problem of the body at its JSON Pointer; MALFORMED_JSON: the body is not UTF-8 JSON.',
              ['INVALID_BODY', 'MALFORMED_JSON'],
              { invalid: { value: invalidBodyExample() } },
            ),
            '408': problems(
              `The body did not arrive within ${BATCH_LIMITS.bodyTimeoutMs / 1000} s; the connection is closed.`,
              ['BODY_TIMEOUT'],
            ),
            '413': problems(`The body exceeds ${BATCH_LIMITS.maxBodyBytes} bytes; the connection is closed.`, [
              'CONTENT_TOO_LARGE',
            ]),
            '415': problems('The body is not sent as application/json (UTF-8).', ['UNSUPPORTED_MEDIA_TYPE']),
            ...COMMON,
            '503': NOT_ISSUING,
          },
        },
      },
      '/tracking-numbers/{number}': {
        get: {
          operationId: 'lookUpTrackingNumber',
          summary: 'Check a number: well formed, its origin, format and key generation, nothing more.',
          parameters: [
            {
              name: 'number',
              in: 'path',
              required: true,
              description: 'A tracking number; lower case is accepted.',
              schema: { type: 'string' },
              example: EXAMPLE_NUMBER,
            },
          ],
          responses: {
            '200': json('The number is well formed.', ref('Lookup')),
            '400': problems('Wrong length, characters or country.', ['MALFORMED_TRACKING_NUMBER']),
            '422': problems('The check character does not match: probably mistyped.', ['CHECK_CHARACTER_MISMATCH']),
            ...COMMON,
          },
        },
      },
      '/healthz': {
        get: {
          operationId: 'health',
          summary: 'The process runs.',
          responses: { '200': json('Running.', ref('Health'), { status: 'ok' }), ...COMMON },
        },
        head: {
          operationId: 'healthHead',
          summary: 'As GET, without a body.',
          responses: { '200': { description: 'Running.' } },
        },
      },
      '/readyz': {
        get: {
          operationId: 'ready',
          summary: 'Whether this instance can issue numbers now.',
          responses: {
            '200': json('Ready.', ref('Ready'), { status: 'ready', node_id: 0 }),
            '503': json('Not ready: send it nothing now.', ref('NotReady')),
            ...COMMON,
          },
        },
        head: {
          operationId: 'readyHead',
          summary: 'As GET, without a body.',
          responses: { '200': { description: 'Ready.' }, '503': { description: 'Not ready.' } },
        },
      },
      '/metrics': {
        get: {
          operationId: 'metrics',
          summary: 'Prometheus text for the whole instance.',
          responses: {
            '200': {
              description: 'The metrics.',
              content: { 'text/plain; version=0.0.4': { schema: { type: 'string' } } },
            },
            ...COMMON,
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openApi',
          summary: 'This document.',
          responses: {
            '200': { description: 'OpenAPI 3.1.', content: { 'application/json': { schema: { type: 'object' } } } },
            ...COMMON,
          },
        },
      },
    },
    components: {
      schemas: components(),
      // Answers to a method a path does not have, and to paths that do not exist.
      responses: {
        MethodNotAllowed: problems('The path does not answer this method; Allow lists those it does.', [
          'METHOD_NOT_ALLOWED',
        ]),
        NotFound: problems('No such path.', ['NOT_FOUND']),
      },
    },
  };
}
