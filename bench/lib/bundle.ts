/**
 * The benchmark's own servers (the ceiling and the alternative) are TypeScript;
 * running them under tsx would add its loader thread and compile step to their
 * memory and start-up figures. They are bundled once per run into plain
 * JavaScript (npm packages left as imports) and run with plain node, like the
 * built service.
 */
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';

/** Inside node_modules, so that the bundles' package imports resolve to the project's node_modules. */
const OUT_DIR = 'node_modules/.cache/tracknum-bench';

/** Bundles `entry` (relative to root) and returns the path of the .mjs to run. */
export async function bundleServer(root: string, entry: string): Promise<string> {
  const outDir = join(root, OUT_DIR);
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, basename(entry).replace(/\.ts$/, '.mjs'));
  await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
  });
  return outfile;
}
