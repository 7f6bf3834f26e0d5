/**
 * The operator's commands, beside serving. Those that look at a number space
 * read the same settings as the service (flags and environment), so they find
 * the same keys and state; each reads only what it needs, and its --help says
 * which. Results go to standard output, nothing else does.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { generationCharacter, decodeTrackingNumber, type NumberKey } from './core/numberFormat.js';
import { MAX_KEY_GENERATION, SEQUENTIAL_GENERATION, secondOf, unixMsOfSecond } from './core/layout.js';
import { parseTrackingNumber, upperCaseAscii } from './core/trackingNumber.js';
import {
  CLIENT_ROUTES,
  clientLine,
  newToken,
  parseBurst,
  parseClients,
  parseName,
  parseQuota,
  parseRoutes,
  tokenHash,
} from './clients/clientsFile.js';
import { TracknumError } from './errors.js';
import { createLogger } from './logger.js';
import { EtcdNodeIds } from './nodeIds/etcd.js';
import { StateDirectory } from './nodeIds/stateDirectory.js';
import { issuingKey, keyFingerprint, newKeyLine, parseKeys, readKeyFile } from './numberSpace/keys.js';
import { mergeRecords, recordOf, type NumberSpaceRecord } from './numberSpace/record.js';
import type { CommandLineSpec, Config, SettingKey } from './primary/config.js';
import { addToSecretFile } from './safeFiles.js';

/** Writes one line of results to standard output. */
type Output = (line: string) => void;

export interface Command {
  /** The words after `tracknum`, e.g. `client add`. */
  readonly name: string;
  readonly synopsis: string;
  /** What it does, in a few words, for tracknum --help. */
  readonly summary: string;
  /** What it does, for its help. */
  readonly description: string;
  readonly spec: CommandLineSpec;
  /** Runs it; resolves with the exit status. Refusals throw a TracknumError. */
  run(config: Config, write: Output): Promise<number>;
}

const ETCD_SETTINGS: readonly SettingKey[] = [
  'etcdEndpoints',
  'etcdPrefix',
  'etcdLeaseTtl',
  'etcdCaFile',
  'etcdCertFile',
  'etcdKeyFile',
  'etcdUsername',
  'etcdPassword',
];
/** What the commands that look at a number space read: where its keys and its state are. */
const NUMBER_SPACE_SETTINGS: readonly SettingKey[] = ['keyFile', 'numberFormat', 'stateDir', ...ETCD_SETTINGS];

/** A generation character (0-9, A-Y, either case) as a number, or a usage error. */
function generationOption(text: string): number {
  if (!/^[0-9A-Ya-y]$/.test(text)) {
    throw new TracknumError('USAGE', `--generation must be one of 0-9, A-Y, got ${JSON.stringify(text)}`);
  }
  return parseInt(text, 36);
}

/** Whether a key file's text holds any line but blanks and comments. */
const holdsLines = (text: string): boolean =>
  text.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('#'));

