/**
 * Node IDs leased from etcd: the cluster mode of the node-ID source.
 *
 * Keys, under the configured prefix:
 *   <prefix>/nodes/<id>       who holds node ID <id>; bound to the holder's lease, so it vanishes
 *                             when the holder stops renewing
 *   <prefix>/high-water/<id>  the high-water mark of seconds of node ID <id>; outside any lease,
 *                             so the next holder starts above every second the last one could use,
 *                             whatever the clocks of the two hosts say
 *
 * A node ID is claimed with a create-if-absent transaction bound to a fresh
 * lease. Every write of the mark is a transaction that succeeds only while
 * the node key is still bound to our lease, so an instance that lost its
 * lease can never move the mark under the next holder's feet.
 *
 * The lease is renewed by etcdLease.ts.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { handleWhen, noop, retry } from 'cockatiel';
import { Etcd3, isRecoverableError, type IOptions } from 'etcd3';
import { MAX_NODE_ID } from '../core/layout.js';
import { keepaliveIntervalMs, trustedUntil } from '../core/leaseTiming.js';
import { monotonicMs } from '../core/monotonicClock.js';
import { TracknumError } from '../errors.js';
import type { Logger } from '../logger.js';
import { EtcdNodeIdLease } from './etcdLease.js';
import type { NumberSpaceRecord, NumberSpaceStore } from '../numberSpace/record.js';
import type { HighWaterStore, NodeIdLease, NodeIdSource } from './source.js';

/** The cluster mode's settings: where etcd is, and how to talk to it. */
export interface EtcdSettings {
  endpoints: readonly string[];
  /** Key prefix, starting with '/' and without a trailing '/'. */
  prefix: string;
  leaseTtlSeconds: number;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  username?: string;
  password?: string;
}

/** What a holder writes into its node key, so that an operator can tell who holds what. */
interface Holder {
  host: string;
  pid: number;
  claimedAt: string;
}

function etcdClientOptions(settings: EtcdSettings): IOptions {
  const callTimeoutMs = keepaliveIntervalMs(settings.leaseTtlSeconds);
  const options: IOptions = {
    hosts: [...settings.endpoints],
    // A call that hangs must not outlive the lease it is meant to keep.
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + callTimeoutMs }),
    // etcd3's defaults put a circuit breaker on each endpoint (after three failed calls it refuses
    // every call for 5 s) and retry a failed call three times, each try with a fresh deadline. With
    // one endpoint, a blip of a second then means seconds without renewals, and a mark write that
    // takes four deadlines to fail: the instance fences, and recovers late. The renewals
    // (etcdLease.ts), extensions and re-claims retry on their own schedule; here a failed call is
    // only tried once more on each other endpoint.
    faultHandling: {
      host: () => noop,
      global: retry(handleWhen(isRecoverableError), { maxAttempts: settings.endpoints.length - 1 }),
    },
  };
  const read = (file: string, what: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new TracknumError('CONFIG_INVALID', `cannot read the etcd ${what} ${file}: ${(error as Error).message}`);
    }
  };
  if (settings.caFile !== undefined) {
    options.credentials = {
      rootCertificate: read(settings.caFile, 'CA certificate'),
      ...(settings.certFile === undefined ? {} : { certChain: read(settings.certFile, 'client certificate') }),
      ...(settings.keyFile === undefined ? {} : { privateKey: read(settings.keyFile, 'client key') }),
    };
  }
  if (settings.username !== undefined) {
    options.auth = { username: settings.username, password: settings.password ?? '' };
  }
  return options;
}

/** What the owner of the source hears of etcd, for /metrics. */
export interface EtcdHooks {
  /** etcd answered a lease renewal or a mark write of this instance. */
  reached?: () => void;
}

export class EtcdNodeIds implements NodeIdSource {
  readonly #client: Etcd3;
  readonly #settings: EtcdSettings;
  readonly #log: Logger;
  readonly #reached: () => void;

  constructor(
    settings: EtcdSettings,
    log: Logger,
    hooks: EtcdHooks = {},
    client = new Etcd3(etcdClientOptions(settings)),
  ) {
    this.#settings = settings;
    this.#log = log;
    this.#reached = hooks.reached ?? (() => undefined);
    this.#client = client;
  }

