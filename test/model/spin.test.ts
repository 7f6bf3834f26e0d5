/**
 * The Promela model of the uniqueness protocol (model/tracknum.pml), checked
 * with spin: the model of the current code must verify exhaustively with no
 * error, and the model of the code before the fix of issue 13 (defect 1) must
 * fail. A model that never fails would prove nothing. See model/README.md.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const MODEL = join(import.meta.dirname, '..', '..', 'model', 'tracknum.pml');
/** Far above the depth the search reaches (about 220), so that it is never cut off. */
const MAX_DEPTH = 100_000;

function requireTool(tool: 'spin' | 'gcc'): void {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
  assert.notEqual(
    found,
    '',
    `${tool} is missing: the model check needs it. Install Debian's ${tool} package (sudo apt-get install -y ${tool}); scripts/install-test-tools.sh installs it`,
  );
}

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(result.error, undefined, `${command} ${args.join(' ')}: ${String(result.error)}`);
  return `${result.stdout}${result.stderr}`;
}

interface Verification {
  output: string;
  errors: number;
  states: number;
  directory: string;
}

/** Generates, compiles and runs the verifier for the model with `defines`, in its own directory. */
function verify(root: string, name: string, defines: string[], compilerFlags: string[] = []): Verification {
  const directory = join(root, name);
  mkdirSync(directory);
  copyFileSync(MODEL, join(directory, 'tracknum.pml'));
  const generated = spawnSync('spin', [...defines, '-a', 'tracknum.pml'], { cwd: directory, encoding: 'utf8' });
  assert.equal(generated.status, 0, `spin -a failed:\n${generated.stdout}${generated.stderr}`);
  const compiled = spawnSync('gcc', ['-O2', '-DSAFETY', ...compilerFlags, '-o', 'pan', 'pan.c'], {
    cwd: directory,
    encoding: 'utf8',
  });
  assert.equal(compiled.status, 0, `gcc failed:\n${compiled.stderr}`);
  const output = run('./pan', [`-m${MAX_DEPTH}`], directory);
  const errors = /errors: (\d+)/.exec(output);
  const states = /(\d+) states, stored/.exec(output);
  assert.ok(errors !== null && states !== null, `unexpected pan output:\n${output}`);
  return { output, errors: Number(errors[1]), states: Number(states[1]), directory };
}

describe('the Promela model of the uniqueness protocol', () => {
  let root = '';
  before(() => {
    requireTool('spin');
    requireTool('gcc');
    root = mkdtempSync(join(tmpdir(), 'tracknum-model-'));
  });
  after(() => {
    if (root !== '') rmSync(root, { recursive: true, force: true });
  });

  it('finds no error in the model of the current code, in a complete exhaustive search', { timeout: 600_000 }, () => {
    const result = verify(root, 'fixed', []);
    assert.equal(result.errors, 0, result.output);
    assert.match(result.output, /assertion violations\s+\+/, 'assertions are checked');
    assert.match(result.output, /Full statespace search/, 'exhaustive, not bitstate');
    assert.doesNotMatch(result.output, /max search depth too small/);
    assert.doesNotMatch(result.output, /depth limit reached/i);
    assert.doesNotMatch(result.output, /Search not completed/);
    const depth = /depth reached (\d+)/.exec(result.output);
    assert.ok(depth !== null && Number(depth[1]) < MAX_DEPTH, result.output);
    assert.ok(result.states > 100_000, `suspiciously few states: ${result.states}`);
  });

  it(
    'finds defect 1 of issue 13 in the model of the code before the fix, through settle()',
    { timeout: 600_000 },
    () => {
      // -DREVERSE only changes the search order (it finds the error sooner); the trail replays the same.
      const result = verify(root, 'begin-switches-store-first', ['-DBEGIN_SWITCHES_STORE_FIRST'], ['-DREVERSE']);
      assert.equal(result.errors, 1, result.output);
      assert.match(
        result.output,
        /assertion violated \(\(owner\[n\]==\(i\+1\)\)\|\|\(s>=hiUsed\[n\]\)\)/,
        result.output,
      );

      const replay = run('spin', ['-DBEGIN_SWITCHES_STORE_FIRST', '-t', 'tracknum.pml'], result.directory);
      assert.match(replay, /assertion violated/, replay);
      // The trail: a re-claim whose read fails, a revoke that fails, then settle() writes
      // into that node's mark, and a later holder of the node issues below the old mark.
      const settle = /SecondsReservation_settle: writes (\d+) into node (\d+)'s mark/.exec(replay);
      assert.ok(settle !== null, `the trail does not go through settle():\n${replay}`);
      assert.match(replay, /SecondsReservation_begin: reading node \d+'s mark failed/, replay);
      const issuedAfter = replay.slice(settle.index).match(/issued node (\d+) second (\d+)/g) ?? [];
      assert.ok(
        issuedAfter.some((line) => line.startsWith(`issued node ${settle[2]} `)),
        `no number issued under node ${settle[2]} after the settle:\n${replay}`,
      );
    },
  );
});
