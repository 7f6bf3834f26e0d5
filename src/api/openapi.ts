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
 *
 * It is written for client generators run with their default settings
 * (test/deploy/consumer.test.ts generates a client with openapi-typescript
 * and runs it): every status an operation answers is listed on it, the error
 * answers straight from the error table (src/errors.ts: a new error with
 * `routes` and `headers` appears with no edit here), and every schema with a
 * `default` (an optional member that tracknum fills in) lies inside a request
 * body or a parameter, never under components/schemas, where a generator
 * cannot tell a request's optional member from an answer's always-present one
 * (openapi-typescript makes it required there).
 */
import { ERRORS, problemType } from '../errors.js';
import { BATCH_LIMITS, readBatchRequest } from '../validation/batchRequest.js';
import { DEFAULTS, EXAMPLE_ORDER, ORDER_PARAMETERS } from '../validation/orderParameters.js';
import { MAX_QUERY_LENGTH, parseOrderQuery } from '../validation/orderQuery.js';
import type { ClientErrorCode } from './contract.js';
import { API_SCHEMAS } from './generated/apiSchemas.js';
import { API_ROUTES, type ApiRoute } from './routes.js';

type Json = Record<string, unknown>;

/** An error of the table as the document reads it: src/errors.ts's entries. */
interface DeclaredError {
  readonly status: number;
  readonly title: string;
  readonly when?: string;
  readonly routes?: readonly string[] | '*';
  readonly headers?: Readonly<Record<string, string>>;
}
type ErrorTable = Readonly<Record<string, DeclaredError>>;
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

/**
 * typia's components, with each problem of `Problems` as a component of its
 * own (`Problem<CODE>`), its `title` a string (titles may be reworded) with
 * today's title as an example.
 */
function components(): Record<string, Json> {
  const schemas = enums(structuredClone(API_SCHEMAS.components.schemas ?? {})) as Record<string, Json>;
  const problems = schemas['Problems'] as { properties: Record<string, Json> };
  delete schemas['Problems'];
  for (const [code, schema] of Object.entries(problems.properties)) {
    // typia names some problems itself (a $ref to Problem<CODE>); the others become components here.
    if (schema['$ref'] === undefined) schemas[`Problem${code}`] = schema;
    const problem = schemas[`Problem${code}`] as { properties: Record<string, Json> };
    const { title } = ERRORS[code as ClientErrorCode];
    problem.properties = { ...problem.properties, title: { ...problem.properties['title'], examples: [title] } };
  }
  return schemas;
}

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

function problemExample(code: ClientErrorCode, detail: string, extensions: Json = {}): Json {
  const { status, title } = ERRORS[code];
  return { type: problemType(code), title, status, detail, code, ...extensions };
}

/**
 * An answer with an RFC 9457 problem of one of `codes` (which share a status),
 * with the headers the table gives them; without its body for a HEAD.
 */
function problems(errors: ErrorTable, codes: readonly string[], head: boolean): Json {
  const schema = codes.length === 1 ? ref(`Problem${codes[0]}`) : { oneOf: codes.map((code) => ref(`Problem${code}`)) };
  const described = (code: string): string => errors[code]!.when ?? errors[code]!.title;
  const headers = Object.fromEntries(
    codes.flatMap((code) =>
      Object.entries(errors[code]!.headers ?? {}).map(([name, description]) => [
        name,
        { description, schema: { type: 'string' } },
      ]),
    ),
  );
  const examples = Object.fromEntries(
    codes.flatMap((code) => {
      const example = EXAMPLES[code as ClientErrorCode]?.();
      return example === undefined ? [] : [[code, { value: example }]];
    }),
  );
  return {
    description:
      codes.length === 1 ? described(codes[0]!) : codes.map((code) => `${code}: ${described(code)}`).join(' '),
    ...(Object.keys(headers).length === 0 ? {} : { headers }),
    ...(head
      ? {}
      : {
          content: {
            'application/problem+json': {
              schema,
              ...(Object.keys(examples).length === 0 ? {} : { examples }),
            },
          },
        }),
  };
}

function json(description: string, schema: Json, example?: unknown): Json {
  return {
    description,
    content: { 'application/json': { schema, ...(example === undefined ? {} : { example }) } },
  };
}

/** The codes answered to clients that the error table says `route` answers. */
function codesOf(errors: ErrorTable, route: ApiRoute): string[] {
  return Object.keys(errors).filter((code) => {
    const { status, routes } = errors[code]!;
    return status > 0 && (routes === '*' || (routes ?? []).includes(route));
  });
}

/**
 * Every error answer of `route`, by status, from the error table. A HEAD
 * operation (of a path that answers HEAD) gets them without their bodies, and
 * never a 405.
 */
