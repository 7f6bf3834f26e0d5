/**
 * BENCHMARK FIXTURE, not product code: the same API written the way a typical
 * Node team would, to compare against. Fastify with its JSON-schema querystring
 * validation (Ajv with formats, an enum of the assigned country codes,
 * patterns), a response schema (fast-json-stringify), node:cluster workers,
 * and a Snowflake-style BigInt id (milliseconds, worker, sequence) in base 36.
 *
 * It validates the same parameters with the closest rules JSON Schema gives
 * (no calendar check of created_at, no duplicate-parameter or percent-encoding
 * checks), and its ids are unique per process only: it is here for speed.
 *
 * PORT (required), WORKERS (default: cores). Prints {"msg":"ready","port":N}.
 */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import Fastify from 'fastify';
import { isAssignedCountryCode } from '../../src/validation/countryCodes.js';

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

function startWorker(workerId: number): void {
  const nextId = snowflakeGenerator(workerId);
  const app = Fastify({ logger: false });
  // The same codes as tracknum's, as the enum a JSON-schema user would write.
  const letters = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
  const assigned = letters.flatMap((first) => letters.map((second) => first + second)).filter(isAssignedCountryCode);
  const countryCode = { type: 'string', enum: assigned } as const;
  const querystring = {
    type: 'object',
    required: [
      'origin_country_id',
      'destination_country_id',
      'weight',
      'created_at',
      'customer_id',
      'customer_name',
      'customer_slug',
    ],
    properties: {
      origin_country_id: countryCode,
      destination_country_id: countryCode,
      weight: {
        type: 'string',
        pattern: '^(?!0(?:\\.0{1,3})?$)(?:(?:0|[1-9][0-9]{0,2})(?:\\.[0-9]{1,3})?|1000(?:\\.0{1,3})?)$',
      },
      created_at: { type: 'string', format: 'date-time' },
      customer_id: { type: 'string', format: 'uuid' },
      customer_name: {
        type: 'string',
        minLength: 1,
        maxLength: 200,
        pattern: '^(?=[\\s\\S]*\\S)[^\\u0000-\\u001F\\u007F-\\u009F]+$',
      },
      customer_slug: { type: 'string', maxLength: 200, pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$' },
    },
  } as const;
  const order = { type: 'object', properties: querystring.properties } as const;
  const response = {
    200: {
      type: 'object',
      properties: { tracking_number: { type: 'string' }, created_at: { type: 'string' }, order },
    },
  } as const;

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