const keygen: Command = {
  name: 'keygen',
  synopsis: 'tracknum keygen [--generation G] [--out FILE]',
  summary: 'make a tracking-number key (a key-file line)',
  description:
    'Makes a new tracking-number key: a key-file line, "<generation> <64 hex digits>". Without --out it is ' +
    'printed. With --out it is added to FILE, which is created (mode 0600) when absent, or appended to: FILE ' +
    'must be a regular file (never a symbolic link) that only its owner can read, without that generation.',
  spec: {
    settings: ['logLevel'],
    options: {
      generation: {
        value: 'G',
        describe: 'key generation, 0-9 then A-Y (default: 0; with --out, the one after the highest in FILE)',
      },
      out: { value: 'FILE', describe: 'add the line to FILE instead of printing it (the key is then never printed)' },
    },
  },
  async run(config, write) {
    const given = config.options['generation'];
    const requested = given === undefined ? undefined : generationOption(given);
    const out = config.options['out'];
    if (out === undefined) {
      write(newKeyLine(requested ?? 0).trimEnd());
      return 0;
    }
    let made: NumberKey | undefined;
    const outcome = await addToSecretFile(out, 'key file', (existing) => {
      const keys = existing !== undefined && holdsLines(existing) ? parseKeys(existing, out) : [];
      const generation = requested ?? (keys.length === 0 ? 0 : issuingKey(keys).generation + 1);
      if (generation > MAX_KEY_GENERATION) {
        throw new TracknumError(
          'KEY_GENERATION_EXISTS',
          `${out} holds generation Y, the last: no generation is left to add`,
          { path: out },
        );
      }
      if (keys.some((key) => key.generation === generation)) {
        throw new TracknumError(
          'KEY_GENERATION_EXISTS',
          `${out} already holds key generation ${generationCharacter(generation)}; ` +
            'a generation is used with one key only (leave out --generation for the next one)',
          { path: out, generation: generationCharacter(generation) },
        );
      }
      const line = newKeyLine(generation);
      made = parseKeys(line, 'the new key')[0]!;
      return line;
    });
    write(
      `key generation ${generationCharacter(made!.generation)} ${outcome === 'created' ? 'written to the new file' : 'appended to'} ${out} ` +
        `(fingerprint ${keyFingerprint(made!.key)})`,
    );
    return 0;
  },
};

/**
 * The keys this configuration has: the key file's, or else the ones a lone
 * instance keeps in its state directory (read, never made here).
 */
async function configuredKeys(config: Config): Promise<NumberKey[]> {
  if (config.keyFile !== undefined) return readKeyFile(config.keyFile);
  if (config.etcd !== undefined || config.numberFormat === 'sequential') return [];
  const keys = await StateDirectory.forReading(config.stateDir).readOwnKeys();
  if (keys === undefined) {
    throw new TracknumError(
      'KEY_MISSING',
      `no key: give TRACKING_NUMBER_KEY_FILE, or STATE_DIR of an instance that made its own`,
    );
  }
  return keys;
}

/** What the number space of a configuration knows of the numbers it issued, read without changing it. */
interface NumberSpaceView {
  readonly where: string;
  /** The record, undefined when there is none yet, or why it could not be read. */
  readonly record: NumberSpaceRecord | undefined | { unreachable: string };
  /** The stored mark of a node ID: a number, undefined when none, or the node IDs known and why not. */
  mark(nodeId: number): Promise<number | undefined>;
  /** etcd: every node ID ever claimed has a mark. Embedded: only those used with this state directory. */
  readonly marksAreComplete: boolean;
  /** Embedded: the node IDs this state directory holds marks of. */
  readonly markedNodeIds: readonly number[];
  close(): Promise<void>;
}

async function viewNumberSpace(config: Config): Promise<NumberSpaceView> {
  if (config.etcd !== undefined) {
    const etcd = new EtcdNodeIds(config.etcd, createLogger({ role: 'decode' }, 2));
    const space = etcd.numberSpace;
    const record = await space.read().then(
      ({ record: found }) => found,
      (error: unknown) => ({ unreachable: (error as Error).message }),
    );
    return {
      where: space.where,
      record,
      mark: (nodeId) => etcd.markOf(nodeId),
      marksAreComplete: true,
      markedNodeIds: [],
      close: () => etcd.close(),
    };
  }
  const directory = StateDirectory.forReading(config.stateDir);
  const where = directory.numberSpace.where;
  const exists = await stat(config.stateDir).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
  return {
    where,
    record: exists
      ? (await directory.numberSpace.read()).record
      : { unreachable: `there is no state directory ${config.stateDir}` },
    mark: (nodeId) => (exists ? directory.highWaterStore(nodeId).read() : Promise.resolve(undefined)),
    marksAreComplete: false,
    markedNodeIds: exists ? await directory.markedNodeIds() : [],
    close: () => Promise.resolve(),
  };
}

