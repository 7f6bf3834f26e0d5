/**
 * A worker thread: one uWS app listening on the shared port (the kernel
 * spreads connections over the threads with SO_REUSEPORT), drawing numbers
 * from the shared control block.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openApiDocument } from '../api/openapi.js';
import { Allocator, NUMBERS_PER_BLOCK } from '../core/allocator.js';
import { BodyBudget } from '../core/bodyBudget.js';
import { viewControlBlock } from '../core/controlBlock.js';
import { monotonicMs } from '../core/monotonicClock.js';
import { OpaqueEncoder, sequentialEncoder } from '../core/numberFormat.js';
import { ClientAccess } from '../clients/access.js';
import { Quotas } from '../clients/quotas.js';
import { ClientCounters, renderMetrics, WorkerMetrics } from '../metrics.js';
import { createLogger } from '../logger.js';
import type { PrimaryToWorker, WorkerSettings, WorkerToPrimary } from '../messages.js';
import { Replies } from './replies.js';
import { registerRoutes } from './routes.js';
import { loadUws, type ListenSocket } from './uws.js';

const settings = workerData as WorkerSettings;
const port = parentPort;
if (port === null) throw new Error('worker.ts must run in a worker thread');
const tell = (message: WorkerToPrimary): void => port.postMessage(message);

const log = createLogger({ role: 'worker', worker: settings.workerIndex });
const uws = loadUws();
const control = viewControlBlock(settings.control);
const app = uws.App();
const bodyBudget = new BodyBudget(settings.bodyBudget, settings.workerIndex);
const counters = new WorkerMetrics(settings.counters, settings.workerIndex);
counters.startSampling();
const format = settings.numberKey === undefined ? 'sequential' : 'opaque';
const clients = settings.clients;
registerRoutes(app, {
  control,
  allocator: new Allocator(control),
  encoder:
    settings.numberKey === undefined ? sequentialEncoder() : new OpaqueEncoder(settings.numberKey, NUMBERS_PER_BLOCK),
  counters,
  bodyBudget,
  metrics: () =>
    renderMetrics(settings.counters, {
      control,
      bodyBudget,
      workers: settings.workers,
      wallMs: Date.now(),
      monotonicMs: monotonicMs(),
      format,
      port: settings.port,
      ...(clients === undefined
        ? {}
        : { clients: { names: clients.grants.map((grant) => grant.name), counters: clients.counters } }),
    }),
  openApi: JSON.stringify(openApiDocument()),
  replies: new Replies(control),
  log,
  logRequests: settings.logRequests,
  ...(clients === undefined
    ? {}
    : {
        clients: {
          access: new ClientAccess(clients.grants),
          quotas: new Quotas(clients.quotas, clients.policies),
          counters: new ClientCounters(clients.counters, clients.grants.length, settings.workerIndex),
        },
      }),
});

let listenSocket: ListenSocket | false = false;
app.listen(settings.host, settings.port, (socket) => {
  listenSocket = socket;
  tell(
    socket
      ? { type: 'listening' }
      : { type: 'listen-failed', message: `could not listen on ${settings.host}:${settings.port}` },
  );
});

port.on('message', (message: PrimaryToWorker) => {
  if (message.type === 'drain') {
    // Handlers are synchronous, so once this runs no request is half done.
    // Open keep-alive connections get their next answer with the connection
    // closed (the control block says the instance drains), and idle ones are
    // closed by uWS's idle timeout; the thread exits when the last one is gone.
    if (listenSocket) uws.us_listen_socket_close(listenSocket);
    listenSocket = false;
    tell({ type: 'drained' });
    port.unref();
  }
});
