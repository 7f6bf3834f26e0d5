/**
 * The ceiling: a bare uWebSockets.js server, one App per worker thread on the
 * same port (like the service), answering GET /next-tracking-number with a
 * constant JSON body of the service's size and the same headers, without
 * looking at the query. Nothing can answer faster on this stack.
 *
 * PORT (required), WORKERS (default: cores). Prints {"msg":"ready","port":N}.
 * On SIGTERM the workers close their listening sockets and the process ends
 * once they have exited, so that `node --cpu-prof` writes every thread's profile.
 */
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { loadUws } from '../../src/worker/uws.js';
import { spawnWorker } from '../../src/primary/spawnWorker.js';

/** A real answer of the service, so both send the same number of bytes. */
const BODY =
  '{"tracking_number":"MY0VAI9UVZYT5OGK","created_at":"2026-11-25T16:33:52.586Z","order":{"origin_country_id":"MY",' +
  '"destination_country_id":"ID","weight":"1.234","created_at":"2018-11-20T19:29:32+08:00",' +
  '"customer_id":"de619854-b59b-425e-9db4-943979e1bd49","customer_name":"RedBox Logistics","customer_slug":"redbox-logistics"}}';

interface Settings {
  port: number;
}

if (isMainThread) {
  const port = Number(process.env['PORT']);
  const workers = Number(process.env['WORKERS'] ?? availableParallelism());
  if (!Number.isInteger(port) || port <= 0) throw new Error('PORT must be set to a free port');
  let listening = 0;
  const threads: ReturnType<typeof spawnWorker>[] = [];
  for (let i = 0; i < workers; i++) {
    const worker = spawnWorker(new URL(import.meta.url), { workerData: { port } satisfies Settings });
    worker.on('message', () => {
      if (++listening === workers) console.log(JSON.stringify({ msg: 'ready', port, workers }));
    });
    worker.on('error', (error) => {
      console.error(error);
      process.exit(1);
    });
    threads.push(worker);
  }
  process.once('SIGTERM', () => {
    for (const worker of threads) worker.postMessage('stop');
  });
} else {
  const { port } = workerData as Settings;
  const uws = loadUws();
  uws
    .App()
    .get('/next-tracking-number', (res) => {
      res.writeHeader('Content-Type', 'application/json').writeHeader('Cache-Control', 'no-store').end(BODY);
    })
    .listen('127.0.0.1', port, (socket) => {
      if (!socket) throw new Error(`could not listen on ${port}`);
      parentPort?.postMessage('listening');
      parentPort?.once('message', () => {
        uws.us_listen_socket_close(socket);
        parentPort?.unref();
      });
    });
}