const CAVEATS = {
  opaque:
    'an opaque number decodes to some fields under any key: these are its fields only if it was issued under the key ' +
    'used here (key_check "matched") and impossible is empty',
  sequential: 'a sequential number is not encrypted: anyone can read its fields, and any well-formed one reads as some',
} as const;

/**
 * Whether the configured key of `generation` (undefined: a sequential
 * number) is the one `record` holds the fingerprint of, and if not, why the
 * number space cannot have issued the number.
 */
function checkKey(
  record: NumberSpaceRecord,
  generation: number | undefined,
  keys: readonly NumberKey[],
): { keyCheck: 'not-applicable' | 'unrecorded' | 'no-key' | 'matched' | 'mismatched'; impossible: string[] } {
  if (generation === undefined) return { keyCheck: 'not-applicable', impossible: [] };
  const character = generationCharacter(generation);
  const recorded = record.keys[character];
  const key = keys.find((k) => k.generation === generation);
  if (recorded === undefined) {
    return { keyCheck: 'unrecorded', impossible: [`the number space never used key generation ${character}`] };
  }
  // Only where decoding failed: a number of a generation that no configured key is for.
  if (key === undefined) return { keyCheck: 'no-key', impossible: [] };
  if (recorded === keyFingerprint(key.key)) return { keyCheck: 'matched', impossible: [] };
  return {
    keyCheck: 'mismatched',
    impossible: [
      `the configured key of generation ${character} is not the one the number space used: these fields are noise`,
    ],
  };
}

