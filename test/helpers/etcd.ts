/**
 * Real etcd servers for the tests: Debian's etcd-server binary, on free
 * loopback ports, with data in a temporary directory. No mock: the node-ID
 * lease is only as good as its behaviour against the real thing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { probePort } from '../../src/primary/portProbe.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const INSTALL_HINT =
  "etcd is needed by the cluster tests: install Debian's etcd-server (sudo apt-get install etcd-server, " +
  'or run scripts/install-test-tools.sh), or put an etcd 3.4+ binary on PATH as `etcd`';

export function etcdBinary(): string {
  const found = spawnSync('sh', ['-c', 'command -v etcd'], { encoding: 'utf8' }).stdout.trim();
  if (found === '') throw new Error(INSTALL_HINT);
  return found;
}

interface Member {
  name: string;
  clientUrl: string;
  peerUrl: string;
  args: string[];
  process: ChildProcess | undefined;
  output: string;
}

/** PEM files of a throwaway certificate authority, the etcd server's certificate and a client's. */
interface TestCertificates {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/** Makes a CA and certificates for 127.0.0.1 with openssl, in `directory`. */
function makeCertificates(directory: string): TestCertificates {
  const openssl = (...args: string[]): void => {
    const result = spawnSync('openssl', args, { cwd: directory, encoding: 'utf8' });
    if (result.error !== undefined || result.status !== 0) {
      throw new Error(`openssl ${args.join(' ')} failed (install Debian's openssl): ${result.error ?? result.stderr}`);
    }
  };
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...key, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=tracknum-test-ca');
  for (const [name, usage] of [
    ['server', 'serverAuth'],
    ['client', 'clientAuth'],
  ] as const) {
    writeFileSync(join(directory, `${name}.ext`), `subjectAltName=IP:127.0.0.1\nextendedKeyUsage=${usage}\n`);
    openssl('req', ...key, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    );
  }
  return {
    ca: join(directory, 'ca.pem'),
    serverCert: join(directory, 'server.pem'),
    serverKey: join(directory, 'server.key'),
    clientCert: join(directory, 'client.pem'),
    clientKey: join(directory, 'client.key'),
  };
}

export interface EtcdCluster {
  /** Client URLs of all members, comma-separated, as ETCD_ENDPOINTS takes them. */
  readonly endpoints: string;
  /** Set when the cluster was started with TLS: clients must present the client certificate. */
  readonly certificates: TestCertificates | undefined;
  readonly members: readonly { name: string; clientUrl: string }[];
  /** Stops member `index` (SIGTERM, or SIGKILL) and waits for it to exit. */
  stop(index: number, signal?: NodeJS.Signals): Promise<void>;
  /** Starts member `index` again on its data directory and waits until it is healthy. */
  start(index: number): Promise<void>;
  /** Stops every member and deletes the data. */
  close(): Promise<void>;
}

export async function startEtcd(size = 1, options: { tls?: boolean } = {}): Promise<EtcdCluster> {
  const binary = etcdBinary();
  const root = mkdtempSync(join(tmpdir(), 'tracknum-etcd-'));
  const certificates = options.tls === true ? makeCertificates(root) : undefined;
  const scheme = certificates === undefined ? 'http' : 'https';
  const token = `tracknum-test-${process.pid}-${Date.now()}`;
  const members: Member[] = [];
  for (let i = 0; i < size; i += 1) {
    members.push({
      name: `m${i}`,
      clientUrl: `${scheme}://127.0.0.1:${await probePort('127.0.0.1', 0)}`,
      peerUrl: `http://127.0.0.1:${await probePort('127.0.0.1', 0)}`,
      args: [],
      process: undefined,
      output: '',
    });
  }
  const initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
  for (const m of members) {
    m.args = [
      `--name=${m.name}`,
      `--data-dir=${join(root, m.name)}`,
      `--listen-client-urls=${m.clientUrl}`,
      `--advertise-client-urls=${m.clientUrl}`,
      `--listen-peer-urls=${m.peerUrl}`,
      `--initial-advertise-peer-urls=${m.peerUrl}`,
      `--initial-cluster=${initialCluster}`,
      `--initial-cluster-token=${token}`,
      '--initial-cluster-state=new',
      '--logger=zap',
      '--log-level=warn',
      ...(certificates === undefined
        ? []
        : [
            `--cert-file=${certificates.serverCert}`,
            `--key-file=${certificates.serverKey}`,
            `--trusted-ca-file=${certificates.ca}`,
            '--client-cert-auth',
          ]),
    ];
  }

  const launch = (m: Member): void => {
    const child = spawn(binary, m.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer): void => {
      m.output = (m.output + chunk.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    m.process = child;
  };
  const healthy = async (m: Member): Promise<void> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (m.process?.exitCode !== null) throw new Error(`etcd ${m.name} exited: ${m.output}`);
      try {
        if (((await health(m.clientUrl, certificates)) as { health?: string }).health === 'true') return;
      } catch {
        // Not up yet.
      }
      if (Date.now() > deadline) throw new Error(`etcd ${m.name} not healthy in 20 s: ${m.output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const stop = async (index: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    const m = members[index];
    const child = m?.process;
    if (m === undefined || child === undefined) return;
    m.process = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };

  members.forEach(launch);
  try {
    await Promise.all(members.map(healthy));
  } catch (error) {
    await Promise.all(members.map((_, i) => stop(i, 'SIGKILL')));
    rmSync(root, { recursive: true, force: true });
    throw error;
  }

  return {
    endpoints: members.map((m) => m.clientUrl).join(','),
    certificates,
    members: members.map(({ name, clientUrl }) => ({ name, clientUrl })),
    stop,
    start: async (index) => {
      const m = members[index];
      if (m === undefined || m.process !== undefined) return;
      launch(m);
      // With more than one member, a restarted one is healthy only once it rejoined the quorum.
      await healthy(m);
    },
    close: async () => {
      await Promise.all(members.map((_, i) => stop(i, 'SIGKILL')));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** GET /health of one member, over TLS with the client certificate when there is one. */
async function health(clientUrl: string, certificates: TestCertificates | undefined): Promise<unknown> {
  if (certificates === undefined) {
    const answer = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(1000) });
    return answer.json();
  }
  return new Promise((resolve, reject) => {
    const req = request(
      `${clientUrl}/health`,
      {
        ca: readFileSync(certificates.ca),
        cert: readFileSync(certificates.clientCert),
        key: readFileSync(certificates.clientKey),
        timeout: 1000,
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => {
          try {
            resolve(JSON.parse(body));
          } catch {
            reject(new Error(`${clientUrl}/health answered ${JSON.stringify(body)}`));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