function errorResponses(errors: ErrorTable, route: ApiRoute, head = false): Record<string, Json> {
  const byStatus = new Map<number, string[]>();
  for (const code of codesOf(errors, route)) {
    const { status } = errors[code]!;
    if (head && status === 405) continue;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries([...byStatus].map(([status, codes]) => [String(status), problems(errors, codes, head)]));
}

/**
 * An operation's answers: its own and the error table's, sorted by status. A
 * status both give (a 503 of /readyz, say, and an error of every route) is
 * one answer with both descriptions, headers and media types; the same media
 * type twice is refused, rather than one answer hiding the other.
 */
function answers(own: Record<string, Json>, fromTable: Record<string, Json>, where: string): Json {
  const all: Record<string, Json> = { ...fromTable };
  for (const [status, answer] of Object.entries(own)) {
    const table = all[status];
    if (table === undefined) {
      all[status] = answer;
      continue;
    }
    const content = { ...(answer['content'] as Json | undefined) };
    for (const [type, media] of Object.entries((table['content'] as Json | undefined) ?? {})) {
      if (type in content) throw new Error(`${where} ${status}: ${type} both from the operation and the error table`);
      content[type] = media;
    }
    const headers = { ...(answer['headers'] as Json | undefined), ...(table['headers'] as Json | undefined) };
    all[status] = {
      description: `${String(answer['description'])} ${String(table['description'])}`,
      ...(Object.keys(headers).length === 0 ? {} : { headers }),
      ...(Object.keys(content).length === 0 ? {} : { content }),
    };
  }
  return Object.fromEntries(Object.entries(all).sort(([a], [b]) => a.localeCompare(b)));
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

const SCHEMA_REF = '#/components/schemas/';

/** The names of the schemas `value` refers to, directly. */
function refsIn(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((item) => refsIn(item, found));
  else if (typeof value === 'object' && value !== null) {
    const target = (value as Json)['$ref'];
    if (typeof target === 'string' && target.startsWith(SCHEMA_REF)) found.add(target.slice(SCHEMA_REF.length));
    Object.values(value).forEach((child) => refsIn(child, found));
  }
  return found;
}

/** Whether `value`, or a schema it refers to, holds a `default`. */
function holdsDefault(value: unknown, schemas: Record<string, Json>, seen = new Set<string>()): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (!Array.isArray(value) && 'default' in value) return true;
  for (const name of refsIn(value)) {
    if (seen.has(name)) continue;
    seen.add(name);
    if (holdsDefault(schemas[name], schemas, seen)) return true;
  }
  return Object.values(value).some((child) => holdsDefault(child, schemas, seen));
}

/**
 * `schema` with every reference to a schema that holds a default replaced by
 * that schema, recursively: a request body's optional members, written where
 * generators see they belong to a request. openapi-typescript (7.13, with its
 * default defaultNonNullable) makes a member with a default required unless the
 * schema lies under a `requestBody` or `parameters`; a component referenced
 * from a request body is still read as a component.
 */
function inlineDefaults(schema: Json, schemas: Record<string, Json>): Json {
  const inline = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(inline);
    if (typeof value !== 'object' || value === null) return value;
    const target = (value as Json)['$ref'];
    if (typeof target === 'string' && target.startsWith(SCHEMA_REF)) {
      const name = target.slice(SCHEMA_REF.length);
      if (holdsDefault(schemas[name], schemas)) {
        const siblings = Object.entries(value).filter(([key]) => key !== '$ref');
        return inline({ ...schemas[name], ...Object.fromEntries(siblings) });
      }
    }
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, inline(child)]));
  };
  return inline(schema) as Json;
}

/** The schemas `paths` uses, directly or through other schemas. */
function usedSchemas(paths: Json, schemas: Record<string, Json>): Set<string> {
  const used = new Set<string>();
  const visit = (names: Set<string>): void => {
    for (const name of names) {
      if (used.has(name)) continue;
      used.add(name);
      visit(refsIn(schemas[name]));
    }
  };
  visit(refsIn(paths));
  return used;
}

/**
 * The document. `errors` is the error table (src/errors.ts); the unit tests
 * give another to check that new errors appear on their routes unaided.
 */
export function openApiDocument(errors: ErrorTable = ERRORS): Json {
  const schemas = requestComponents();
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
            schema: inlineDefaults(ref('BatchRequest'), schemas),
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
      description:
        '`valid: true` means the number is well formed (length, characters, an assigned origin country) and its check ' +
        'character matches: it was not mistyped. It does not mean the number was ever issued, which only the holders of ' +
        'the key can tell (a made-up number passes the check one time in 36). Percent-encoded characters are decoded ' +
        'as UTF-8 first; ASCII lower case is upper-cased, look-alikes (ß, ı, ﬀ) are refused.',
      parameters: [
        {
          name: 'number',
          in: 'path',
          required: true,
          description: 'A tracking number; lower case is accepted. An empty one is no path: 404.',
          schema: { type: 'string' },
          example: EXAMPLE_NUMBER,
        },
      ],
      responses: {
        '200': json('Well formed, with a matching check character (not necessarily issued).', ref('Lookup'), {
          tracking_number: EXAMPLE_NUMBER,
          valid: true,
          origin_country_id: 'MY',
          format: 'opaque',
          generation: '0',
        }),
      },
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
        '200': json('Ready.', ref('Ready'), { status: 'ready', node_id: 0, issuing_seconds_left: 90 }),
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
    const own = operation['responses'] as Record<string, Json>;
    paths[path] = { [method]: { ...operation, responses: answers(own, errorResponses(errors, route), path) } };
    const head = heads[route];
    if (head !== undefined) {
      const headOwn = head['responses'] as Record<string, Json>;
      paths[path]['head'] = { ...head, responses: answers(headOwn, errorResponses(errors, route, true), path) };
    }
  }
  // The schemas that request bodies now hold inline, unless something else still refers to them.
  const used = usedSchemas(paths, schemas);
  for (const name of Object.keys(schemas)) {
    if (!used.has(name) && holdsDefault(schemas[name], schemas)) delete schemas[name];
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
    components: { schemas },
  };
}