const decode: Command = {
  name: 'decode',
  synopsis: 'tracknum decode [OPTIONS] NUMBER...',
  summary: 'what numbers carry, and whether this number space can have issued them',
  description:
    'Prints what each number carries, one JSON line per number: origin, format, key generation, issue time, node ID ' +
    'and counter, read with the configured key. A number decodes under any key, so each line also says whether ' +
    'that key is the one the number space recorded for the generation (key_check), and lists why this number ' +
    'space cannot have issued the number (impossible): a second after now plus RESERVE_SECONDS, a generation or ' +
    'format it never used, a node ID never claimed (etcd) or at or above its high-water mark. Exit status 0 when ' +
    'every number decoded with nothing impossible, else 1.',
  spec: { settings: [...NUMBER_SPACE_SETTINGS, 'reserveSeconds', 'logLevel'], operands: true },
  async run(config, write) {
    if (config.operands.length === 0) throw new TracknumError('USAGE', 'tracknum decode needs NUMBER...');
    const keys = await configuredKeys(config).catch((error: unknown) => {
      // Sequential numbers decode without a key: say why opaque ones cannot, number by number.
      if (error instanceof TracknumError && (error.code === 'KEY_INVALID' || error.code === 'KEY_MISSING')) {
        return error;
      }
      throw error;
    });
    const space = await viewNumberSpace(config);
    // A lone instance's key, kept in its state directory, is its own: no other node ID issues under it.
    const ownKey = config.etcd === undefined && config.keyFile === undefined && config.numberFormat === 'opaque';
    const record = space.record;
    let allGood = true;
    try {
      for (const given of config.operands) {
        const parsed = parseTrackingNumber(upperCaseAscii(given));
        let fields;
        try {
          if (!parsed.ok) throw new RangeError(parsed.detail);
          fields = decodeTrackingNumber(parsed, keys instanceof TracknumError ? [] : keys);
        } catch (error) {
          allGood = false;
          const reason = keys instanceof TracknumError && parsed.ok ? keys.message : (error as Error).message;
          // A wrong key often decrypts to fields no number can hold: say so when the record shows it.
          const checked =
            parsed.ok && !(keys instanceof TracknumError) && record !== undefined && !('unreachable' in record)
              ? checkKey(record, parsed.generation === SEQUENTIAL_GENERATION ? undefined : parsed.generation, keys)
              : undefined;
          const keyFields =
            checked?.keyCheck === 'mismatched' ? { key_check: checked.keyCheck, impossible: checked.impossible } : {};
          write(JSON.stringify({ tracking_number: given, error: reason, ...keyFields }));
          continue;
        }
        const generation = fields.generation === undefined ? 'Z' : generationCharacter(fields.generation);
        const impossible: string[] = [];
        const notes: string[] = [];
        let keyCheck: string;
        if (record !== undefined && 'unreachable' in record) {
          keyCheck = 'unchecked';
          notes.push(`not checked against the number space: ${record.unreachable}`);
        } else if (record === undefined) {
          keyCheck = fields.format === 'opaque' ? 'no-record' : 'not-applicable';
          impossible.push(`${space.where} records no number issued yet`);
        } else {
          if (record.format !== fields.format) {
            impossible.push(`the number space issues ${record.format} numbers, this one is ${fields.format}`);
          }
          const checked = checkKey(record, fields.generation, keys as NumberKey[]);
          keyCheck = checked.keyCheck;
          impossible.push(...checked.impossible);
        }
        const reserve = secondOf(Date.now()) + config.reserveSeconds;
        if (fields.second > reserve) {
          impossible.push(
            `issued_at is after now plus RESERVE_SECONDS (${config.reserveSeconds}): no instance with a right clock can have issued it yet`,
          );
        }
        if (!(record !== undefined && 'unreachable' in record)) {
          const mark = await space.mark(fields.nodeId);
          if (mark !== undefined && fields.second >= mark) {
            impossible.push(
              `second ${fields.second} is at or above node ID ${fields.nodeId}'s high-water mark, ${mark}`,
            );
          } else if (mark === undefined && space.marksAreComplete) {
            impossible.push(`node ID ${fields.nodeId} was never claimed under ${config.etcd!.prefix}`);
          } else if (mark === undefined && space.markedNodeIds.length > 0) {
            const used = `this state directory was used with node ID ${space.markedNodeIds.join(', ')} only`;
            // A key file is shared with other instances, which have other node IDs.
            if (ownKey && fields.format === 'opaque') impossible.push(`${used}, and its key is its own`);
            else notes.push(`${used}: only another instance sharing the key can have issued it`);
          }
        }
        if (impossible.length > 0) allGood = false;
        write(
          JSON.stringify({
            tracking_number: given,
            origin_country_id: fields.origin,
            format: fields.format,
            generation,
            issued_at: new Date(unixMsOfSecond(fields.second)).toISOString(),
            second: fields.second,
            node_id: fields.nodeId,
            counter: fields.counter,
            caveat: CAVEATS[fields.format],
            key_check: keyCheck,
            impossible,
            ...(notes.length === 0 ? {} : { notes }),
          }),
        );
      }
    } finally {
      await space.close();
    }
    return allGood ? 0 : 1;
  },
};

const verify: Command = {
  name: 'verify',
  synopsis: 'tracknum verify [OPTIONS]',
  summary: "check this configuration's format and keys against the number space's record",
  description:
    "Checks this configuration's number format and keys against the number space's record (the state directory's, " +
    'or under the etcd prefix), without changing it: refuses where the service would refuse to start.',
  spec: { settings: [...NUMBER_SPACE_SETTINGS, 'logLevel'] },
  async run(config, write) {
    const keys = await configuredKeys(config);
    if (config.etcd === undefined && !existsSync(config.stateDir)) {
      // A mistyped path would otherwise read as a number space that has no record yet.
      throw new TracknumError(
        'CONFIG_INVALID',
        `the state directory ${config.stateDir} does not exist: give the STATE_DIR the service uses`,
      );
    }
    const mine = recordOf(config.numberFormat, keys);
    const etcd =
      config.etcd === undefined ? undefined : new EtcdNodeIds(config.etcd, createLogger({ role: 'verify' }, 2));
    const store = etcd?.numberSpace ?? StateDirectory.forReading(config.stateDir).numberSpace;
    const { record } = await store.read().finally(() => etcd?.close());
    const issuing =
      keys.length === 0
        ? config.numberFormat
        : `${config.numberFormat}, key generation ${generationCharacter(issuingKey(keys).generation)}`;
    if (record === undefined) {
      write(`${store.where} holds no record yet; this configuration would start one (${issuing})`);
      return 0;
    }
    mergeRecords(record, mine, store.where);
    write(
      `${store.where} agrees with this configuration (${issuing}; generations recorded: ${Object.keys(record.keys).join(', ') || 'none'})`,
    );
    return 0;
  },
};

