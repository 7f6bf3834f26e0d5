/**
 * `npm run bundle [-- --out DIR]`: the production build. One self-contained
 * directory (default dist/bundle) that needs nothing but Node 20 to run:
 *
 *   main.js                 the primary thread: src/main.ts and every module it imports, packages included,
 *                           with the version and the git commit baked in (src/version.ts)
 *   worker/worker.js        the HTTP worker thread: src/worker/worker.ts, likewise (main.js starts it by URL)
 *   native/uws_<platform>_<arch>_<abi>.node
 *                           the one uWebSockets.js binary for the node running this script
 *   proto/etcd3/*.proto     etcd's API, which the etcd3 client parses when it is loaded
 *   package.json            {"type": "module"}: the bundles are ES modules wherever the directory is copied
 *   THIRD-PARTY-LICENSES.txt  the licences of the packages inlined into the bundles
 *
 * Scripts/install.sh and the Dockerfile both copy this directory. Run it with
 * the node that will run the service: the binary is chosen by its platform,
 * architecture and ABI (uWebSockets.js's own rule, src/uws.js in its package),
 * and this script stops if that node cannot load it.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const UWS_BINARY = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;

/** Each thread's entry point, and where its bundle goes (the same relative place as in src/ and dist/). */
const ENTRIES = [
  { entry: 'src/main.ts', out: 'main.js' },
  { entry: 'src/worker/worker.ts', out: 'worker/worker.js' },
] as const;

const BANNER = [
  "import { createRequire as __bundleCreateRequire } from 'node:module';",
  'const require = __bundleCreateRequire(import.meta.url);',
  'const __bundleUrl = import.meta.url;',
].join('\n');

/** Packages that must never end up in a bundle: the build tools. */
const BUILD_ONLY = ['typescript', 'ts-patch', 'tsx', 'esbuild', '@types/node', 'prettier', 'fast-check'];

function fail(message: string): never {
  console.error(`bundle: ${message}`);
  process.exit(1);
}

function parseArgs(argv: readonly string[]): { out: string } {
  let out = join(ROOT, 'dist/bundle');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--out' && argv[i + 1] !== undefined) out = resolve(argv[++i]!);
    else fail(`unknown argument ${arg} (usage: npm run bundle [-- --out DIR])`);
  }
  // It is emptied first: refuse anything that could be the checkout or a parent of it.
  if (ROOT.startsWith(`${out}/`) || `${out}/` === ROOT || out === '/') fail(`refusing to empty ${out}`);
  return { out };
}

/**
 * uWebSockets.js's package picks `binaries/uws_<platform>_<arch>_<abi>.node`
 * with a computed require() that a bundler cannot follow, and silently falls
 * back to a slow pure-JS server (which needs the `ws` package) when that
 * fails. In the bundle, `import uws from 'uWebSockets.js'` becomes this
 * module instead: the same rule, the binary from native/ next to the bundle,
 * and no fallback (src/worker/uws.ts refuses to start without the binding,
 * with UWS_NOT_NATIVE; the reason the binary did not load goes to stderr).
 */
function uwsNativePlugin(nativeDir: string): Plugin {
  return {
    name: 'uws-native',
    setup(plugin) {
      plugin.onResolve({ filter: /^uWebSockets\.js$/ }, () => ({ path: 'uWebSockets.js', namespace: 'uws-native' }));
      plugin.onLoad({ filter: /.*/, namespace: 'uws-native' }, () => ({
        loader: 'js',
        contents: `
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
const file = fileURLToPath(new URL(${JSON.stringify(nativeDir)} + 'uws_' + process.platform + '_' + process.arch + '_' + process.versions.modules + '.node', import.meta.url));
let binding = {};
try {
  binding = createRequire(import.meta.url)(file);
} catch (error) {
  process.stderr.write('tracknum: uWebSockets.js native binding ' + file + ' did not load: ' + (error && error.message) + '\\n');
}
export default binding;
`,
      }));
    },
  };
}

/**
 * etcd3 parses its .proto files when it is loaded, from
 * `${__dirname}/../proto/rpc.proto` (`__dirname` does not exist in an ES
 * module, and would be the bundle's directory anyway). Point it at the copy
 * in proto/etcd3/ next to the bundle; fail if etcd3 ever loads them another way.
 */
