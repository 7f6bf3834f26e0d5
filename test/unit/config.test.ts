import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { isTracknumError } from '../../src/errors.js';
import { helpText, loadConfig, type Config } from '../../src/primary/config.js';

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
      logLevel: 'info',
    });
  });

  it('reads the environment, and a flag wins over its variable', () => {
    const config = load(['--port', '8080', '--node-id=12'], {
      PORT: '9000',
      NODE_ID: '4',
      WORKERS: '3',
      HOST: '127.0.0.1',
    });
    assert.equal(config.port, 8080);
    assert.equal(config.nodeId, 12);
    assert.equal(config.workers, 3);
    assert.equal(config.host, '127.0.0.1');
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

  it('rejects non-integers, unknown flags and missing values', () => {
    for (const argv of [['--port', '80.5'], ['--port', '0x50'], ['--port', ' 80'], ['--unknown', '1'], ['--port']]) {
      assert.throws(
        () => load(argv),
        (error) => isTracknumError(error) && error.code === 'CONFIG_INVALID',
        argv.join(' '),
      );
    }
  });

  it('answers --help with a text naming every setting', () => {
    assert.equal(loadConfig(['--help'], {}), 'help');
    for (const name of ['PORT', 'HOST', 'WORKERS', 'NODE_ID', 'STATE_DIR', 'RESERVE_SECONDS', 'LOG_LEVEL']) {
      assert.ok(helpText().includes(name), name);
    }
  });
});
