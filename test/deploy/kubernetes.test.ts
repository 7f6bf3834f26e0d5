/**
 * The Kubernetes manifests (deploy/kubernetes/): each document validated
 * against the Kubernetes API schemas (kubernetes-models, generated from
 * Kubernetes' OpenAPI document, pinned exactly), without a cluster; unknown
 * fields, which those schemas let through, found by comparing every field
 * with the models' TypeScript types (tsc's excess-property check); and the
 * settings tracknum depends on checked one by one. No live cluster runs them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Secret, Service } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { optionsHelp } from '../../src/primary/config.js';
import { ROOT } from '../helpers/service.js';

const DIR = join(ROOT, 'deploy/kubernetes');

interface Manifest {
  file: string;
  object: { apiVersion: string; kind: string; metadata: { name: string } } & Record<string, unknown>;
}

/** Every document of every YAML file, read as the YAML 1.1 that kubectl's parser speaks. */
function manifests(): Manifest[] {
  return readdirSync(DIR)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(DIR, file), 'utf8'), { version: '1.1' }).map((document) => {
        assert.deepEqual(document.errors, [], file);
        return { file, object: document.toJS() as Manifest['object'] };
      }),
    );
}

/** The model (schema and TypeScript type) of each kind the manifests use. */
const MODELS = {
  'apps/v1 Deployment': { model: Deployment, type: ['kubernetes-models/apps/v1', 'IDeployment'] },
  'policy/v1 PodDisruptionBudget': {
    model: PodDisruptionBudget,
    type: ['kubernetes-models/policy/v1', 'IPodDisruptionBudget'],
  },
  'v1 Secret': { model: Secret, type: ['kubernetes-models/v1', 'ISecret'] },
  'v1 Service': { model: Service, type: ['kubernetes-models/v1', 'IService'] },
} as const;

function only<T>(kind: string): T {
  const found = manifests().filter((m) => m.object.kind === kind);
  assert.equal(found.length, 1, `one ${kind}`);
  return found[0]!.object as T;
}

// The parts of the objects the checks read (the schemas check the rest).
interface Probe {
  httpGet?: { path: string; port: string | number; scheme?: string };
}
interface Container {
  name: string;
  command?: string[];
  ports: { name: string; containerPort: number }[];
  env: { name: string; value?: string }[];
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
  readinessProbe: Probe;
  livenessProbe: Probe;
  startupProbe?: Probe;
  resources: { limits: { cpu: string } };
  securityContext: {
    allowPrivilegeEscalation: boolean;
    readOnlyRootFilesystem: boolean;
    capabilities: { drop: string[] };
  };
}
interface DeploymentObject {
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        terminationGracePeriodSeconds: number;
        securityContext: { runAsNonRoot: boolean; runAsUser: number; runAsGroup: number; fsGroup: number };
        containers: Container[];
        volumes: {
          name: string;
          secret?: { secretName: string; defaultMode: number; items: { key: string; path: string }[] };
        }[];
      };
    };
  };
}

