/**
 * Configuration from environment variables and matching command-line flags
 * (a flag wins over its variable). Every problem is reported at once, and an
 * invalid configuration stops start-up.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_BODY_BUDGET_BYTES } from '../core/bodyBudget.js';
import { NUMBER_FORMATS, type NumberFormat } from '../core/numberFormat.js';
import { MAX_NODE_ID } from '../core/layout.js';
import { MIN_LEASE_TTL_SECONDS } from '../core/leaseTiming.js';
import type { ClientsFileSetting } from '../clients/clientsFile.js';
import { TracknumError } from '../errors.js';
import { MAX_WORKERS } from '../metrics.js';
import type { EtcdSettings } from '../nodeIds/etcd.js';

export interface Config {
  port: number;
  host: string;
  workers: number;
  /** Embedded mode only. */
  nodeId: number;
  /** Embedded mode only. */
  stateDir: string;
  reserveSeconds: number;
  /** Bytes of request bodies all workers may hold in memory at once (the body budget; set in MiB). */
  bodyMemoryBudgetBytes: number;
  /** Seconds between SIGTERM (readiness false) and closing the listeners. */
  shutdownDelaySeconds: number;
  logLevel: string;
  logRequests: boolean;
  numberFormat: NumberFormat;
  /** The tracking-number key file; absent, an instance that runs alone keeps its own key in the state directory. */
  keyFile?: string;
  /** The clients file (clients/clientsFile.ts), if one is configured. */
  clientsFile?: ClientsFileSetting;
  /** Arguments after the options: the numbers of `tracknum decode`. */
  operands: string[];
  /** The values of the command's own options (keygen --out, ...), by name. */
  options: Readonly<Record<string, string>>;
  /** Present when ETCD_ENDPOINTS is set: node IDs and high-water marks then come from etcd. */
  etcd?: EtcdSettings;
}

interface Setting {
  flag: string;
  env: string;
  /** What the flag's value is, in help: N, FILE, ... */
  value: string;
  describe: string;
  /** The default, as help prints it; '' when there is none. */
  default: (env: NodeJS.ProcessEnv) => string;
}

/** Bytes in a MiB, the unit of BODY_MEMORY_BUDGET. */
const MIB = 1024 * 1024;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
/**
 * The reserve with etcd: issuing goes on for about this long when etcd is
 * unreachable (the reservation is kept topped up), so it rides out an outage
 * of a minute with room to spare.
 */
const ETCD_RESERVE_SECONDS = 90;

/** The name of the key in systemd's credentials directory (LoadCredential=tracking-number-key:...). */
const KEY_CREDENTIAL = 'tracking-number-key';
/** The clients file's name there (LoadCredential=tracknum-clients:...); optional. */
const CLIENTS_CREDENTIAL = 'tracknum-clients';

