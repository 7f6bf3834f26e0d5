/**
 * The operator's commands, beside serving: they read the same settings as the
 * service (flags and environment), so they find the same keys and state.
 *
 *   tracknum keygen [--generation G]   a new key-file line (generation 0 unless given)
 *   tracknum decode NUMBER...          what each number carries, read with the key
 *   tracknum verify                    whether this configuration agrees with the
 *                                      number space's record (without writing it)
 */
import { parseArgs } from 'node:util';
import { generationCharacter, decodeTrackingNumber, type NumberKey } from './core/numberFormat.js';
import { unixMsOfSecond } from './core/layout.js';
import { parseTrackingNumber, upperCaseAscii } from './core/trackingNumber.js';
import { TracknumError } from './errors.js';
import { EtcdNodeIds } from './nodeIds/etcd.js';
import { StateDirectory } from './nodeIds/stateDirectory.js';
import { issuingKey, newKeyLine, readKeyFile } from './numberSpace/keys.js';
import { mergeRecords, recordOf } from './numberSpace/record.js';
import type { Config } from './primary/config.js';
import { createLogger } from './logger.js';

export const COMMANDS = ['keygen', 'decode', 'verify'] as const;
export type Command = (typeof COMMANDS)[number];

export function isCommand(word: string | undefined): word is Command {
  return (COMMANDS as readonly string[]).includes(word ?? '');
}

/** `tracknum keygen [--generation G]`: prints a key-file line. */
export function keygen(argv: readonly string[]): string {
  const { values } = parseArgs({ args: [...argv], options: { generation: { type: 'string', default: '0' } } });
  const generation = /^[0-9A-Ya-y]$/.test(values.generation) ? parseInt(values.generation, 36) : Number.NaN;
  if (Number.isNaN(generation)) {
    throw new TracknumError(
      'CONFIG_INVALID',
      `--generation must be one of 0-9, A-Y, got ${JSON.stringify(values.generation)}`,
    );
  }
  return newKeyLine(generation);
}

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

/** `tracknum decode NUMBER...`: one JSON line per number; false if any could not be decoded. */
export async function decode(config: Config, write: (line: string) => void): Promise<boolean> {
  if (config.operands.length === 0) throw new TracknumError('CONFIG_INVALID', 'tracknum decode needs NUMBER...');
  const keys = await configuredKeys(config).catch((error: unknown) => {
    // Sequential numbers decode without a key: say why opaque ones cannot, number by number.
    if (error instanceof TracknumError && (error.code === 'KEY_INVALID' || error.code === 'KEY_MISSING')) return error;
    throw error;
  });
  let allDecoded = true;
  for (const given of config.operands) {
    const parsed = parseTrackingNumber(upperCaseAscii(given));
    try {
      if (!parsed.ok) throw new RangeError(parsed.detail);
      const decoded = decodeTrackingNumber(parsed, keys instanceof TracknumError ? [] : keys);
      write(
        JSON.stringify({
          tracking_number: given,
          origin_country_id: decoded.origin,
          format: decoded.format,
          generation: generationCharacter(parsed.generation),
          issued_at: new Date(unixMsOfSecond(decoded.second)).toISOString(),
          second: decoded.second,
          node_id: decoded.nodeId,
          counter: decoded.counter,
        }),
      );
    } catch (error) {
      allDecoded = false;
      const reason = keys instanceof TracknumError && parsed.ok ? keys.message : (error as Error).message;
      write(JSON.stringify({ tracking_number: given, error: reason }));
    }
  }
  return allDecoded;
}

/**
 * `tracknum verify`: checks this configuration's format and keys against the
 * number space's record; throws (FORMAT_MISMATCH, KEY_MISMATCH...) where the
 * service would refuse to start.
 */
export async function verify(config: Config): Promise<string> {
  const keys = await configuredKeys(config);
  const mine = recordOf(config.numberFormat, keys);
  const etcd = config.etcd === undefined ? undefined : new EtcdNodeIds(config.etcd, createLogger({ role: 'verify' }));
  const store = etcd?.numberSpace ?? StateDirectory.forReading(config.stateDir).numberSpace;
  const { record } = await store.read().finally(() => etcd?.close());
  const issuing =
    keys.length === 0
      ? config.numberFormat
      : `${config.numberFormat}, key generation ${generationCharacter(issuingKey(keys).generation)}`;
  if (record === undefined)
    return `${store.where} holds no record yet; this configuration would start one (${issuing})`;
  mergeRecords(record, mine, store.where);
  return `${store.where} agrees with this configuration (${issuing}; generations recorded: ${Object.keys(record.keys).join(', ') || 'none'})`;
}
