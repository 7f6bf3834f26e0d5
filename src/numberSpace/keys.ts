/**
 * Tracking-number keys: the key file, and fingerprints of keys.
 *
 * A key file holds one line per key generation, `<generation> <64 hex digits>`
 * (the generation as numbers print it: 0-9, then A-Y), with blank lines and
 * `#` comments allowed. The highest generation issues; the others are kept to
 * decode older numbers. `tracknum keygen` writes such a line.
 *
 * Nothing here ever puts key material into an error message or a log line.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { generationCharacter, isKeyGeneration, KEY_BYTES, type NumberKey } from '../core/numberFormat.js';
import { TracknumError } from '../errors.js';
import { readSecretFile } from '../safeFiles.js';

const LINE = /^([0-9A-Za-z])\s+([0-9A-Fa-f]{64})$/;

/** The keys of a key file's text; `source` names the file in errors. */
export function parseKeys(text: string, source: string): NumberKey[] {
  const keys: NumberKey[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = LINE.exec(line);
    const generation = match === null ? Number.NaN : parseInt(match[1]!, 36);
    if (match === null || !isKeyGeneration(generation)) {
      // The line itself is not shown: it may be a key.
      throw new TracknumError(
        'KEY_INVALID',
        `${source}, line ${index + 1}: expected '<generation 0-9 or A-Y> <64 hex digits>' (tracknum keygen writes one)`,
        { path: source },
      );
    }
    if (keys.some((key) => key.generation === generation)) {
      throw new TracknumError('KEY_INVALID', `${source}: generation ${match[1]} is given twice`, { path: source });
    }
    keys.push({ generation, key: Buffer.from(match[2]!, 'hex') });
  });
  if (keys.length === 0) {
    throw new TracknumError('KEY_INVALID', `${source} holds no key (tracknum keygen writes one)`, { path: source });
  }
  return keys.sort((x, y) => x.generation - y.generation);
}

/** The keys of a key file, once its owner and mode are found safe (SECRET_FILE_PERMISSIONS otherwise). */
export async function readKeyFile(path: string): Promise<NumberKey[]> {
  const text = await readSecretFile(
    path,
    'key file',
    (reason) => new TracknumError('KEY_INVALID', `cannot read the key file ${path}: ${reason}`, { path }),
  );
  return parseKeys(text, path);
}

/** The key numbers are issued under: the highest generation. */
export function issuingKey(keys: readonly NumberKey[]): NumberKey {
  return keys.reduce((highest, key) => (key.generation > highest.generation ? key : highest));
}

/** A new key of `generation`, as a key-file line. */
export function newKeyLine(generation: number): string {
  return `${generationCharacter(generation)} ${randomBytes(KEY_BYTES).toString('hex')}\n`;
}

/**
 * What identifies a key in records and messages without revealing it: an
 * HMAC of a fixed label under the key, in hex.
 */
export function keyFingerprint(key: Uint8Array): string {
  return createHmac('sha256', key).update('tracknum key fingerprint v1').digest('hex').slice(0, 32);
}