const SETTINGS = {
  port: {
    flag: 'port',
    env: 'PORT',
    value: 'N',
    describe: 'TCP port to serve on (0 picks a free one)',
    default: () => '3000',
  },
  host: { flag: 'host', env: 'HOST', value: 'ADDRESS', describe: 'address to bind', default: () => '0.0.0.0' },
  workers: {
    flag: 'workers',
    env: 'WORKERS',
    value: 'N',
    describe: 'HTTP worker threads',
    default: () => String(availableParallelism()),
  },
  nodeId: {
    flag: 'node-id',
    env: 'NODE_ID',
    value: 'N',
    describe: `node ID of this instance, 0..${MAX_NODE_ID}; unique per instance`,
    default: () => '0',
  },
  stateDir: {
    flag: 'state-dir',
    env: 'STATE_DIR',
    value: 'DIR',
    describe: 'directory for the lock and the high-water mark (systemd: $STATE_DIRECTORY)',
    default: (env) => env['STATE_DIRECTORY'] ?? './state',
  },
  reserveSeconds: {
    flag: 'reserve-seconds',
    env: 'RESERVE_SECONDS',
    value: 'N',
    describe: `seconds reserved (and persisted) ahead of the wall clock; with etcd, how long issuing goes on without it (default ${ETCD_RESERVE_SECONDS} with etcd)`,
    default: () => '10',
  },
  shutdownDelaySeconds: {
    flag: 'shutdown-delay',
    env: 'SHUTDOWN_DELAY',
    value: 'N',
    describe: 'seconds to go on serving, not ready, after SIGTERM, so load balancers move away first',
    default: () => '0',
  },
  bodyMemoryBudget: {
    flag: 'body-memory-budget',
    env: 'BODY_MEMORY_BUDGET',
    value: 'MIB',
    describe: 'MiB of request bodies held in memory at once, all workers together; past it, 503',
    default: () => '64',
  },
  logLevel: {
    flag: 'log-level',
    env: 'LOG_LEVEL',
    value: 'LEVEL',
    describe: LOG_LEVELS.join(' | '),
    default: () => 'info',
  },
  logRequests: {
    flag: 'log-requests',
    env: 'LOG_REQUESTS',
    value: '0|1',
    describe: 'log one line per request: 1 or 0',
    default: () => '0',
  },
  numberFormat: {
    flag: 'number-format',
    env: 'NUMBER_FORMAT',
    value: 'FORMAT',
    describe: 'opaque (encrypted: unguessable) | sequential (ordered: enumerable)',
    default: () => 'opaque',
  },
  keyFile: {
    flag: 'key-file',
    env: 'TRACKING_NUMBER_KEY_FILE',
    value: 'FILE',
    describe:
      'tracking-number key file (tracknum keygen); required with NODE_ID or etcd (systemd: LoadCredential=tracking-number-key)',
    default: (env) =>
      env['CREDENTIALS_DIRECTORY'] === undefined ? '' : join(env['CREDENTIALS_DIRECTORY'], KEY_CREDENTIAL),
  },
  clientsFile: {
    flag: 'clients-file',
    env: 'CLIENTS_FILE',
    value: 'FILE',
    describe: `clients file (tracknum client add); optional (systemd: LoadCredential=${CLIENTS_CREDENTIAL})`,
    default: (env) =>
      env['CREDENTIALS_DIRECTORY'] === undefined ? '' : join(env['CREDENTIALS_DIRECTORY'], CLIENTS_CREDENTIAL),
  },
  etcdEndpoints: {
    flag: 'etcd-endpoints',
    env: 'ETCD_ENDPOINTS',
    value: 'URLS',
    describe: 'comma-separated etcd URLs; when set, node IDs are leased from etcd (NODE_ID and STATE_DIR unused)',
    default: () => '',
  },
  etcdPrefix: {
    flag: 'etcd-prefix',
    env: 'ETCD_PREFIX',
    value: 'PREFIX',
    describe: 'etcd key prefix',
    default: () => '/tracknum',
  },
  etcdLeaseTtl: {
    flag: 'etcd-lease-ttl',
    env: 'ETCD_LEASE_TTL',
    value: 'N',
    describe: 'node-ID lease TTL in seconds; issuing stops a fifth of it (at least 1 s) before it can expire',
    default: () => '10',
  },
  etcdCaFile: {
    flag: 'etcd-ca-file',
    env: 'ETCD_CA_FILE',
    value: 'FILE',
    describe: 'CA certificate (PEM) for TLS',
    default: () => '',
  },
  etcdCertFile: {
    flag: 'etcd-cert-file',
    env: 'ETCD_CERT_FILE',
    value: 'FILE',
    describe: 'client certificate (PEM) for TLS',
    default: () => '',
  },
  etcdKeyFile: {
    flag: 'etcd-key-file',
    env: 'ETCD_KEY_FILE',
    value: 'FILE',
    describe: 'client key (PEM) for TLS',
    default: () => '',
  },
  etcdUsername: {
    flag: 'etcd-username',
    env: 'ETCD_USERNAME',
    value: 'NAME',
    describe: 'etcd user',
    default: () => '',
  },
  etcdPassword: {
    flag: 'etcd-password',
    env: 'ETCD_PASSWORD',
    value: 'PASSWORD',
    describe: 'etcd password (prefer the variable: flags show in ps)',
    default: () => '',
  },
} as const satisfies Record<string, Setting>;

export type SettingKey = keyof typeof SETTINGS;

/** What a command reads from its command line and the environment. */
export interface CommandLineSpec {
  /** The settings it reads, as flags or variables; any other flag is a usage error. */
  readonly settings: readonly SettingKey[];
  /** Its own options (string-valued), by flag name, with what help says of them. */
  readonly options?: Readonly<Record<string, { readonly value: string; readonly describe: string }>>;
  /** Whether it takes arguments after the options. */
  readonly operands?: boolean;
}