function etcd3ProtoPlugin(protoDir: string): Plugin {
  const original = '`${__dirname}/../proto/rpc.proto`';
  return {
    name: 'etcd3-proto',
    setup(plugin) {
      plugin.onLoad({ filter: /[\\/]etcd3[\\/]lib[\\/]connection-pool\.js$/ }, ({ path }) => {
        const source = readFileSync(path, 'utf8');
        if (source.split(original).length !== 2) fail(`${path} no longer loads ${original}: update scripts/bundle.ts`);
        // Not import.meta.url itself, which would make esbuild treat this CommonJS file as an ES module.
        const replacement = `require('node:url').fileURLToPath(new URL(${JSON.stringify(`${protoDir}rpc.proto`)}, __bundleUrl))`;
        return { loader: 'js', contents: source.replace(original, replacement) };
      });
    },
  };
}

/**
 * The git commit this checkout is at, with -dirty when tracked files differ
 * from it; TRACKNUM_COMMIT when set (scripts/install.sh and the Dockerfile
 * build from copies without .git); 'unknown' otherwise.
 */
function buildCommit(): string {
  const given = process.env['TRACKNUM_COMMIT'];
  if (given !== undefined && given !== '') return given;
  const git = (args: string[]): string | undefined => {
    const run = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
    return run.status === 0 ? run.stdout.trim() : undefined;
  };
  const commit = git(['rev-parse', 'HEAD']);
  if (commit === undefined) return 'unknown';
  return git(['status', '--porcelain', '--untracked-files=no']) === '' ? commit : `${commit}-dirty`;
}

async function bundle(out: string, buildInfo: { version: string; commit: string }): Promise<Metafile[]> {
  const metafiles: Metafile[] = [];
  for (const { entry, out: outFile } of ENTRIES) {
    // From this bundle's directory back to the bundle root, where native/ and proto/ are.
    const up = relative(dirname(join(out, outFile)), out);
    const toRoot = up === '' ? './' : `${up}/`;
    const result = await build({
      absWorkingDir: ROOT,
      entryPoints: [entry],
      outfile: join(out, outFile),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // CommonJS packages inside an ES module bundle call require() for Node's built-in modules,
      // and etcd3ProtoPlugin needs the bundle's URL.
      banner: { js: BANNER },
      // Readable stack traces; licences are collected into THIRD-PARTY-LICENSES.txt instead.
      minify: false,
      legalComments: 'none',
      metafile: true,
      logLevel: 'warning',
      plugins: [uwsNativePlugin(`${toRoot}native/`), etcd3ProtoPlugin(`${toRoot}proto/etcd3/`)],
      // src/version.ts: the version and commit, baked in.
      define: {
        TRACKNUM_VERSION: JSON.stringify(buildInfo.version),
        TRACKNUM_COMMIT: JSON.stringify(buildInfo.commit),
      },
    });
    if (result.warnings.length > 0) fail(`esbuild warned about ${entry}; fix that first`);
    metafiles.push(result.metafile);
  }
  return metafiles;
}

/** The npm package a bundled input file comes from: its name and its directory, or undefined for our sources. */
function packageOf(input: string): { name: string; dir: string } | undefined {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  const name = parts[at + 1]?.startsWith('@') ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1]!;
  return { name, dir: join(ROOT, ...parts.slice(0, at + 1), name) };
}

