/**
 * Configuration from environment variables and matching command-line flags
 * (a flag wins over its variable). Every problem is reported at once, and an
 * invalid configuration stops start-up.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { MAX_NODE_ID } from '../core/layout.js';
import { TracknumError } from '../errors.js';

export interface Config {
  port: number;
  host: string;
  workers: number;
  nodeId: number;
  stateDir: string;
  reserveSeconds: number;
  logLevel: string;
}

interface Setting {
  flag: string;
  env: string;
  describe: string;
  default: (env: NodeJS.ProcessEnv) => string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const SETTINGS = {
  port: { flag: 'port', env: 'PORT', describe: 'TCP port to serve on (0 picks a free one)', default: () => '3000' },
  host: { flag: 'host', env: 'HOST', describe: 'address to bind', default: () => '0.0.0.0' },
  workers: {
    flag: 'workers',
    env: 'WORKERS',
    describe: 'HTTP worker threads',
    default: () => String(availableParallelism()),
  },
  nodeId: {
    flag: 'node-id',
    env: 'NODE_ID',
    describe: `node ID of this instance, 0..${MAX_NODE_ID}; unique per instance`,
    default: () => '0',
  },
  stateDir: {
    flag: 'state-dir',
    env: 'STATE_DIR',
    describe: 'directory for the lock and the high-water mark (systemd: $STATE_DIRECTORY)',
    default: (env) => env['STATE_DIRECTORY'] ?? './state',
  },
  reserveSeconds: {
    flag: 'reserve-seconds',
    env: 'RESERVE_SECONDS',
    describe: 'seconds reserved (and persisted) ahead of the wall clock',
    default: () => '10',
  },
  logLevel: { flag: 'log-level', env: 'LOG_LEVEL', describe: LOG_LEVELS.join(' | '), default: () => 'info' },
} as const satisfies Record<keyof Config, Setting>;

export function helpText(env: NodeJS.ProcessEnv = process.env): string {
  const lines = Object.values(SETTINGS).map(
    (s) => `  --${s.flag.padEnd(16)} ${s.env.padEnd(16)} ${s.describe} (default: ${s.default(env)})`,
  );
  return [
    'Usage: tracknum [options]',
    '',
    'Serves GET /next-tracking-number. Every option can also be set by the environment variable beside it.',
    '',
    '  flag               variable         meaning',
    ...lines,
    '  --help                              print this help',
    '',
  ].join('\n');
}

/** Returns the configuration, or `'help'` when --help was asked for. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): Config | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(Object.values(SETTINGS).map((s) => [s.flag, { type: 'string' as const }]));
    values = parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean' } }, strict: true }).values;
  } catch (error) {
    throw new TracknumError('CONFIG_INVALID', `invalid configuration: ${(error as Error).message} (see --help)`);
  }
  if (values['help'] === true) return 'help';

  const problems: string[] = [];
  const raw = (key: keyof Config): { text: string; name: string } => {
    const s = SETTINGS[key];
    const flagValue = values[s.flag];
    if (typeof flagValue === 'string') return { text: flagValue, name: `--${s.flag}` };
    const envValue = env[s.env];
    if (envValue !== undefined && envValue !== '') return { text: envValue, name: s.env };
    return { text: s.default(env), name: s.env };
  };
  const integer = (key: keyof Config, min: number, max: number): number => {
    const { text, name } = raw(key);
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
      return min;
    }
    return Number(text);
  };

  const config: Config = {
    port: integer('port', 0, 65535),
    host: raw('host').text,
    workers: integer('workers', 1, 256),
    nodeId: integer('nodeId', 0, MAX_NODE_ID),
    stateDir: raw('stateDir').text,
    reserveSeconds: integer('reserveSeconds', 5, 3600),
    logLevel: raw('logLevel').text,
  };
  if (!LOG_LEVELS.includes(config.logLevel)) {
    problems.push(
      `${raw('logLevel').name} must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(config.logLevel)}`,
    );
  }
  if (problems.length > 0) {
    throw new TracknumError('CONFIG_INVALID', `invalid configuration: ${problems.join('; ')}`, { problems });
  }
  return config;
}