/** Serving reads every setting. */
const SERVE: CommandLineSpec = { settings: Object.keys(SETTINGS) as SettingKey[] };

/**
 * The options part of a command's help: one aligned row per option, its
 * variable and what it is for, with the default that applies here (none
 * shown when there is none).
 */
export function optionsHelp(spec: CommandLineSpec = SERVE, env: NodeJS.ProcessEnv = process.env): string {
  const rows: [string, string, string][] = [
    ...Object.entries(spec.options ?? {}).map(([flag, o]): [string, string, string] => [
      `--${flag} ${o.value}`,
      '',
      o.describe,
    ]),
    ...spec.settings.map((key): [string, string, string] => {
      const s: Setting = SETTINGS[key];
      const fallback = s.default(env);
      return [`--${s.flag} ${s.value}`, s.env, fallback === '' ? s.describe : `${s.describe} (default: ${fallback})`];
    }),
    ['-h, --help', '', 'print this help'],
  ];
  const width = (column: 0 | 1): number => Math.max(...rows.map((row) => row[column].length));
  const [flags, variables] = [width(0), width(1)];
  const line = (row: readonly string[]): string =>
    `  ${row[0]!.padEnd(flags)}  ${variables === 0 ? '' : `${row[1]!.padEnd(variables)}  `}${row[2]}`.trimEnd();
  const heading = spec.settings.length === 0 ? ['option', '', 'meaning'] : ['option', 'variable', 'meaning'];
  return [line(heading), ...rows.map(line)].join('\n') + '\n';
}

/**
 * The configuration a command runs with, or `'help'` when -h or --help was
 * given. Only the settings in `spec` are read (the others keep their
 * defaults, whatever the environment says); a flag outside them, or an
 * argument where none is taken, is a usage error (USAGE); an invalid setting
 * is CONFIG_INVALID, every problem listed at once.
 */
export function loadConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  spec: CommandLineSpec = SERVE,
): Config | 'help' {
  const read = new Set<SettingKey>(spec.settings);
  let values: Record<string, string | boolean | undefined>;
  let operands: string[];
  try {
    const options = Object.fromEntries(
      [...spec.settings.map((key) => SETTINGS[key].flag), ...Object.keys(spec.options ?? {})].map((flag) => [
        flag,
        { type: 'string' as const },
      ]),
    );
    ({ values, positionals: operands } = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    }));
  } catch (error) {
    // Node's first sentence ("Unknown option '--x'"); the rest is advice about '--' that does not apply.
    throw new TracknumError('USAGE', `${(error as Error).message.split(/\.\s/)[0]!.replace(/\.$/, '')}`);
  }
  if (values['help'] === true) return 'help';
  if (spec.operands !== true && operands.length > 0) {
    throw new TracknumError('USAGE', `unexpected argument ${JSON.stringify(operands[0])}`);
  }

  const problems: string[] = [];
  const given = (key: SettingKey): boolean =>
    read.has(key) && (values[SETTINGS[key].flag] !== undefined || (env[SETTINGS[key].env] ?? '') !== '');
  const raw = (key: SettingKey): { text: string; name: string } => {
    const s = SETTINGS[key];
    const flagValue = values[s.flag];
    if (!read.has(key)) return { text: s.default({}), name: s.env };
    if (typeof flagValue === 'string') return { text: flagValue, name: `--${s.flag}` };
    const envValue = env[s.env];
    if (envValue !== undefined && envValue !== '') return { text: envValue, name: s.env };
    return { text: s.default(env), name: s.env };
  };
  const integer = (key: SettingKey, min: number, max: number): number => {
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
    workers: integer('workers', 1, MAX_WORKERS),
    nodeId: integer('nodeId', 0, MAX_NODE_ID),
    stateDir: raw('stateDir').text,
    reserveSeconds: integer('reserveSeconds', 5, 3600),
    shutdownDelaySeconds: integer('shutdownDelaySeconds', 0, 60),
    bodyMemoryBudgetBytes: integer('bodyMemoryBudget', 1, Math.floor(MAX_BODY_BUDGET_BYTES / MIB)) * MIB,
    logLevel: raw('logLevel').text,
    logRequests: integer('logRequests', 0, 1) === 1,
    numberFormat: raw('numberFormat').text as NumberFormat,
    operands,
    options: Object.fromEntries(
      Object.keys(spec.options ?? {}).flatMap((flag) =>
        typeof values[flag] === 'string' ? [[flag, values[flag]]] : [],
      ),
    ),
  };
  if (!(NUMBER_FORMATS as readonly string[]).includes(config.numberFormat)) {
    problems.push(
      `${raw('numberFormat').name} must be one of ${NUMBER_FORMATS.join(', ')}, got ${JSON.stringify(config.numberFormat)}`,
    );
  }
  const keyFile = raw('keyFile').text;
  if (keyFile !== '') config.keyFile = keyFile;
  const clientsFile = raw('clientsFile').text;
  // Named by the operator, it must be there; systemd's default credential may be absent.
  if (clientsFile !== '') config.clientsFile = { path: clientsFile, required: given('clientsFile') };
  const etcd = etcdSettings(raw, integer, problems);
  const nodeIdGiven = given('nodeId');
  if (etcd !== undefined) {
    config.etcd = etcd;
    if (!given('reserveSeconds')) config.reserveSeconds = ETCD_RESERVE_SECONDS;
    // A pinned node ID would defeat the lease: refuse it rather than ignore it.
    if (nodeIdGiven) {
      problems.push(
        `${raw('nodeId').name} is for the embedded mode; with ETCD_ENDPOINTS the node ID is leased from etcd`,
      );
    }
  }
  // Numbers under two keys can be equal, whatever their node IDs: an instance makes its own key
  // only when it runs alone (no NODE_ID, no etcd). Only serving makes or needs one.
  if (
    read.has('nodeId') &&
    config.numberFormat === 'opaque' &&
    config.keyFile === undefined &&
    (nodeIdGiven || etcd !== undefined)
  ) {
    problems.push(
      `${raw('keyFile').name} is required with ${etcd === undefined ? raw('nodeId').name : raw('etcdEndpoints').name}: ` +
        'every instance of one number space must share one key, or numbers from two instances can be equal (tracknum keygen makes one)',
    );
  }
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

