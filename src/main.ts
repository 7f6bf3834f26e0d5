/**
 * Entry point: `node dist/main.js [options]` serves; `node dist/main.js
 * keygen | decode | verify` are the operator's commands (commands.ts). See --help.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS, decode, isCommand, keygen, verify } from './commands.js';
import { isTracknumError, TracknumError } from './errors.js';
import { createLogger } from './logger.js';
import { helpText, loadConfig } from './primary/config.js';
import { startPrimary } from './primary/primary.js';

/**
 * The worker thread's module, beside this entry point in every layout: the
 * sources (main.ts, worker/worker.ts), the compiled tree and the bundle.
 */
const WORKER_URL = new URL(`./worker/worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const command = isCommand(argv[0]) ? argv[0] : undefined;
  if (command === 'keygen') {
    process.stdout.write(keygen(argv.slice(1)));
    return;
  }
  const config = loadConfig(command === undefined ? argv : argv.slice(1), process.env);
  if (config === 'help') {
    process.stdout.write(helpText());
    return;
  }
  if (command === 'decode') {
    const decoded = await decode(config, (line) => process.stdout.write(`${line}\n`));
    process.exitCode = decoded ? 0 : 1;
    return;
  }
  if (command === 'verify') {
    process.stdout.write(`${await verify(config)}\n`);
    return;
  }
  if (config.operands.length > 0) {
    throw new TracknumError(
      'CONFIG_INVALID',
      `unexpected argument ${JSON.stringify(config.operands[0])} (commands: ${COMMANDS.join(', ')}; see --help)`,
    );
  }
  process.env['LOG_LEVEL'] = config.logLevel;
  const log = createLogger({ role: 'primary' });
  const service = await startPrimary(config, WORKER_URL, log);
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
