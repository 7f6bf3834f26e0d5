import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { isTracknumError } from '../../src/errors.js';
import { loadConfig, optionsHelp, type Config } from '../../src/primary/config.js';

const load = (argv: string[], env: Record<string, string> = {}): Config => {
  const config = loadConfig(argv, env);
  assert.notEqual(config, 'help');
  return config as Config;
};

describe('configuration', () => {
  it('has defaults that need nothing else', () => {
    assert.deepEqual(load([]), {
      port: 3000,
      host: '0.0.0.0',
      workers: availableParallelism(),
      nodeId: 0,
      stateDir: './state',
      reserveSeconds: 10,
      shutdownDelaySeconds: 0,
      bodyMemoryBudgetBytes: 64 * 1024 * 1024,
      logLevel: 'info',
      logRequests: false,
      numberFormat: 'opaque',
      operands: [],
      options: {},
    });
  });

  it('reads the environment, and a flag wins over its variable', () => {
    const config = load(['--port', '8080', '--node-id=12'], {
      PORT: '9000',
      NODE_ID: '4',
      TRACKING_NUMBER_KEY_FILE: '/etc/tracknum/key',
      WORKERS: '3',
      HOST: '127.0.0.1',
    });
    assert.equal(config.port, 8080);
    assert.equal(config.nodeId, 12);
    assert.equal(config.workers, 3);
    assert.equal(config.host, '127.0.0.1');
  });

  it('reads the body budget in MiB, 1 to 2047 (what one Int32 word of bytes holds)', () => {
    assert.equal(load(['--body-memory-budget', '2047']).bodyMemoryBudgetBytes, 2047 * 1024 * 1024);
    assert.equal(load([], { BODY_MEMORY_BUDGET: '1' }).bodyMemoryBudgetBytes, 1024 * 1024);
    for (const value of ['0', '2048', '64MiB', '1.5']) {
      assert.throws(
        () => load([], { BODY_MEMORY_BUDGET: value }),
        /BODY_MEMORY_BUDGET must be an integer from 1 to 2047/,
      );
    }
  });

  it("uses systemd's STATE_DIRECTORY when STATE_DIR is not set", () => {
    assert.equal(load([], { STATE_DIRECTORY: '/var/lib/tracknum' }).stateDir, '/var/lib/tracknum');
    assert.equal(load([], { STATE_DIRECTORY: '/var/lib/tracknum', STATE_DIR: '/x' }).stateDir, '/x');
  });

  it('lists every invalid setting in one error', () => {
    assert.throws(
      () => load(['--workers', '0'], { PORT: '-1', NODE_ID: '4096', RESERVE_SECONDS: '4', LOG_LEVEL: 'loud' }),
      (error) => {
        assert.ok(isTracknumError(error));
        assert.equal(error.code, 'CONFIG_INVALID');
        for (const part of ['PORT', '--workers', 'NODE_ID', 'RESERVE_SECONDS', 'LOG_LEVEL'])
          assert.ok(error.message.includes(part), part);
        return true;
      },
    );
  });

  it('rejects non-integers (CONFIG_INVALID), and unknown flags, missing values and arguments (USAGE)', () => {
    for (const argv of [
      ['--port', '80.5'],
      ['--port', '0x50'],
      ['--port', ' 80'],
    ]) {
      assert.throws(
        () => load(argv),
        (error) => isTracknumError(error) && error.code === 'CONFIG_INVALID',
        argv.join(' '),
      );
    }
    for (const [argv, message] of [
      [['--unknown', '1'], "Unknown option '--unknown'"],
      [['--port'], "Option '--port <value>' argument missing"],
      [['serve'], 'unexpected argument "serve"'],
    ] as const) {
      assert.throws(
        () => load([...argv]),
        (error) => isTracknumError(error) && error.code === 'USAGE' && error.message === message,
        argv.join(' '),
      );
    }
  });

  it('answers --help and -h with a text naming every setting', () => {
    assert.equal(loadConfig(['--help'], {}), 'help');
    assert.equal(loadConfig(['-h'], {}), 'help');
    for (const name of [
      'PORT',
      'HOST',
      'WORKERS',
      'NODE_ID',
      'STATE_DIR',
      'RESERVE_SECONDS',
      'LOG_LEVEL',
      'ETCD_ENDPOINTS',
      'ETCD_PREFIX',
      'ETCD_LEASE_TTL',
      'ETCD_CA_FILE',
      'ETCD_CERT_FILE',
      'ETCD_KEY_FILE',
      'ETCD_USERNAME',
      'ETCD_PASSWORD',
      'NUMBER_FORMAT',
      'TRACKING_NUMBER_KEY_FILE',
      'CLIENTS_FILE',
    ]) {
      assert.ok(optionsHelp().includes(name), name);
    }
  });

  it('prints help in aligned columns, without a default where there is none', () => {
    const text = optionsHelp(undefined, {});
    assert.doesNotMatch(text, /\(default: \)/);
    assert.match(text, /ETCD_USERNAME +etcd user\n/);
    assert.match(text, /--port N +PORT +TCP port to serve on \(0 picks a free one\) \(default: 3000\)\n/);
    const rows = text.trimEnd().split('\n');
    // Every row's variable and meaning start in the same columns as the heading's.
    const heading = rows[0]!;
    for (const row of rows.slice(1)) {
      const variable = / {2}([A-Z_]+) {2}/.exec(row);
      if (variable !== null) assert.equal(row.indexOf(variable[1]!), heading.indexOf('variable'), row);
      else assert.equal(row.slice(heading.indexOf('meaning') - 2, heading.indexOf('meaning')), '  ', row);
      assert.notEqual(row[heading.indexOf('meaning')], ' ', row);
    }
  });

  it("reads only a command's settings: another flag is a usage error, another variable is ignored", () => {
    const spec = { settings: ['stateDir', 'logLevel'] as const, options: { out: { value: 'FILE', describe: 'x' } } };
    const config = loadConfig(['--out', '/o', '--state-dir', '/s'], { PORT: 'not a port', NODE_ID: '3' }, spec);
    assert.ok(config !== 'help');
    assert.equal(config.stateDir, '/s');
    assert.equal(config.port, 3000, 'PORT is not read: its default stays');
    assert.deepEqual(config.options, { out: '/o' });
    assert.throws(
      () => loadConfig(['--port', '1'], {}, spec),
      (error) => isTracknumError(error) && error.code === 'USAGE',
    );
    const help = optionsHelp(spec, {});
    assert.match(help, /--out FILE/);
    assert.match(help, /STATE_DIR/);
    assert.doesNotMatch(help, /PORT|NODE_ID|ETCD/);
  });

  it('is in the embedded mode unless ETCD_ENDPOINTS is set', () => {
    assert.equal(load([]).etcd, undefined);
    assert.equal(load([], { ETCD_ENDPOINTS: ' ' }).etcd, undefined);
  });

  it('reads the etcd settings, with defaults, and a flag wins over its variable', () => {
    const KEY = { TRACKING_NUMBER_KEY_FILE: '/etc/tracknum/key' };
    assert.deepEqual(load([], { ...KEY, ETCD_ENDPOINTS: 'http://10.0.0.1:2379, http://10.0.0.2:2379' }).etcd, {
      endpoints: ['http://10.0.0.1:2379', 'http://10.0.0.2:2379'],
      prefix: '/tracknum',
      leaseTtlSeconds: 10,
    });
    assert.deepEqual(
      load(['--etcd-lease-ttl', '30', '--etcd-prefix', '/prod/tracknum'], {
        ...KEY,
        ETCD_ENDPOINTS: 'https://etcd.internal:2379',
        ETCD_LEASE_TTL: '5',
        ETCD_CA_FILE: '/etc/tracknum/ca.pem',
        ETCD_CERT_FILE: '/etc/tracknum/client.pem',
        ETCD_KEY_FILE: '/etc/tracknum/client-key.pem',
        ETCD_USERNAME: 'tracknum',
        ETCD_PASSWORD: 'secret',
      }).etcd,
      {
        endpoints: ['https://etcd.internal:2379'],
        prefix: '/prod/tracknum',
        leaseTtlSeconds: 30,
        caFile: '/etc/tracknum/ca.pem',
        certFile: '/etc/tracknum/client.pem',
        keyFile: '/etc/tracknum/client-key.pem',
        username: 'tracknum',
        password: 'secret',
      },
    );
  });

  it('lists every invalid etcd setting in one error', () => {
    assert.throws(
      () =>
        load([], {
          ETCD_ENDPOINTS: 'http://ok:2379,etcd:2379',
          ETCD_PREFIX: 'tracknum/',
          ETCD_LEASE_TTL: '2',
          ETCD_CERT_FILE: '/c.pem',
          NODE_ID: '3',
          NUMBER_FORMAT: 'sequential',
        }),
      (error) => {
        assert.ok(isTracknumError(error) && error.code === 'CONFIG_INVALID');
        const problems = error.context['problems'] as string[];
        assert.equal(problems.length, 6, problems.join('\n'));
        for (const part of [
          '"etcd:2379"',
          'ETCD_PREFIX',
          'ETCD_LEASE_TTL',
          'go together',
          'need ETCD_CA_FILE',
          'NODE_ID is for the embedded mode',
        ])
          assert.ok(error.message.includes(part), part);
        return true;
      },
    );
  });

  it('wants https endpoints when TLS is configured', () => {
    assert.throws(
      () => load([], { ETCD_ENDPOINTS: 'http://etcd:2379', ETCD_CA_FILE: '/ca.pem', NUMBER_FORMAT: 'sequential' }),
      /must use https:\/\/ URLs/,
    );
  });

  it('reads the number format, and refuses one it does not know', () => {
    assert.equal(load([], { NUMBER_FORMAT: 'sequential' }).numberFormat, 'sequential');
    assert.equal(load(['--number-format', 'sequential']).numberFormat, 'sequential');
    assert.throws(() => load([], { NUMBER_FORMAT: 'random' }), /NUMBER_FORMAT must be one of opaque, sequential/);
  });

  it('asks for a key file whenever instances must share one key: with NODE_ID, or with etcd', () => {
    for (const env of [{ NODE_ID: '3' }, { ETCD_ENDPOINTS: 'http://etcd:2379' }]) {
      assert.throws(
        () => load([], env),
        (error) => {
          assert.ok(isTracknumError(error) && error.code === 'CONFIG_INVALID');
          assert.match(error.message, /TRACKING_NUMBER_KEY_FILE is required with (NODE_ID|ETCD_ENDPOINTS)/);
          assert.match(error.message, /numbers from two instances can be equal/);
          return true;
        },
        JSON.stringify(env),
      );
    }
    assert.throws(() => load(['--node-id', '3']), /TRACKING_NUMBER_KEY_FILE is required with --node-id/);
    // Alone (no NODE_ID, no etcd) it keeps its own key; the sequential format needs none.
    assert.equal(load([]).keyFile, undefined);
    assert.equal(load([], { NODE_ID: '3', NUMBER_FORMAT: 'sequential' }).keyFile, undefined);
    assert.equal(load(['--key-file', '/k'], { NODE_ID: '3' }).keyFile, '/k');
  });

  it("finds the key in systemd's credentials directory (LoadCredential=tracking-number-key:...)", () => {
    const config = load([], { NODE_ID: '3', CREDENTIALS_DIRECTORY: '/run/credentials/tracknum.service' });
    assert.equal(config.keyFile, '/run/credentials/tracknum.service/tracking-number-key');
    assert.equal(
      load([], { CREDENTIALS_DIRECTORY: '/run/credentials/x', TRACKING_NUMBER_KEY_FILE: '/k' }).keyFile,
      '/k',
    );
  });

  it('keeps operands for the commands that take them', () => {
    const config = loadConfig(
      ['--state-dir', '/s', 'MY0O91ZKF95OFVN7', 'SG1'],
      {},
      {
        settings: ['stateDir'],
        operands: true,
      },
    );
    assert.ok(config !== 'help');
    assert.deepEqual(config.operands, ['MY0O91ZKF95OFVN7', 'SG1']);
  });

  it("reads the clients file: required when named, optional as systemd's credential", () => {
    assert.equal(load([]).clientsFile, undefined);
    assert.deepEqual(load([], { CLIENTS_FILE: '/c' }).clientsFile, { path: '/c', required: true });
    assert.deepEqual(load(['--clients-file', '/d'], { CLIENTS_FILE: '/c' }).clientsFile, {
      path: '/d',
      required: true,
    });
    assert.deepEqual(load([], { CREDENTIALS_DIRECTORY: '/run/credentials/x' }).clientsFile, {
      path: '/run/credentials/x/tracknum-clients',
      required: false,
    });
  });
});