function etcdSettings(
  raw: (key: SettingKey) => { text: string; name: string },
  integer: (key: SettingKey, min: number, max: number) => number,
  problems: string[],
): EtcdSettings | undefined {
  const endpointsText = raw('etcdEndpoints').text.trim();
  if (endpointsText === '') return undefined;
  const endpoints = endpointsText.split(',').map((endpoint) => endpoint.trim());
  for (const endpoint of endpoints) {
    if (!/^https?:\/\/[^/\s]+$/.test(endpoint)) {
      problems.push(
        `${raw('etcdEndpoints').name} must list URLs such as http://10.0.0.1:2379, got ${JSON.stringify(endpoint)}`,
      );
    }
  }
  const prefix = raw('etcdPrefix');
  if (!/^\/[\w.-]+(\/[\w.-]+)*$/.test(prefix.text)) {
    problems.push(
      `${prefix.name} must look like /tracknum or /a/b (no trailing slash), got ${JSON.stringify(prefix.text)}`,
    );
  }
  const settings: EtcdSettings = {
    endpoints,
    prefix: prefix.text,
    leaseTtlSeconds: integer('etcdLeaseTtl', MIN_LEASE_TTL_SECONDS, 600),
  };
  const optional = {
    caFile: 'etcdCaFile',
    certFile: 'etcdCertFile',
    keyFile: 'etcdKeyFile',
    username: 'etcdUsername',
    password: 'etcdPassword',
  } as const;
  for (const [field, key] of Object.entries(optional)) {
    const text = raw(key).text;
    if (text !== '') settings[field as keyof typeof optional] = text;
  }
  if ((settings.certFile === undefined) !== (settings.keyFile === undefined)) {
    problems.push('ETCD_CERT_FILE and ETCD_KEY_FILE go together');
  }
  if ((settings.certFile !== undefined || settings.keyFile !== undefined) && settings.caFile === undefined) {
    problems.push('ETCD_CERT_FILE and ETCD_KEY_FILE need ETCD_CA_FILE');
  }
  if (settings.caFile !== undefined && endpoints.some((endpoint) => endpoint.startsWith('http:'))) {
    problems.push(`${raw('etcdEndpoints').name} must use https:// URLs when ETCD_CA_FILE is set`);
  }
  return settings;
}
