/**
 * Entry point: `node dist/main.js [options]` (see --help).
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isTracknumError } from './errors.js';
import { createLogger } from './logger.js';
import { helpText, loadConfig } from './primary/config.js';
import { startPrimary } from './primary/primary.js';

// The worker thread's module, relative to this entry module: src/worker/worker.ts under tsx,
// dist/worker/worker.js when compiled, worker/worker.js next to the bundle's main.js (into which
// the rest of the primary's modules are inlined, so only the entry module knows where it is).
const WORKER_URL = new URL(`./worker/worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

async function main(): Promise<void> {
  const config = loadConfig(process.argv.slice(2), process.env);
  if (config === 'help') {
    process.stdout.write(helpText());
    return;
  }
  process.env['LOG_LEVEL'] = config.logLevel;
  const log = createLogger({ role: 'primary' });
  const service = await startPrimary(config, log, WORKER_URL);
  const stop = (signal: NodeJS.Signals): void => {
    log.info({ signal }, 'signal received');
    service.shutdown().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => {
        log.fatal({ err: error }, 'shutdown failed');
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  // One clear line on stderr for the operator, and the same event in the JSON log.
  const code = isTracknumError(error) ? error.code : 'UNEXPECTED';
  process.stderr.write(`tracknum: ${code}: ${(error as Error).message}\n`);
  createLogger({ role: 'primary' }).fatal({ code, err: error }, 'start-up failed');
  process.exit(1);
});