const DEFAULT_QUOTA = 100;
/** Ten seconds' worth of the quota, unless given. */
const BURST_SECONDS = 10;
const DEFAULT_ROUTES = 'issue,batch,lookup';

const clientAdd: Command = {
  name: 'client add',
  synopsis: 'tracknum client add NAME [--quota N/s] [--burst N] [--routes LIST] [--out FILE]',
  summary: "make a client's token and its clients-file line",
  description:
    'Makes a client of the API: a new token, printed this once (only its SHA-256 hash is kept), and its ' +
    'clients-file line. With --out the line is added to FILE, created (mode 0600) when absent, or appended to ' +
    'under the same rules as keygen --out; a name already there is refused. NAME: 1 to 64 of a-z 0-9 . _ -.',
  spec: {
    settings: ['logLevel'],
    operands: true,
    options: {
      quota: { value: 'N/s', describe: `numbers per second (default: ${DEFAULT_QUOTA}/s)` },
      burst: { value: 'N', describe: `numbers at once above the quota (default: ${BURST_SECONDS} x the quota)` },
      routes: {
        value: 'LIST',
        describe: `comma-separated, of ${CLIENT_ROUTES.join(', ')} (default: ${DEFAULT_ROUTES})`,
      },
      out: { value: 'FILE', describe: 'append the line to this clients file' },
    },
  },
  async run(config, write) {
    if (config.operands.length !== 1) {
      throw new TracknumError('USAGE', 'tracknum client add takes one NAME');
    }
    const option = <T>(name: string, parsed: { ok: true; value: T } | { ok: false; problem: string }): T => {
      if (parsed.ok) return parsed.value;
      throw new TracknumError('USAGE', `${name}: ${parsed.problem}`);
    };
    const name = option('NAME', parseName(config.operands[0]!));
    const quotaPerSecond = option('--quota', parseQuota(config.options['quota'] ?? String(DEFAULT_QUOTA), false));
    const burst =
      config.options['burst'] === undefined
        ? quotaPerSecond * BURST_SECONDS
        : option('--burst', parseBurst(config.options['burst']));
    const routes = option('--routes', parseRoutes(config.options['routes'] ?? DEFAULT_ROUTES));
    const token = newToken();
    const line = clientLine({ name, tokenHash: tokenHash(token), quotaPerSecond, burst, routes });
    const out = config.options['out'];
    if (out !== undefined) {
      // Written before the token is shown: a refused file shows no token that nothing accepts.
      await addToSecretFile(out, 'clients file', (existing) => {
        const clients = existing === undefined ? [] : parseClients(existing, out);
        if (clients.some((client) => client.name === name)) {
          throw new TracknumError('CLIENT_EXISTS', `${out} already has a client ${name}`, { path: out, name });
        }
        return line;
      });
    }
    write(`# The token of client ${name}, shown this once: hand it to the client. Only its hash is kept.`);
    write(token);
    write(out === undefined ? '# Its line for the clients file (CLIENTS_FILE):' : `# Its line, appended to ${out}:`);
    write(line.trimEnd());
    return 0;
  },
};

export const COMMANDS: readonly Command[] = [keygen, decode, verify, clientAdd];
