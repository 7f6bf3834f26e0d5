/**
 * `npm run bench:handler -- [options] [CHECKOUT...]`: the whole GET handler
 * (or the batch handler), in process, as registerRoutes() builds it, called
 * with a stand-in uWS request and response: CPU per request of everything a
 * worker's JavaScript does for it, without the network, the kernel and uWS's
 * native side. This checkout is measured with each other checkout (its src/
 * loaded through tsx, so none needs a build), each in its own process, taking
 * turns round by round; the differences are paired by round.
 *
 * End to end (bench:paired) the spread between rounds is about ±1 µs per
 * request on a quiet machine and ±5 µs on a busy one; here it is tens of
 * nanoseconds, so a change to the handler's code shows even when it is small.
 *
 *   --rounds N      rounds (default 8)
 *   --batch OxP     the batch handler with O orders of P parcels (figures per number)
 *   --format F      opaque (default) or sequential
 *
 * e.g. `npm run bench:handler -- /tmp/baseline` after `git worktree add /tmp/baseline <commit>`
 * (node_modules linked from this checkout).
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as routes from '../../src/worker/routes.js';
import type * as allocator from '../../src/core/allocator.js';
import type * as numberFormat from '../../src/core/numberFormat.js';
import type * as metrics from '../../src/metrics.js';
import type * as replies from '../../src/worker/replies.js';
import type * as controlBlock from '../../src/core/controlBlock.js';
import type * as logicalClock from '../../src/core/logicalClock.js';
import type * as layout from '../../src/core/layout.js';
import type * as bodyBudget from '../../src/core/bodyBudget.js';
import type { BodyBudget } from '../../src/core/bodyBudget.js';
import type { Logger } from '../../src/logger.js';
import { batchBody } from '../lib/batches.js';
import { median, quartiles } from '../lib/stats.js';
import { EXAMPLE_QUERY } from './issuing.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

interface Shape {
  format: 'opaque' | 'sequential';
  batch?: { orders: number; parcelsPerOrder: number };
}

function usage(message: string): never {
  console.error(
    `bench:handler: ${message}\nusage: npm run bench:handler -- [--rounds N] [--batch OxP] [--format opaque|sequential] [CHECKOUT...]`,
  );
  process.exit(2);
}

// ---- The child: one checkout, one measurement, printed as ns per number. ----

/** Calls of the handler per measurement, and measurements per child (the fastest half is kept). */
const CALLS_NUMBERS = 400_000;
const MEASUREMENTS = 9;

async function measureCheckout(checkout: string, shape: Shape): Promise<number> {
  // Typed as this checkout's modules: the ones measured must keep these shapes.
  const load = <Module>(path: string): Promise<Module> => import(`${checkout}/src/${path}`) as Promise<Module>;
  const { registerRoutes } = await load<typeof routes>('worker/routes.ts');
  const { Allocator, NUMBERS_PER_BLOCK } = await load<typeof allocator>('core/allocator.ts');
  const { OpaqueEncoder, sequentialEncoder } = await load<typeof numberFormat>('core/numberFormat.ts');
  const { createMetricsBuffer, WorkerMetrics } = await load<typeof metrics>('metrics.ts');
  const { Replies } = await load<typeof replies>('worker/replies.ts');
  const { createControlBlock, writeGeneration, writeLimit, writeNodeId } =
    await load<typeof controlBlock>('core/controlBlock.ts');
  const { advanceClockTo } = await load<typeof logicalClock>('core/logicalClock.ts');
  const { secondOf } = await load<typeof layout>('core/layout.ts');
  // Older checkouts have no body budget; the context's member is then unused.
  const budget = await load<typeof bodyBudget>('core/bodyBudget.ts').catch(() => undefined);

  // Issuing, with seconds reserved far ahead: no 503 in a benchmark.
  const control = createControlBlock();
  const now = secondOf(Date.now());
  writeLimit(control, now + 1_000_000);
  advanceClockTo(control, now);
  writeNodeId(control, 7);
  writeGeneration(control, 1);

  const handlers = new Map<string, (res: unknown, req: unknown) => void>();
  // A stand-in uWS app: every method registers a handler and returns the app, as uWS's do.
  const app: object = new Proxy(
    {},
    {
      get: (_, method: string) => (pattern: string, handler: (res: unknown, req: unknown) => void) => {
        handlers.set(`${method} ${pattern}`, handler);
        return app;
      },
    },
  );
  const silent = { info() {}, warn() {}, error() {} };
  registerRoutes(app as Parameters<typeof registerRoutes>[0], {
    control,
    allocator: new Allocator(control),
    encoder:
      shape.format === 'opaque'
        ? new OpaqueEncoder({ generation: 0, key: new Uint8Array(32).fill(7) }, NUMBERS_PER_BLOCK)
        : sequentialEncoder(),
    counters: new WorkerMetrics(createMetricsBuffer(), 1),
    bodyBudget: (budget === undefined
      ? undefined
      : new budget.BodyBudget(budget.createBodyBudget(64 << 20, 1), 0)) as BodyBudget,
    metrics: () => '',
    openApi: '{}',
    replies: new Replies(control),
    log: silent as unknown as Logger,
    logRequests: false,
  });

  // The headers wrk sends.
  const body = shape.batch === undefined ? undefined : new TextEncoder().encode(batchBody(shape.batch)).buffer;
  const headers: Record<string, string> = {
    host: 'localhost:3000',
    ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(body.byteLength) }),
  };
  const req = {
    getQuery: () => EXAMPLE_QUERY,
    getHeader: (name: string) => headers[name] ?? '',
    forEach: (visit: (name: string, value: string) => void) => {
      for (const name in headers) visit(name, headers[name]!);
    },
    getMethod: () => (body === undefined ? 'get' : 'post'),
    getUrl: () => (body === undefined ? '/next-tracking-number' : '/tracking-numbers'),
    getParameter: () => '',
  };
  let status = '200 OK';
  let answer = '';
  const res = {
    cork(write: () => void) {
      write();
      return res;
    },
    writeStatus(text: string) {
      status = text;
      return res;
    },
    writeHeader: () => res,
    end(text: string) {
      answer = text;
      return res;
    },
    endWithoutBody: () => res,
    close: () => res,
    onAborted: () => res,
    onWritable: () => res,
    // The whole body in one chunk, at once.
    onData(receive: (chunk: ArrayBuffer, isLast: boolean) => void) {
      receive(body!.slice(0), true);
      return res;
    },
  };
  const handler = handlers.get(body === undefined ? 'get /next-tracking-number' : 'post /tracking-numbers');
  if (handler === undefined) throw new Error(`${checkout}: no handler registered for the route`);
  const perCall = shape.batch === undefined ? 1 : shape.batch.orders * shape.batch.parcelsPerOrder;
  const calls = Math.max(100, Math.round(CALLS_NUMBERS / perCall));

  handler(res, req);
  if (!status.startsWith('200') || !answer.includes('tracking_number')) {
    throw new Error(`${checkout}: the handler answered ${status}: ${answer.slice(0, 200)}`);
  }
  const figures: number[] = [];
  for (let measurement = 0; measurement < MEASUREMENTS; measurement++) {
    const before = process.cpuUsage();
    for (let call = 0; call < calls; call++) handler(res, req);
    const used = process.cpuUsage(before);
    figures.push(((used.user + used.system) * 1000) / (calls * perCall));
  }
  if (!status.startsWith('200')) throw new Error(`${checkout}: the handler answered ${status} under load`);
  // The fastest half: the first measurements warm up, and a GC or a neighbour only ever adds time.
  figures.sort((a, b) => a - b);
  return median(figures.slice(0, Math.ceil(MEASUREMENTS / 2)));
}