  #nodeKey(nodeId: number): string {
    return `${this.#settings.prefix}/nodes/${nodeId}`;
  }

  #markKey(nodeId: number): string {
    return `${this.#settings.prefix}/high-water/${nodeId}`;
  }

  /**
   * The node ID a key under <prefix>/nodes/ names. Anything else there was not
   * written by tracknum, and a claim that ignored it could share a node ID:
   * refused, like any stored state that breaks an invariant.
   */
  #nodeIdOfKey(key: string): number {
    const name = key.slice(this.#settings.prefix.length + '/nodes/'.length);
    const nodeId = /^(0|[1-9][0-9]{0,3})$/.test(name) ? Number(name) : Number.NaN;
    if (!(nodeId <= MAX_NODE_ID)) {
      throw new TracknumError(
        'STATE_CORRUPT',
        `etcd key ${key} is not a node key (${this.#settings.prefix}/nodes/0 .. ${MAX_NODE_ID}); remove it or use another ETCD_PREFIX`,
        { key },
      );
    }
    return nodeId;
  }

  /**
   * Takes the lowest free node ID under a new lease. Throws ETCD_UNAVAILABLE
   * when etcd cannot be reached, NODE_IDS_EXHAUSTED when every ID is held.
   */
  async claim(): Promise<NodeIdLease> {
    const ttl = this.#settings.leaseTtlSeconds;
    const lease = this.#client.lease(ttl, { autoKeepAlive: false });
    const grantSentAt = monotonicMs();
    let leaseId: string;
    try {
      leaseId = await lease.grant();
    } catch (error) {
      lease.release();
      throw this.#unavailable(error);
    }
    try {
      const nodeId = await this.#takeFreeNodeId(leaseId);
      const store = this.highWaterStore(nodeId, leaseId);
      const trusted = trustedUntil(grantSentAt, ttl);
      return new EtcdNodeIdLease({
        lease,
        ttl,
        nodeId,
        store,
        trusted,
        log: this.#log.child({ nodeId, leaseId }),
        reached: this.#reached,
      });
    } catch (error) {
      await lease.revoke().catch(() => undefined);
      throw error;
    }
  }

  async #takeFreeNodeId(leaseId: string): Promise<number> {
    const holder: Holder = { host: hostname(), pid: process.pid, claimedAt: new Date().toISOString() };
    let held: Set<number>;
    try {
      const keys = await this.#client.getAll().prefix(`${this.#settings.prefix}/nodes/`).keys();
      held = new Set(keys.map((key) => this.#nodeIdOfKey(key)));
    } catch (error) {
      throw this.#unavailable(error);
    }
    for (let nodeId = 0; nodeId <= MAX_NODE_ID; nodeId += 1) {
      if (held.has(nodeId)) continue;
      const key = this.#nodeKey(nodeId);
      let claimed: boolean;
      try {
        const result = await this.#client
          .if(key, 'Version', '==', 0)
          .then(this.#client.put(key).value(JSON.stringify(holder)).lease(leaseId))
          .commit();
        claimed = result.succeeded;
      } catch (error) {
        throw this.#unavailable(error);
      }
      // Another instance took it between our read and our transaction: try the next one.
      if (claimed) return nodeId;
    }
    throw new TracknumError(
      'NODE_IDS_EXHAUSTED',
      `all ${MAX_NODE_ID + 1} node IDs under ${this.#settings.prefix}/nodes/ are held by live instances`,
      { prefix: this.#settings.prefix },
    );
  }

  /** The high-water mark of `nodeId`, writable only while `leaseId` holds the node key. */
  highWaterStore(nodeId: number, leaseId: string): HighWaterStore {
    const markKey = this.#markKey(nodeId);
    const nodeKey = this.#nodeKey(nodeId);
    return {
      read: () => this.#readMark(markKey),
      write: async (second) => {
        const result = await this.#client
          .if(nodeKey, 'Lease', '==', leaseId)
          .then(this.#client.put(markKey).value(String(second)))
          .commit();
        if (!result.succeeded) {
          throw new TracknumError('NODE_ID_LOST', `node ID ${nodeId} is no longer held by this instance's lease`, {
            nodeId,
          });
        }
      },
    };
  }

  async #readMark(markKey: string): Promise<number | undefined> {
    const text = await this.#client.get(markKey).string();
    if (text === null) return undefined;
    // Decimal digits only: Number() would also take '1e3', ' 12' or '0x10'. The range is checked by the reservation.
    const second = /^(0|[1-9][0-9]{0,15})$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(second)) {
      // Refusing is safer than guessing: a wrong mark could repeat numbers.
      throw new TracknumError('STATE_CORRUPT', `etcd key ${markKey} holds ${JSON.stringify(text)}, not a mark`);
    }
    return second;
  }

  /**
   * The stored mark of `nodeId`, for reading only (tracknum decode): undefined
   * when the node ID was never claimed under this prefix.
   */
  async markOf(nodeId: number): Promise<number | undefined> {
    try {
      return await this.#readMark(this.#markKey(nodeId));
    } catch (error) {
      throw this.#unavailable(error);
    }
  }

  #unavailable(error: unknown): Error {
    if (error instanceof TracknumError) return error;
    return new TracknumError(
      'ETCD_UNAVAILABLE',
      `etcd at ${this.#settings.endpoints.join(', ')} failed: ${(error as Error).message}`,
      { endpoints: this.#settings.endpoints.join(',') },
    );
  }

  /** The number-space record, one JSON key under the prefix, written with compare-and-swap on its revision. */
  get numberSpace(): NumberSpaceStore {
    const key = `${this.#settings.prefix}/number-space`;
    return {
      where: `etcd key ${key}`,
      read: async () => {
        let kv;
        try {
          kv = (await this.#client.get(key).exec()).kvs[0];
        } catch (error) {
          throw this.#unavailable(error);
        }
        // A key that does not exist has mod revision 0, which is what the write then compares.
        if (kv === undefined) return { record: undefined, version: '0' };
        let record: NumberSpaceRecord | undefined;
        try {
          record = JSON.parse(kv.value.toString()) as NumberSpaceRecord;
        } catch {
          record = undefined;
        }
        if (record === undefined || typeof record !== 'object' || record === null || typeof record.keys !== 'object') {
          throw new TracknumError('STATE_CORRUPT', `etcd key ${key} is not a number-space record`, { key });
        }
        return { record, version: kv.mod_revision };
      },
      write: async (record, version) => {
        try {
          const result = await this.#client
            .if(key, 'Mod', '==', version)
            .then(this.#client.put(key).value(JSON.stringify(record)))
            .commit();
          return result.succeeded;
        } catch (error) {
          throw this.#unavailable(error);
        }
      },
      holdsMarks: async () => {
        try {
          return (await this.#client.getAll().prefix(`${this.#settings.prefix}/high-water/`).count()) > 0;
        } catch (error) {
          throw this.#unavailable(error);
        }
      },
    };
  }

  /** How many node IDs are held under the prefix: a count-only range query (no keys or values sent back). */
  async countHeldNodeIds(): Promise<number> {
    return this.#client.getAll().prefix(`${this.#settings.prefix}/nodes/`).count();
  }

  close(): Promise<void> {
    this.#client.close();
    return Promise.resolve();
  }
}
