/**
 * The servers a paired benchmark can name (bench/paired.ts, bench/ledger.ts):
 *
 *   ceiling      bare uWebSockets.js answering a constant body (bench/servers/bareUws.ts)
 *   dist         tracknum, tspc's build (dist/main.js), opaque numbers
 *   bundle       tracknum, the production bundle (dist/bundle/main.js), opaque numbers
 *   sequential   the bundle with NUMBER_FORMAT=sequential
 *   clients      the bundle with a clients file: every request carries a Bearer token and takes from a quota
 *   baseline     another checkout's dist/main.js (BENCH_BASELINE), opaque numbers
 *   fastify      the Fastify + node:cluster alternative
 *   <variant>    the bundle with one stage made free (bench/lib/variants.ts: no-header-walk, query-free, ...)
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bundleServer } from './bundle.js';
import type { ServerSpec } from './servers.js';
import { buildVariant, VARIANTS } from './variants.js';

const SERVER_NAMES = ['ceiling', 'dist', 'bundle', 'sequential', 'clients', 'baseline', 'fastify'] as const;

/** The first node ID given out; each tracknum of one run takes the next lower one. */
const FIRST_NODE_ID = 4089;

/** Specs for `names`, in order, building what they need (the ceiling's bundle, variants). */
export async function resolveServers(root: string, names: readonly string[]): Promise<ServerSpec[]> {
  const bundle = join(root, 'dist/bundle');
  const needs = (path: string, how: string): string => {
    if (!existsSync(path)) throw new Error(`${path} is missing: ${how}`);
    return path;
  };
  let nodeId = FIRST_NODE_ID;
  const tracknum = (format: 'opaque' | 'sequential', clientsFile = false) => ({
    format,
    nodeId: nodeId--,
    clientsFile,
  });
  const specs: ServerSpec[] = [];
  for (const name of names) {
    const variant = VARIANTS.find((each) => each.id === name);
    if (variant !== undefined) {
      const out = join(root, 'node_modules/.cache/tracknum-bench/variants', variant.id);
      const main = buildVariant(needs(bundle, 'run `npm run bundle` first'), out, variant);
      specs.push({ name, main, tracknum: tracknum('opaque') });
      continue;
    }
    switch (name) {
      case 'ceiling':
        specs.push({ name, main: await bundleServer(root, 'bench/servers/bareUws.ts') });
        break;
      case 'fastify':
        specs.push({ name, main: await bundleServer(root, 'bench/alternatives/fastifyCluster.ts') });
        break;
      case 'dist':
        specs.push({
          name,
          main: needs(join(root, 'dist/main.js'), 'run `npm run build` first'),
          tracknum: tracknum('opaque'),
        });
        break;
      case 'bundle':
      case 'sequential':
      case 'clients':
        specs.push({
          name,
          main: needs(join(bundle, 'main.js'), 'run `npm run bundle` first'),
          tracknum: tracknum(name === 'sequential' ? 'sequential' : 'opaque', name === 'clients'),
        });
        break;
      case 'baseline': {
        const checkout = process.env['BENCH_BASELINE'];
        if (checkout === undefined || checkout === '')
          throw new Error('baseline: set BENCH_BASELINE to a checkout with its dist/ built');
        specs.push({
          name,
          main: needs(join(checkout, 'dist/main.js'), 'build that checkout first'),
          tracknum: tracknum('opaque'),
        });
        break;
      }
      default:
        throw new Error(
          `unknown server ${JSON.stringify(name)}: one of ${[...SERVER_NAMES, ...VARIANTS.map((v) => v.id)].join(', ')}`,
        );
    }
  }
  return specs;
}