// ---- The parent: rounds over the checkouts, each in a fresh process. ----

function parseShape(args: string[]): { rounds: number; shape: Shape; checkouts: string[] } {
  let rounds = 8;
  const shape: Shape = { format: 'opaque' };
  const checkouts: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = (): string => args[++i] ?? usage(`${arg} needs a value`);
    if (arg === '--rounds') rounds = Number(value());
    else if (arg === '--format') {
      const format = value();
      if (format !== 'opaque' && format !== 'sequential') usage(`--format: opaque or sequential, not ${format}`);
      shape.format = format;
    } else if (arg === '--batch') {
      const match = /^([0-9]+)x([0-9]+)$/.exec(value());
      if (match === null) usage('--batch takes OxP, e.g. 1000x1');
      shape.batch = { orders: Number(match[1]), parcelsPerOrder: Number(match[2]) };
    } else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
    else checkouts.push(resolve(arg));
  }
  if (!Number.isInteger(rounds) || rounds < 1) usage('--rounds must be a positive integer');
  return { rounds, shape, checkouts };
}

function runChild(checkout: string, shape: Shape): number {
  const out = execFileSync(process.execPath, ['--import', 'tsx', SELF, '--child', checkout, JSON.stringify(shape)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return Number(out.trim());
}

async function main(args: string[]): Promise<void> {
  if (args[0] === '--child') {
    console.log(await measureCheckout(args[1]!, JSON.parse(args[2]!) as Shape));
    return;
  }
  const { rounds, shape, checkouts } = parseShape(args);
  const all = [ROOT.replace(/\/$/, ''), ...checkouts];
  const figures = all.map((): number[] => []);
  for (let round = 0; round < rounds; round++) {
    // Taking turns: who goes first alternates, so that a drift favours nobody.
    const order = all.map((_, index) => index);
    if (round % 2 === 1) order.reverse();
    for (const index of order) figures[index]!.push(runChild(all[index]!, shape));
    console.error(`  round ${round + 1}/${rounds}: ${figures.map((f) => f.at(-1)!.toFixed(0)).join(' / ')} ns`);
  }
  const ns = (value: number): string => `${value.toFixed(0)} ns`;
  const what =
    shape.batch === undefined
      ? `GET /next-tracking-number (the example order)`
      : `POST /tracking-numbers, ${shape.batch.orders} orders of ${shape.batch.parcelsPerOrder} parcels (per number)`;
  console.log(
    `${rounds} rounds, ${shape.format} numbers, ${what}; CPU ns per ${shape.batch === undefined ? 'request' : 'number'}, the handler in process. Figures: median [quartiles] (lowest..highest) over the rounds; differences paired by round.\n`,
  );
  console.log("| checkout | CPU | minus this checkout's, same round |\n|---|--:|--:|");
  all.forEach((checkout, index) => {
    const own = figures[index]!;
    const difference = own.map((value, round) => value - figures[0]![round]!);
    console.log(
      `| ${index === 0 ? `${checkout} (this)` : checkout} | ${quartiles(own, ns)} | ${index === 0 ? '' : quartiles(difference, ns)} |`,
    );
  });
}

await main(process.argv.slice(2));
