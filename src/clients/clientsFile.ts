/**
 * The clients file: who may call the API, with what token, how fast, and on
 * which routes. One line per client:
 *
 *   NAME sha256:HEX quota=N/s burst=N routes=ROUTE[,ROUTE...]
 *
 *   NAME    a-z 0-9 . _ -, starting with a letter or digit, at most 64 characters; unique
 *   HEX     the SHA-256 of the client's token (64 hex digits); unique. The token itself,
 *           `tn_` and 43 base64url characters (256 random bits), is never stored
 *   quota   numbers per second, 1..1048576 (what one instance's counter allows)
 *   burst   numbers a client may take at once above its quota, 1..2147483647
 *   routes  any of issue (GET /next-tracking-number), batch (POST /tracking-numbers),
 *           lookup (GET /tracking-numbers/{number}), metrics (GET /metrics)
 *
 * The three settings come in any order, each once. Blank lines and lines
 * starting with # are ignored. `tracknum client add` makes a token and its
 * line. Messages about a line name the file and the line number, never its
 * content: it may hold a hash, or a token pasted by mistake.
 *
 * Read and checked at start-up; enforcing it (Bearer tokens, quotas) is the
 * workers' business, not this module's.
 */
import { createHash, randomBytes } from 'node:crypto';
import { COUNTER_SIZE } from '../core/layout.js';
import { TracknumError } from '../errors.js';
import { readSecretFile } from '../safeFiles.js';

export const CLIENT_ROUTES = ['issue', 'batch', 'lookup', 'metrics'] as const;
export type ClientRoute = (typeof CLIENT_ROUTES)[number];

export interface ClientEntry {
  readonly name: string;
  /** SHA-256 of the token's UTF-8 bytes (the whole `tn_...` string), 32 bytes. */
  readonly tokenHash: Buffer;
  /** Numbers per second. */
  readonly quotaPerSecond: number;
  readonly burst: number;
  readonly routes: readonly ClientRoute[];
  /** Its line in the file, for messages. */
  readonly line: number;
}

/** Where the clients file is, and whether it must exist (given by the operator) or may be absent (systemd's default). */
export interface ClientsFileSetting {
  readonly path: string;
  readonly required: boolean;
}

const TOKEN_PREFIX = 'tn_';
const TOKEN_BYTES = 32;
const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const HASH = /^sha256:([0-9a-f]{64})$/;
const MAX_BURST = 2 ** 31 - 1;

