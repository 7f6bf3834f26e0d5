/**
 * BENCHMARK FIXTURE, not product code: the same API written the way a typical
 * Node team would, to compare against. Fastify with its JSON-schema querystring
 * validation (Ajv with formats, an enum of the assigned country codes,
 * patterns), a response schema (fast-json-stringify), node:cluster workers,
 * and a Snowflake-style BigInt id (milliseconds, worker, sequence) in base 36.
 *
 * Its schemas are tracknum's own, taken from the OpenAPI document (the
 * query parameters and the answer's schema): the same rules as far as JSON
 * Schema goes (no calendar check of created_at, no duplicate-parameter or
 * percent-encoding checks). Its ids are unique per process only: it is here
 * for speed.
 *
 * PORT (required), WORKERS (default: cores). Prints {"msg":"ready","port":N}.
 */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import Fastify from 'fastify';
import { openApiDocument } from '../../src/api/openapi.js';

const port = Number(process.env['PORT']);
const workers = Number(process.env['WORKERS'] ?? availableParallelism());
if (!Number.isInteger(port) || port <= 0) throw new Error('PORT must be set to a free port');

if (cluster.isPrimary) {
  let listening = 0;
  cluster.on('listening', () => {
    if (++listening === workers) console.log(JSON.stringify({ msg: 'ready', port, workers }));
  });
  cluster.on('exit', (worker, code) => {
    console.error(`fastify worker ${worker.id} exited with ${code}`);
    process.exit(1);
  });
  for (let i = 0; i < workers; i++) cluster.fork();
} else {
  startWorker(cluster.worker?.id ?? 1);
}

/** Snowflake: 2025-01-01 epoch milliseconds << 22 | worker (10 bits) << 12 | sequence (12 bits). */
function snowflakeGenerator(workerId: number): () => bigint {
  const epoch = Date.UTC(2025, 0, 1);
  let lastMs = -1;
  let sequence = 0;
  return () => {
    let ms = Date.now() - epoch;
    if (ms === lastMs) {
      sequence = (sequence + 1) & 0xfff;
      if (sequence === 0) while ((ms = Date.now() - epoch) <= lastMs); // 4096 used in this ms: wait for the next
    } else {
      sequence = 0;
    }
    lastMs = ms;
    return (BigInt(ms) << 22n) | (BigInt(workerId & 0x3ff) << 12n) | BigInt(sequence);
  };
}

type Json = Record<string, unknown>;

/** `schema` with every `#/components/schemas/...` reference of the document replaced by what it names. */
function inline(schema: unknown, components: Record<string, unknown>): unknown {
  if (Array.isArray(schema)) return schema.map((item) => inline(item, components));
  if (typeof schema !== 'object' || schema === null) return schema;
  const ref = (schema as Json)['$ref'];
  if (typeof ref === 'string') return inline(components[ref.replace('#/components/schemas/', '')], components);
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, inline(value, components)]));
}

/** The query string and answer schemas of GET /next-tracking-number, from tracknum's OpenAPI document. */
function schemasFromOpenApi(): { querystring: Json; response: Json } {
  const document = openApiDocument() as {
    paths: Record<string, Record<string, { parameters: Json[]; responses: Record<string, Json> }>>;
    components: { schemas: Record<string, unknown> };
  };
  const operation = document.paths['/next-tracking-number']!['get']!;
  const querystring = {
    type: 'object',
    required: operation.parameters.filter((p) => p['required'] === true).map((p) => p['name']),
    properties: Object.fromEntries(
      operation.parameters.map((p): [string, unknown] => [p['name'] as string, p['schema']]),
    ),
  };
  const issued = operation.responses['200'] as { content: { 'application/json': { schema: unknown } } };
  const response = { 200: inline(issued.content['application/json'].schema, document.components.schemas) as Json };
  return { querystring, response };
}

function startWorker(workerId: number): void {
  const nextId = snowflakeGenerator(workerId);
  const app = Fastify({ logger: false });
  const { querystring, response } = schemasFromOpenApi();

  app.get<{ Querystring: Record<string, string> }>(
    '/next-tracking-number',
    { schema: { querystring, response } },
    async (request, reply) => {
      const query = request.query;
      const body = nextId().toString(36).toUpperCase().padStart(14, '0');
      reply.header('cache-control', 'no-store');
      return {
        tracking_number: `${query['origin_country_id']}${body}`,
        created_at: new Date().toISOString(),
        order: query,
      };
    },
  );
  app.listen({ port, host: '127.0.0.1' }).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