/** Writes THIRD-PARTY-LICENSES.txt; returns the names of the packages in the bundles. */
function writeLicences(out: string, metafiles: readonly Metafile[]): string[] {
  // By directory: two versions of one package (a nested node_modules) are two entries.
  const dirs = new Map<string, string>();
  for (const metafile of metafiles) {
    for (const input of Object.keys(metafile.inputs)) {
      const found = packageOf(input);
      if (found !== undefined) dirs.set(found.dir, found.name);
    }
  }
  dirs.set(join(ROOT, 'node_modules/uWebSockets.js'), 'uWebSockets.js');
  const sections = [...dirs.keys()]
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
        license?: string;
      };
      const file = readdirSync(dir).find((each) => /^(licen[cs]e|copying)/i.test(each));
      const text =
        file === undefined
          ? `(no licence file in the package; declared: ${manifest.license})`
          : readFileSync(join(dir, file), 'utf8').trim();
      return { id: `${manifest.name}@${manifest.version}`, text: `(${manifest.license ?? 'unknown'})\n\n${text}\n` };
    })
    .sort((a, b) => a.id.localeCompare(b.id))
    .map(({ id, text }) => `${id} ${text}`);
  writeFileSync(
    join(out, 'THIRD-PARTY-LICENSES.txt'),
    `Packages included in this build of tracknum\n\n${sections.join(`\n${'-'.repeat(72)}\n\n`)}`,
  );
  return [...new Set(dirs.values())].sort();
}

function sizeOf(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, each) => sum + sizeOf(join(path, each)), 0);
}

async function main(): Promise<void> {
  const { out } = parseArgs(process.argv.slice(2));
  const binary = join(ROOT, 'node_modules/uWebSockets.js/binaries', UWS_BINARY);
  if (!existsSync(binary))
    fail(`uWebSockets.js has no ${UWS_BINARY} for Node ${process.versions.node}; run \`npm ci\`?`);

  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const buildInfo = { version: manifest.version, commit: buildCommit() };
  rmSync(out, { recursive: true, force: true });
  const metafiles = await bundle(out, buildInfo);

  mkdirSync(join(out, 'native'));
  copyFileSync(binary, join(out, 'native', UWS_BINARY));
  mkdirSync(join(out, 'proto/etcd3'), { recursive: true });
  for (const proto of readdirSync(join(ROOT, 'node_modules/etcd3/proto'))) {
    copyFileSync(join(ROOT, 'node_modules/etcd3/proto', proto), join(out, 'proto/etcd3', proto));
  }
  writeFileSync(
    join(out, 'package.json'),
    `${JSON.stringify({ name: manifest.name, version: manifest.version, private: true, type: 'module' }, null, 2)}\n`,
  );
  const packages = writeLicences(out, metafiles);
  const tools = packages.filter((name) => BUILD_ONLY.includes(name));
  if (tools.length > 0) fail(`build tools were bundled: ${tools.join(', ')}`);

  // The node running this script must load the binary (the bundle will do the same at start-up) ...
  const uws = createRequire(join(out, 'main.js'))(`./native/${UWS_BINARY}`) as Record<string, unknown>;
  if (typeof uws['SSLApp'] !== 'function' || typeof uws['us_listen_socket_close'] !== 'function') {
    fail(`${UWS_BINARY} loaded, but it is not uWebSockets.js's native binding`);
  }
  // ... and the bundle must load every module it needs from its own directory, without a warning, and know its build.
  const help = spawnSync(process.execPath, [join(out, 'main.js'), 'serve', '--help'], { encoding: 'utf8', cwd: '/' });
  if (help.status !== 0 || help.stderr !== '' || !help.stdout.includes('NODE_ID')) {
    fail(`node ${join(out, 'main.js')} serve --help failed (exit ${help.status}):\n${help.stderr}${help.stdout}`);
  }
  const version = spawnSync(process.execPath, [join(out, 'main.js'), '--version'], { encoding: 'utf8', cwd: '/' });
  if (version.stdout !== `tracknum ${buildInfo.version} (commit ${buildInfo.commit})\n`) {
    fail(`node ${join(out, 'main.js')} --version printed ${JSON.stringify(version.stdout + version.stderr)}`);
  }

  const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(2)} MB`;
  for (const each of readdirSync(out)) console.log(`bundle: ${mb(sizeOf(join(out, each))).padStart(9)}  ${each}`);
  console.log(
    `bundle: ${mb(sizeOf(out)).padStart(9)}  ${relative(process.cwd(), out) || '.'} (tracknum ${buildInfo.version}, commit ${buildInfo.commit}; Node ${process.versions.node}, ${UWS_BINARY}; ${packages.length} packages in THIRD-PARTY-LICENSES.txt)`,
  );
}

await main();