/** A new client token: `tn_` and 256 random bits in base64url. Shown once; only its hash is kept. */
export function newToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(TOKEN_BYTES).toString('base64url')}`;
}

/** The hash a clients file keeps of a token. */
export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Each parser returns its value, or a sentence saying what is wrong (never quoting the text). */
type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

export function parseName(text: string): Parsed<string> {
  return NAME.test(text)
    ? { ok: true, value: text }
    : { ok: false, problem: 'a name is 1 to 64 of a-z 0-9 . _ -, starting with a letter or digit' };
}

const positive = (text: string, max: number): number | undefined =>
  /^[1-9][0-9]{0,9}$/.test(text) && Number(text) <= max ? Number(text) : undefined;

/** `N/s`, numbers per second; on the command line `N` alone will do (`unitRequired` false). */
export function parseQuota(text: string, unitRequired: boolean): Parsed<number> {
  const match = /^([0-9]+)(\/s)?$/.exec(text);
  const value =
    match !== null && (match[2] !== undefined || !unitRequired) ? positive(match[1]!, COUNTER_SIZE) : undefined;
  return value === undefined
    ? { ok: false, problem: `a quota is N/s, numbers per second, with N from 1 to ${COUNTER_SIZE}` }
    : { ok: true, value };
}

export function parseBurst(text: string): Parsed<number> {
  const value = positive(text, MAX_BURST);
  return value === undefined
    ? { ok: false, problem: `a burst is a number of numbers from 1 to ${MAX_BURST}` }
    : { ok: true, value };
}

export function parseRoutes(text: string): Parsed<ClientRoute[]> {
  const routes = text.split(',');
  const known = (route: string): route is ClientRoute => (CLIENT_ROUTES as readonly string[]).includes(route);
  if (routes.every(known) && new Set(routes).size === routes.length) return { ok: true, value: routes };
  return { ok: false, problem: `routes are a comma-separated list of ${CLIENT_ROUTES.join(', ')}, each once` };
}

/** The clients file's line for a client. */
export function clientLine(
  client: Omit<ClientEntry, 'line' | 'tokenHash'> & { readonly tokenHash: Uint8Array },
): string {
  const hash = Buffer.from(client.tokenHash).toString('hex');
  return `${client.name} sha256:${hash} quota=${client.quotaPerSecond}/s burst=${client.burst} routes=${client.routes.join(',')}\n`;
}

/** The clients of a clients file's text; `source` names the file in errors. */
export function parseClients(text: string, source: string): ClientEntry[] {
  const clients: ClientEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const refuse = (problem: string): never => {
      throw new TracknumError('CLIENTS_INVALID', `${source}, line ${line}: ${problem}`, { path: source, line });
    };
    const words = raw.trim().split(/\s+/);
    if (words[0] === '' || words[0]!.startsWith('#')) return;
    if (words.some((word) => word.startsWith(TOKEN_PREFIX) || word.includes(`=${TOKEN_PREFIX}`))) {
      refuse('holds what looks like a token: only its hash belongs here (tracknum client add prints the line)');
    }
    const [nameText, hashText, ...settings] = words;
    const name = parseName(nameText!);
    if (!name.ok) refuse(name.problem);
    const hash = HASH.exec(hashText ?? '');
    if (hash === null) refuse('the second field must be sha256: and 64 lower-case hex digits (the token hash)');
    const values = new Map<string, string>();
    for (const setting of settings) {
      const [key, value] = setting.split(/=(.*)/s);
      if (value === undefined || !['quota', 'burst', 'routes'].includes(key!)) {
        refuse('after the hash come quota=N/s, burst=N and routes=..., and nothing else');
      }
      if (values.has(key!)) refuse(`${key} is given twice`);
      values.set(key!, value!);
    }
    const field = <T>(key: string, parse: (text: string) => Parsed<T>): T => {
      const text = values.get(key);
      if (text === undefined) return refuse(`${key}= is missing (quota=N/s burst=N routes=... are all required)`);
      const parsed = parse(text);
      return parsed.ok ? parsed.value : refuse(parsed.problem);
    };
    const entry: ClientEntry = {
      name: nameText!,
      tokenHash: Buffer.from(hash![1]!, 'hex'),
      quotaPerSecond: field('quota', (quota) => parseQuota(quota, true)),
      burst: field('burst', parseBurst),
      routes: field('routes', parseRoutes),
      line,
    };
    const same = clients.find((client) => client.name === entry.name);
    if (same !== undefined) refuse(`client ${entry.name} is already on line ${same.line}`);
    const sameHash = clients.find((client) => client.tokenHash.equals(entry.tokenHash));
    if (sameHash !== undefined)
      refuse(`the token hash is already on line ${sameHash.line}: every client has its own token`);
    clients.push(entry);
  });
  return clients;
}

/**
 * The clients file, read and checked (owner and mode as for the key file, then
 * every line), or undefined when there is none: no setting, or systemd's
 * default credential absent.
 */
export async function loadClients(
  setting: ClientsFileSetting | undefined,
): Promise<{ path: string; entries: ClientEntry[] } | undefined> {
  if (setting === undefined) return undefined;
  const { path, required } = setting;
  let absent = false;
  const text = await readSecretFile(path, 'clients file', (reason) => {
    absent = reason === 'ENOENT' && !required;
    return new TracknumError('CLIENTS_INVALID', `cannot read the clients file ${path}: ${reason}`, { path });
  }).catch((error: unknown) => {
    if (absent) return undefined;
    throw error;
  });
  return text === undefined ? undefined : { path, entries: parseClients(text, path) };
}
