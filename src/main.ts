#!/usr/bin/env node
/**
 * The tracknum command: `tracknum [serve] [options]` serves; keygen, decode,
 * verify and client add are the operator's commands (commands.ts).
 *
 * Standard output carries only results (and the service's JSON log lines).
 * A usage error is one line on standard error and exit status 2; a refusal,
 * `tracknum: CODE: message` on standard error and exit status 1. Stack traces
 * only with --log-level debug (or trace).
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS, type Command } from './commands.js';
import { isTracknumError, TracknumError } from './errors.js';
import { createLogger } from './logger.js';
import { loadConfig, optionsHelp } from './primary/config.js';
import { startPrimary } from './primary/primary.js';
import { COMMIT, VERSION } from './version.js';

/**
 * The worker thread's module, beside this entry point in every layout: the
 * sources (main.ts, worker/worker.ts), the compiled tree and the bundle.
 */
const WORKER_URL = new URL(`./worker/worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

const EXIT_REFUSED = 1;
const EXIT_USAGE = 2;

const TOP_HELP = (): string => {
  const rows = [
    ['serve', 'serve the API: the default ("tracknum --port 8080" is "tracknum serve --port 8080")'],
    ...COMMANDS.map((command) => [command.name, command.summary]),
  ];
  const width = Math.max(...rows.map(([name]) => name!.length), '-h, --help'.length);
  const row = ([name, text]: readonly string[]): string => `  ${name!.padEnd(width)}  ${text}`;
  return [
    'Usage: tracknum [COMMAND] [OPTIONS]',
    '',
    'Unique, unguessable parcel tracking numbers over HTTP.',
    '',
    'Commands:',
    ...rows.map(row),
    '',
    'Options:',
    row(['-h, --help', 'print this help; "tracknum COMMAND --help" prints a command\'s, with its options']),
    row(['--version', 'print the version']),
    '',
  ].join('\n');
};

/** `text` in lines of at most `width` characters, broken between words. */
function wrap(text: string, width = 100): string {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.join('\n');
}

const SERVE_HELP = (): string =>
  'Usage: tracknum [serve] [OPTIONS]\n\n' +
  wrap(
    'Serves GET /next-tracking-number and the rest of the API (readme.md). Every option can also be set by the ' +
      'environment variable beside it; a flag wins.',
  ) +
  `\n\n${optionsHelp()}`;

function commandHelp(command: Command): string {
  return `Usage: ${command.synopsis}\n\n${wrap(command.description)}\n\n${optionsHelp(command.spec)}`;
}

/** The command an argument vector names, and the arguments after its name. */
function findCommand(argv: readonly string[]): { command: Command | 'serve'; rest: string[] } {
  if (argv[0] === 'serve') return { command: 'serve', rest: argv.slice(1) };
  for (const command of COMMANDS) {
    const words = command.name.split(' ');
    if (words.every((word, i) => argv[i] === word)) return { command, rest: argv.slice(words.length) };
  }
  return { command: 'serve', rest: [...argv] };
}

/** Runs the command line; resolves with the exit status, or never for a service that started. */
async function main(argv: readonly string[]): Promise<number> {
  const write = (line: string): void => void process.stdout.write(`${line}\n`);
  if (argv.length === 1 && (argv[0] === '-h' || argv[0] === '--help')) {
    process.stdout.write(TOP_HELP());
    return 0;
  }
  if (argv.length === 1 && argv[0] === '--version') {
    write(`tracknum ${VERSION} (commit ${COMMIT})`);
    return 0;
  }
  if (argv[0] === 'client' && argv[1] !== 'add') {
    if (argv[1] === '-h' || argv[1] === '--help') {
      process.stdout.write(`Usage: tracknum client add NAME [OPTIONS]\n\nSee "tracknum client add --help".\n`);
      return 0;
    }
    throw asUsage(new TracknumError('USAGE', 'tracknum client needs a subcommand: add'), 'client add');
  }
  const { command, rest } = findCommand(argv);
  if (command !== 'serve') {
    const config = withHint(() => loadConfig(rest, process.env, command.spec), command.name);
    if (config === 'help') {
      process.stdout.write(commandHelp(command));
      return 0;
    }
    return withHintAsync(() => command.run(config, write), command.name);
  }
  const config = withHint(() => loadConfig(rest, process.env), 'serve');
  if (config === 'help') {
    process.stdout.write(SERVE_HELP());
    return 0;
  }
  process.env['LOG_LEVEL'] = config.logLevel;
  const log = createLogger({ role: 'primary' });
  let service;
  try {
    service = await startPrimary(config, WORKER_URL, log);
  } catch (error) {
    // The same event in the JSON log as on standard error, for whoever reads only the log.
    const code = isTracknumError(error) ? error.code : 'UNEXPECTED';
    log.fatal({ code, ...(stackWanted() ? { err: error } : {}) }, `start-up failed: ${(error as Error).message}`);
    throw error;
  }
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
  // Only now: whoever waits for this line may send SIGTERM at once, and it must find the handler.
  log.info({ port: service.port, host: config.host, workers: config.workers, nodeId: service.nodeId }, 'ready');
  return new Promise<number>(() => undefined);
}

/** A usage error of `command`, saying where to look for the right way to call it. */
function asUsage(error: unknown, command: string): unknown {
  if (!isTracknumError(error) || error.code !== 'USAGE') return error;
  return new TracknumError('USAGE', `${error.message} (see tracknum ${command} --help)`);
}

function withHint<T>(run: () => T, command: string): T {
  try {
    return run();
  } catch (error) {
    throw asUsage(error, command);
  }
}

async function withHintAsync<T>(run: () => Promise<T>, command: string): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw asUsage(error, command);
  }
}

/** Stack traces are for --log-level debug or trace (flag or LOG_LEVEL), even when the configuration did not load. */
function stackWanted(): boolean {
  const argv = process.argv.slice(2);
  const at = argv.findIndex((arg) => arg === '--log-level' || arg.startsWith('--log-level='));
  const level = at < 0 ? process.env['LOG_LEVEL'] : (argv[at]!.split('=')[1] ?? argv[at + 1]);
  return level === 'debug' || level === 'trace';
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    const code = isTracknumError(error) ? error.code : 'UNEXPECTED';
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`tracknum: ${code}: ${message}\n`);
    if (stackWanted() && error instanceof Error && error.stack !== undefined) process.stderr.write(`${error.stack}\n`);
    // Not exitCode: a service that failed half-way may hold worker threads that would keep the process alive.
    process.exit(code === 'USAGE' ? EXIT_USAGE : EXIT_REFUSED);
  },
);