describe('the Kubernetes manifests', () => {
  it('are valid against the Kubernetes schemas, each of a kind known here', () => {
    const all = manifests();
    assert.deepEqual(all.map((m) => `${m.object.apiVersion} ${m.object.kind}`).sort(), Object.keys(MODELS).sort());
    for (const { file, object } of all) {
      const { model } = MODELS[`${object.apiVersion} ${object.kind}` as keyof typeof MODELS];
      assert.doesNotThrow(() => new model(object).validate(), file);
    }
  });

  it('the schemas refuse a broken manifest (the validation is not a no-op)', () => {
    const deployment = structuredClone(only<DeploymentObject & Record<string, unknown>>('Deployment'));
    deployment.spec.template.spec.volumes[0]!.secret!.defaultMode = '0440' as unknown as number;
    assert.throws(() => new Deployment(deployment as never).validate(), /defaultMode must be integer/);
  });

  it('have no field the Kubernetes types do not know (tsc, excess properties)', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracknum-k8s-types-'));
    try {
      const imports = Object.values(MODELS).map(({ type: [from, name] }) => `import type { ${name} } from '${from}';`);
      const lines = manifests().map(({ file, object }, index) => {
        const [, name] = MODELS[`${object.apiVersion} ${object.kind}` as keyof typeof MODELS].type;
        return `// ${file}\nexport const m${index}: ${name} = ${JSON.stringify(object, null, 2)};`;
      });
      const probe = join(dir, 'manifests.ts');
      writeFileSync(probe, `${imports.join('\n')}\n${lines.join('\n')}\n`);
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noEmit: true,
            module: 'nodenext',
            moduleResolution: 'nodenext',
            target: 'es2022',
            skipLibCheck: true,
            types: [],
            typeRoots: [],
            baseUrl: '.',
            paths: { '*': [join(ROOT, 'node_modules/*')] },
          },
          files: ['manifests.ts'],
        }),
      );
      const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], {
        encoding: 'utf8',
      });
      assert.equal(tsc.status, 0, `${tsc.stdout}${tsc.stderr}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('probe /readyz and /healthz over HTTP on the container port; drain before the grace period ends', () => {
    const { spec } = only<DeploymentObject>('Deployment');
    const pod = spec.template.spec;
    const [container] = pod.containers;
    assert.ok(container !== undefined && pod.containers.length === 1);
    const port = container.ports.find((p) => p.containerPort === 3000);
    assert.ok(port !== undefined, 'port 3000 (the image sets PORT=3000)');
    const target = (probe: Probe): [string | undefined, string | number | undefined, string] => [
      probe.httpGet?.path,
      probe.httpGet?.port,
      probe.httpGet?.scheme ?? 'HTTP',
    ];
    assert.deepEqual(target(container.readinessProbe), ['/readyz', port.name, 'HTTP']);
    assert.deepEqual(target(container.livenessProbe), ['/healthz', port.name, 'HTTP']);
    if (container.startupProbe !== undefined) {
      assert.deepEqual(target(container.startupProbe), ['/healthz', port.name, 'HTTP']);
    }
    const env = new Map(container.env.map((e) => [e.name, e.value]));
    const delay = Number(env.get('SHUTDOWN_DELAY') ?? 0);
    // A drain takes up to ~12 s after the delay (idle keep-alive connections close at uWS's idle timeout).
    assert.ok(delay > 0, 'SHUTDOWN_DELAY keeps issuing while endpoints drop the pod');
    assert.ok(delay + 12 <= pod.terminationGracePeriodSeconds, 'the delay and a drain fit in the grace period');
  });

  it('run in the etcd mode with the key from the Secret, as settings tracknum knows', () => {
    const { spec } = only<DeploymentObject>('Deployment');
    const pod = spec.template.spec;
    const container = pod.containers[0]!;
    const env = new Map(container.env.map((e) => [e.name, e.value]));
    const known = new Set([...optionsHelp(undefined, {}).matchAll(/^ {2}--\S+ \S+\s+([A-Z_]+)\s/gm)].map((m) => m[1]));
    for (const name of env.keys()) assert.ok(known.has(name), `${name} is not a tracknum setting`);
    assert.match(env.get('ETCD_ENDPOINTS') ?? '', /^https?:\/\//);
    assert.ok(env.has('ETCD_PREFIX'));
    assert.ok(!env.has('NODE_ID'), 'the etcd mode refuses NODE_ID');
    // WORKERS: the cores the pod may use, not the node's.
    assert.equal(env.get('WORKERS'), container.resources.limits.cpu);

    // The key file is in the Secret's volume, as the Secret names it.
    const keyFile = env.get('TRACKING_NUMBER_KEY_FILE') ?? '';
    const mount = container.volumeMounts.find((m) => keyFile.startsWith(`${m.mountPath}/`));
    assert.ok(mount !== undefined && mount.readOnly === true, `${keyFile} is in a read-only mount`);
    const volume = pod.volumes.find((v) => v.name === mount.name);
    const secret = volume?.secret;
    assert.ok(secret !== undefined, 'the key comes from a Secret');
    const item = secret.items.find((i) => i.path === keyFile.slice(mount.mountPath.length + 1));
    assert.ok(item !== undefined, `the Secret's items put a file at ${keyFile}`);
    const template = only<{ metadata: { name: string }; stringData: Record<string, string> }>('Secret');
    assert.equal(template.metadata.name, secret.secretName);
    assert.ok(item.key in template.stringData, `the Secret template has ${item.key}`);
    assert.doesNotMatch(Object.values(template.stringData).join('\n'), /[0-9a-f]{64}/i, 'no real key in the template');

    // The file's mode: root's, group fsGroup. tracknum's rule for a root-owned secret file (src/safeFiles.ts):
    // nothing for others, group read at most; the service's user must be in the group to read it.
    assert.equal(secret.defaultMode, 0o440);
    assert.equal(secret.defaultMode & 0o027, 0, 'root-owned: group may read, nothing more');
    assert.equal(pod.securityContext.fsGroup, pod.securityContext.runAsGroup);
  });

  it('run as the image’s non-root user, read-only, without privileges or core dumps', () => {
    const { spec } = only<DeploymentObject>('Deployment');
    const pod = spec.template.spec;
    const container = pod.containers[0]!;
    const user = /^USER (\d+):(\d+)$/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
    assert.ok(user !== null, "the Dockerfile's numeric USER");
    assert.deepEqual(
      [pod.securityContext.runAsNonRoot, pod.securityContext.runAsUser, pod.securityContext.runAsGroup],
      [true, Number(user[1]), Number(user[2])],
    );
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.equal(container.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(container.securityContext.capabilities.drop, ['ALL']);
    // Kubernetes has no RLIMIT_CORE setting: the entry command sets it, then execs the tracknum command.
    const command = (container.command ?? []).join(' ');
    assert.match(command, /ulimit -c 0 && exec \/usr\/local\/bin\/tracknum serve$/);
  });

  it('the PodDisruptionBudget and the Service select the Deployment’s pods', () => {
    const { spec } = only<DeploymentObject>('Deployment');
    const labels = spec.template.metadata.labels;
    const selects = (selector: Record<string, string>): boolean =>
      Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);
    assert.ok(selects(spec.selector.matchLabels), "the Deployment's selector matches its pods");
    const pdb = only<{ spec: { selector: { matchLabels: Record<string, string> }; maxUnavailable?: number } }>(
      'PodDisruptionBudget',
    );
    assert.deepEqual(pdb.spec.selector.matchLabels, spec.selector.matchLabels);
    assert.equal(pdb.spec.maxUnavailable, 1);
    const service = only<{ spec: { selector: Record<string, string>; ports: { targetPort: string | number }[] } }>(
      'Service',
    );
    assert.ok(selects(service.spec.selector), "the Service's selector matches the pods");
    const ports = spec.template.spec.containers[0]!.ports;
    for (const { targetPort } of service.spec.ports) {
      assert.ok(
        ports.some((p) => p.name === targetPort || p.containerPort === targetPort),
        String(targetPort),
      );
    }
  });
});
