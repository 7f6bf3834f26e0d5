/**
 * Micro-benchmarks of the hot path's pieces: per thread, and with every
 * thread drawing from one control block at once. Run alone with
 * `npm run bench:micro`; `npm run bench` includes them.
 */
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { spawnWorker } from '../../src/primary/spawnWorker.js';
import type { BenchmarkThreadData, Loop } from './benchmarkThread.js';
import { issuingControlBlock } from './issuing.js';

export interface MicroResult {
  name: string;
  threads: number;
  /** Calls per second, all threads together. */
  perSecond: number;
}

export async function runMicroBenchmarks(threads: number, durationMs: number): Promise<MicroResult[]> {
  const results: MicroResult[] = [];
  const measure = async (name: string, loop: Loop, count: number): Promise<void> => {
    results.push({ name, threads: count, perSecond: await runThreads(loop, count, durationMs) });
  };
  await measure('allocator: next()', 'allocator', 1);
  await measure('sequential encoding + check character', 'encoding-sequential', 1);
  await measure('opaque encoding (FF1, batches of 256) + check character', 'encoding-opaque', 1);
  await measure('allocator + sequential encoding (one whole number)', 'issuing-sequential', 1);
  await measure('allocator + opaque encoding (one whole number)', 'issuing-opaque', 1);
  await measure('validation of one query (parse, decode, typia)', 'validation', 1);
  await measure('allocator: next(), threads contending', 'allocator', threads);
  await measure('allocator + opaque encoding, threads contending', 'issuing-opaque', threads);
  return results;
}

/** `count` threads running `loop` at the same time on one control block; their rates summed. */
async function runThreads(loop: Loop, count: number, durationMs: number): Promise<number> {
  const signal = new SharedArrayBuffer(8);
  const flags = new Int32Array(signal);
  const data: BenchmarkThreadData = { loop, control: issuingControlBlock().buffer, signal, durationMs };
  const workers = Array.from({ length: count }, () =>
    spawnWorker(new URL('./benchmarkThread.ts', import.meta.url), { workerData: data }),
  );
  const rates = workers.map(
    (worker) =>
      new Promise<number>((resolve, reject) => {
        worker.once('message', (rate: number) => resolve(rate));
        worker.once('error', reject);
      }),
  );
  while (Atomics.load(flags, 0) < count) await new Promise((resolve) => setTimeout(resolve, 10));
  Atomics.store(flags, 1, 1);
  Atomics.notify(flags, 1);
  const total = (await Promise.all(rates)).reduce((sum, rate) => sum + rate, 0);
  await Promise.all(workers.map((worker) => worker.terminate()));
  return total;
}

export function formatMicroTable(results: readonly MicroResult[]): string {
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${r.threads} | ${formatRate(r.perSecond)} | ${(1e9 / (r.perSecond / r.threads)).toFixed(0)} ns |`,
  );
  return [
    '| piece | threads | per second (all threads) | time per call, per thread |',
    '|---|--:|--:|--:|',
    ...rows,
  ].join('\n');
}

function formatRate(perSecond: number): string {
  return perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(1)} M` : `${(perSecond / 1e3).toFixed(0)} k`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const threads = Number(process.env['WORKERS'] ?? availableParallelism());
  const durationMs = Number(process.env['BENCH_MICRO_MS'] ?? 1000);
  console.log(formatMicroTable(await runMicroBenchmarks(threads, durationMs)));
}
