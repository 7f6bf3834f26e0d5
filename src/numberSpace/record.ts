/**
 * One number space, one record: the format numbers are issued in, and the
 * fingerprint of each key generation ever used. It lives with the state (the
 * state directory, or etcd under the prefix). An instance whose format or
 * keys disagree with it refuses to start: numbers under two keys of one
 * generation, or in two formats sharing a record, could be equal.
 */
import { generationCharacter, type NumberFormat, type NumberKey } from '../core/numberFormat.js';
import { TracknumError } from '../errors.js';
import { keyFingerprint } from './keys.js';

export interface NumberSpaceRecord {
  readonly format: NumberFormat;
  /** Key fingerprint by generation character. */
  readonly keys: Readonly<Record<string, string>>;
}

/** Where the record is kept: a file in the state directory, or a key in etcd. */
export interface NumberSpaceStore {
  /** The record (undefined: none yet), and an opaque token of the version read. */
  read(): Promise<{ record: NumberSpaceRecord | undefined; version: string }>;
  /** Writes the record if it is still at `version`; false when another instance changed it first. */
  write(record: NumberSpaceRecord, version: string): Promise<boolean>;
  /** Whether numbers were issued here already (a high-water mark exists). */
  holdsMarks(): Promise<boolean>;
  /** Where it is, for messages. */
  readonly where: string;
}

/** The record this instance's format and keys call for. */
export function recordOf(format: NumberFormat, keys: readonly NumberKey[]): NumberSpaceRecord {
  return {
    format,
    keys: Object.fromEntries(keys.map((k) => [generationCharacter(k.generation), keyFingerprint(k.key)])),
  };
}

/**
 * The record merged with this instance's, or a refusal: KEY_MISMATCH when a
 * generation's key differs, FORMAT_MISMATCH when the format does.
 */
export function mergeRecords(stored: NumberSpaceRecord, mine: NumberSpaceRecord, where: string): NumberSpaceRecord {
  if (stored.format !== mine.format) {
    throw new TracknumError(
      'FORMAT_MISMATCH',
      `the number space at ${where} issues ${stored.format} numbers, this instance ${mine.format} ones (NUMBER_FORMAT)`,
      { stored: stored.format, configured: mine.format },
    );
  }
  for (const [generation, fingerprint] of Object.entries(mine.keys)) {
    const recorded = stored.keys[generation];
    if (recorded !== undefined && recorded !== fingerprint) {
      throw new TracknumError(
        'KEY_MISMATCH',
        `key generation ${generation} at ${where} was used with another key (fingerprint ${recorded}, this instance's ${fingerprint}); ` +
          'every instance of a number space shares one key per generation',
        { generation },
      );
    }
  }
  return { format: stored.format, keys: { ...stored.keys, ...mine.keys } };
}

/**
 * Checks this instance's record against the store's and adds what is new (a
 * first record, a new generation). Throws rather than ever let two keys of
 * one generation, or two formats, issue into one number space.
 */
export async function recordNumberSpace(store: NumberSpaceStore, mine: NumberSpaceRecord): Promise<void> {
  for (;;) {
    const { record, version } = await store.read();
    if (record === undefined && (await store.holdsMarks())) {
      throw new TracknumError(
        'STATE_CORRUPT',
        `${store.where} holds high-water marks but no number-space record: state of an earlier version, with another layout; start on fresh state`,
        { where: store.where },
      );
    }
    const merged = record === undefined ? mine : mergeRecords(record, mine, store.where);
    const isNew = record === undefined || Object.keys(mine.keys).some((generation) => !(generation in record.keys));
    if (!isNew || (await store.write(merged, version))) return;
    // Another instance wrote first: read again and check against what it wrote.
  }
}
