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
import { ERRORS, problemType, type ErrorCode } from '../errors.js';
import { BATCH_LIMITS, readBatchRequest } from '../validation/batchRequest.js';
import { DEFAULTS, EXAMPLE_ORDER, ORDER_PARAMETERS } from '../validation/orderParameters.js';
import { MAX_QUERY_LENGTH, parseOrderQuery } from '../validation/orderQuery.js';
import type { ClientErrorCode } from './contract.js';
import { API_SCHEMAS } from './generated/apiSchemas.js';
import { API_ROUTES, type ApiRoute } from './routes.js';

type Json = Record<string, unknown>;
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

/** An answer with an RFC 9457 problem of one of `codes` (which share a status). */
function problems(codes: readonly ClientErrorCode[]): Json {
  const schema = codes.length === 1 ? ref(`Problem${codes[0]}`) : { oneOf: codes.map((code) => ref(`Problem${code}`)) };
  const described = (code: ClientErrorCode): string => ERRORS[code].when;
  const headers = Object.fromEntries(
    codes.flatMap((code) =>
      Object.entries((ERRORS[code] as { headers?: Record<string, string> }).headers ?? {}).map(
        ([name, description]) => [name, { description, schema: { type: 'string' } }],
      ),
    ),
  );
  const examples = Object.fromEntries(
    codes.flatMap((code) => {
      const example = EXAMPLES[code]?.();
      return example === undefined ? [] : [[code, { value: example }]];
    }),
  );
  return {
    description:
      codes.length === 1 ? described(codes[0]!) : codes.map((code) => `${code}: ${described(code)}`).join(' '),
    ...(Object.keys(headers).length === 0 ? {} : { headers }),
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

const isClientError = (code: ErrorCode): code is ClientErrorCode => ERRORS[code].status > 0;

/** The codes the error table says `route` answers (`'other'`: requests no route matches). */
function codesOf(route: ApiRoute | 'other'): ClientErrorCode[] {
  return (Object.keys(ERRORS) as ErrorCode[]).filter(isClientError).filter((code) => {
    const routes = (ERRORS[code] as { routes?: readonly string[] | '*' }).routes;
    return routes === '*' || (routes ?? []).includes(route);
  });
}

/** Every error answer of `route`, by status, from the error table. */
function errorResponses(route: ApiRoute | 'other'): Record<string, Json> {
  const byStatus = new Map<number, ClientErrorCode[]>();
  for (const code of codesOf(route))
    byStatus.set(ERRORS[code].status, [...(byStatus.get(ERRORS[code].status) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].sort(([a], [b]) => a - b).map(([status, codes]) => [String(status), problems(codes)]),
  );
}

/** Examples of problems, made by the code that reports them. */
const EXAMPLES: Partial<Record<ClientErrorCode, () => Json>> = {
  INVALID_PARAMETERS: invalidParametersExample,
  INVALID_BODY: invalidBodyExample,
};

function invalidParametersExample(): Json {
  const parsed = parseOrderQuery('origin_country_id=XX&destination_country_id=ID&weight=0');
  if (parsed.ok) throw new Error('the example of an invalid query is valid');
  return problemExample('INVALID_PARAMETERS', parsed.problems.map((p) => p.detail).join('; '), {
    errors: parsed.problems,
  });
}

function invalidBodyExample(): Json {
  const read = readBatchRequest(JSON.stringify({ orders: [{ ...EXAMPLE_ORDER, weight: 0, parcels: 20_000 }] }));
  if (read.ok || !('problems' in read)) throw new Error('the example of an invalid body is valid');
  return problemExample('INVALID_BODY', read.problems.map((p) => `${p.pointer}: ${p.detail}`).join('; '), {
    errors: read.problems,
  });
}

/** An order's schema in a request: the optional parameters (those with a default) left out of `required`, with their default. */
function withDefaults(schema: Json): Json {
  const properties = { ...(schema['properties'] as Record<string, Json>) };
  ORDER_PARAMETERS.forEach(({ name }, index) => {
    const value = DEFAULTS[index];
    if (value !== undefined) properties[name] = { ...properties[name], default: value };
  });
  const required = ((schema['required'] as string[] | undefined) ?? []).filter(
    (name) => !ORDER_PARAMETERS.some((entry, index) => entry.name === name && DEFAULTS[index] !== undefined),
  );
  return { ...schema, properties, required };
}

/** typia's components, and each order a request may send with the table's optional parameters and defaults. */
function requestComponents(): Record<string, Json> {
  const schemas = components();
  for (const [name, schema] of Object.entries(schemas)) {
    const properties = schema['properties'] as Record<string, Json> | undefined;
    if (properties !== undefined && ORDER_PARAMETERS.every(({ name: parameter }) => parameter in properties)) {
      if (name !== 'Order' && !name.startsWith('BatchOrderEcho')) schemas[name] = withDefaults(schema);
    }
  }
  return schemas;
}

export function openApiDocument(): Json {
  const orderSchema = enums(API_SCHEMAS.components.schemas?.['Order'] ?? {}) as { properties: Record<string, Json> };
  const example = { ...EXAMPLE_ORDER };
  const requiredNote = DEFAULTS.some((value) => value !== undefined)
    ? 'Parameters without a default are required'
    : 'All parameters are required';
  /** Each route's own answers and description; errors come from the error table. */
  const operations: Record<ApiRoute, Json> = {
    'next-tracking-number': {
      operationId: 'nextTrackingNumber',
      summary: 'Issue one tracking number for an order.',
      description: `${requiredNote}; unknown parameters are ignored; a parameter given twice is an error. Non-ASCII characters must be percent-encoded as UTF-8. The query is at most ${MAX_QUERY_LENGTH} characters.`,
      parameters: ORDER_PARAMETERS.map((entry, index) => {
        const value = DEFAULTS[index];
        return {
          name: entry.name,
          in: 'query',
          required: value === undefined,
          description: entry.description,
          schema:
            value === undefined
              ? orderSchema.properties[entry.name]
              : { ...orderSchema.properties[entry.name], default: value },
          example: entry.example,
        };
      }),
      responses: {
        '200': json('The number, its issue time and the order as validated.', ref('Issued'), {
          tracking_number: EXAMPLE_NUMBER,
          created_at: EXAMPLE_ISSUE_TIME,
          order: example,
        }),
      },
    },
    batch: {
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
      },
    },
    'tracking-numbers': {
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
      responses: { '200': json('The number is well formed.', ref('Lookup')) },
    },
    healthz: {
      operationId: 'health',
      summary: 'The process runs.',
      responses: { '200': json('Running.', ref('Health'), { status: 'ok' }) },
    },
    readyz: {
      operationId: 'ready',
      summary: 'Whether this instance can issue numbers now.',
      responses: {
        '200': json('Ready.', ref('Ready'), { status: 'ready', node_id: 0 }),
        '503': json('Not ready: send it nothing now.', ref('NotReady')),
      },
    },
    metrics: {
      operationId: 'metrics',
      summary: 'Prometheus text for the whole instance.',
      responses: {
        '200': {
          description: 'The metrics.',
          content: { 'text/plain; version=0.0.4': { schema: { type: 'string' } } },
        },
      },
    },
    openapi: {
      operationId: 'openApi',
      summary: 'This document.',
      responses: {
        '200': { description: 'OpenAPI 3.1.', content: { 'application/json': { schema: { type: 'object' } } } },
      },
    },
  };
  /** HEAD where it is safe: the same status line as GET, no body. */
  const heads: Partial<Record<ApiRoute, Json>> = {
    healthz: {
      operationId: 'healthHead',
      summary: 'As GET, without a body.',
      responses: { '200': { description: 'Running.' } },
    },
    readyz: {
      operationId: 'readyHead',
      summary: 'As GET, without a body.',
      responses: { '200': { description: 'Ready.' }, '503': { description: 'Not ready.' } },
    },
  };
  const paths: Record<string, Json> = {};
  for (const { route, path, method } of API_ROUTES) {
    const operation = operations[route];
    const responses = { ...errorResponses(route), ...(operation['responses'] as Json) };
    const sorted = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
    paths[path] = { [method]: { ...operation, responses: sorted }, ...(heads[route] ? { head: heads[route] } : {}) };
  }
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
    paths,
    components: {
      schemas: requestComponents(),
      // Answers to paths that do not exist.
      responses: { NotFound: errorResponses('other')['404'] },
    },
  };
}
