/**
 * The Promela model of the uniqueness protocol (model/tracknum.pml), checked
 * with spin. The model of the protocol must verify exhaustively with no error;
 * each switch that removes one defence must fail, through the assertion that
 * defence keeps (P1: no (node ID, second) used twice; P2: no second at or
 * above the last mark the holder saw acknowledged). A model that never fails
 * would prove nothing, and a model that lost an assertion would still pass
 * the first check: the second catches it. See model/README.md.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const MODEL = join(import.meta.dirname, '..', '..', 'model', 'tracknum.pml');
/** Far above the depth the search reaches (about 220), so that it is never cut off. */
const MAX_DEPTH = 100_000;

/** The text spin prints for a violated P1 (the record of used pairs) or P2 (the acknowledged mark). */
const VIOLATED = {
  P1: /assertion violated \(\(\(pastUse\[n\]\|.*curUse\[/,
  P2: /assertion violated \(s<acked\[/,
} as const;

function requireTool(tool: 'spin' | 'gcc'): void {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
  assert.notEqual(
    found,
    '',
    `${tool} is missing: the model check needs it. Install Debian's ${tool} package (sudo apt-get install -y ${tool}); scripts/install-test-tools.sh installs it`,
  );
}

interface Ran {
  status: number | null;
  output: string;
}

/**
 * Runs a command without blocking the event loop, so that two verifications
 * can run at once; after `timeoutMs` it is killed (status null).
 */
function run(command: string, args: string[], cwd: string, timeoutMs?: number): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output: Buffer.concat(chunks).toString('utf8') });
    });
  });
}

interface Verification {
  output: string;
  errors: number;
  states: number;
  directory: string;
}

/**
 * A search that must find an error finds it within seconds (the slowest here
 * in about 1 s of search, unloaded): one that has not after this long has lost
 * its assertion or its defect, and would otherwise go on through the whole
 * state space unoptimized.
 */
const NEGATIVE_SEARCH_LIMIT_MS = 30_000;

/**
 * Generates, compiles and runs the verifier for the model with `defines`, in
 * its own directory. A search that must find an error is short, so it is
 * compiled without optimization (about 1.5 s instead of 10 to 18 s) and killed
 * after `searchLimitMs`.
 */
async function verify(
  root: string,
  name: string,
  defines: string[],
  compilerFlags: string[],
  searchLimitMs?: number,
): Promise<Verification> {
  const directory = join(root, name);
  mkdirSync(directory);
  copyFileSync(MODEL, join(directory, 'tracknum.pml'));
  const generated = await run('spin', [...defines, '-a', 'tracknum.pml'], directory);
  assert.equal(generated.status, 0, `spin -a failed:\n${generated.output}`);
  const compiled = await run('gcc', ['-DSAFETY', ...compilerFlags, '-o', 'pan', 'pan.c'], directory);
  assert.equal(compiled.status, 0, `gcc failed:\n${compiled.output}`);
  const { status, output } = await run('./pan', [`-m${MAX_DEPTH}`], directory, searchLimitMs);
  assert.notEqual(status, null, `pan found no error within ${searchLimitMs} ms, and was killed:\n${output}`);
  const errors = /errors: (\d+)/.exec(output);
  const states = /(\d+) states, stored/.exec(output);
  assert.ok(errors !== null && states !== null, `unexpected pan output:\n${output}`);
  return { output, errors: Number(errors[1]), states: Number(states[1]), directory };
}

/** The trail of the error pan found, replayed: the steps the model prints (MSC lines) and the failed assertion. */
async function replay(result: Verification, defines: string[]): Promise<string> {
  const { output } = await run('spin', [...defines, '-t', 'tracknum.pml'], result.directory);
  assert.match(output, /assertion violated/, output);
  return output;
}

/** The negative runs share one core: the exhaustive search has the other. */
let negativeLane: Promise<unknown> = Promise.resolve();
function inNegativeLane<T>(task: () => Promise<T>): Promise<T> {
  const turn = negativeLane.then(task);
  negativeLane = turn.catch(() => undefined);
  return turn;
}

interface Negative {
  /** What the switch does to the protocol. */
  title: string;
  defines: string[];
  violates: keyof typeof VIOLATED;
  /** Whether pan searches in reverse order (-DREVERSE), whichever finds this error sooner; the trail replays either way. */
  reverse: boolean;
  /** Checks that the trail goes through the defect, not some other way to the assertion. */
  through: (trail: string) => void;
}

/** The last line of the trail that matches `pattern`, before the failed assertion. */
function lastMatch(trail: string, pattern: RegExp): RegExpExecArray | undefined {
  const global = new RegExp(pattern.source, 'g');
  let last: RegExpExecArray | undefined;
  for (let found = global.exec(trail); found !== null; found = global.exec(trail)) last = found;
  return last;
}

/** The trail issued a number at its limit: only a worker that takes second == limit does. */
function issuedAtLimit(trail: string): void {
  const atLimit = [...trail.matchAll(/issued node \d+ second (\d+) \(limit (\d+)\)/g)].some(
    (issued) => Number(issued[1]) >= Number(issued[2]),
  );
  assert.ok(atLimit, `no number issued at its limit:\n${trail}`);
}

/** The trail has an extend() whose write failed: the limit it raised beforehand was never acknowledged. */
function extendWriteFailed(trail: string): void {
  assert.match(trail, /SecondsReservation_extend: node \d+, write of \d+ failed/, trail);
}

const NEGATIVES: Negative[] = [
  {
    title: 'mark writes that are plain puts, not transactions guarded by the lease',
    defines: ['-DUNGUARDED_MARK_WRITE'],
    reverse: true,
    violates: 'P1',
    through: (trail) => assert.match(trail, /highWaterStore_write: unguarded, node \d+'s key is not bound/, trail),
  },
  {
    title: 'a limit raised before its mark write is acknowledged',
    defines: ['-DLIMIT_BEFORE_ACK'],
    reverse: false,
    violates: 'P2',
    through: extendWriteFailed,
  },
  {
    title: 'a limit raised before its mark write is acknowledged, without P2: uniqueness itself fails',
    defines: ['-DLIMIT_BEFORE_ACK', '-DNO_P2'],
    reverse: false,
    violates: 'P1',
    through: extendWriteFailed,
  },
  {
    title: 'a successor that starts below the mark it read',
    defines: ['-DSUCCESSOR_BELOW_MARK'],
    reverse: false,
    violates: 'P1',
    through: (trail) => {
      const below = [...trail.matchAll(/SecondsReservation_begin: node \d+ read (\d+), start (\d+)/g)].some(
        (begin) => Number(begin[2]) < Number(begin[1]),
      );
      assert.ok(below, `no begin() started below the mark it read:\n${trail}`);
    },
  },
  {
    title: 'settle() below the floor',
    defines: ['-DSETTLE_BELOW_FLOOR'],
    reverse: true,
    violates: 'P1',
    through: (trail) => {
      // The settle writes below the mark the same node's begin() read, and the node is issued again after it.
      const settle = lastMatch(trail, /SecondsReservation_settle: writes (\d+) into node (\d+)'s mark/);
      assert.ok(settle !== undefined, `the trail does not go through settle():\n${trail}`);
      const begin = lastMatch(
        trail.slice(0, settle.index),
        new RegExp(`SecondsReservation_begin: node ${settle[2]} read (\\d+)`),
      );
      assert.ok(begin !== undefined && Number(settle[1]) < Number(begin[1]), `settle() kept the floor:\n${trail}`);
      assert.match(trail.slice(settle.index), new RegExp(`issued node ${settle[2]} `), trail);
    },
  },
  {
    title: 'a worker that issues at the limit',
    defines: ['-DWORKER_ISSUES_AT_LIMIT'],
    reverse: false,
    violates: 'P2',
    through: issuedAtLimit,
  },
  {
    title: 'a worker that issues at the limit, without P2: uniqueness itself fails',
    defines: ['-DWORKER_ISSUES_AT_LIMIT', '-DNO_P2'],
    reverse: false,
    violates: 'P1',
    through: issuedAtLimit,
  },
  {
    title: 'begin() and settle() before the fix of issue 13 (defect 1)',
    defines: ['-DBEGIN_SWITCHES_STORE_FIRST'],
    reverse: true,
    violates: 'P1',
    through: (trail) => {
      // A re-claim whose read fails, a revoke that fails, then settle() writes into that
      // node's mark, and a later holder of the node issues below the old mark.
      const settle = /SecondsReservation_settle: writes (\d+) into node (\d+)'s mark/.exec(trail);
      assert.ok(settle !== null, `the trail does not go through settle():\n${trail}`);
      assert.match(trail, /SecondsReservation_begin: reading node \d+'s mark failed/, trail);
      assert.match(trail.slice(settle.index), new RegExp(`issued node ${settle[2]} `), trail);
    },
  },
];

describe('the Promela model of the uniqueness protocol', { concurrency: true }, () => {
  let root = '';
  before(() => {
    requireTool('spin');
    requireTool('gcc');
    root = mkdtempSync(join(tmpdir(), 'tracknum-model-'));
  });
  after(() => {
    if (root !== '') rmSync(root, { recursive: true, force: true });
  });

  it('finds no error in the model of the protocol, in a complete exhaustive search', { timeout: 600_000 }, async () => {
    const result = await verify(root, 'protocol', [], ['-O2']);
    assert.equal(result.errors, 0, result.output);
    assert.match(result.output, /assertion violations\s+\+/, 'assertions are checked');
    assert.match(result.output, /Full statespace search/, 'exhaustive, not bitstate');
    assert.doesNotMatch(result.output, /max search depth too small/);
    assert.doesNotMatch(result.output, /depth limit reached/i);
    assert.doesNotMatch(result.output, /Search not completed/);
    const depth = /depth reached (\d+)/.exec(result.output);
    assert.ok(depth !== null && Number(depth[1]) < MAX_DEPTH, result.output);
    assert.ok(result.states > 1_000_000, `suspiciously few states: ${result.states}`);
    // Every assertion is reached: a model in which no number is ever issued would pass vacuously.
    assert.doesNotMatch(result.output.slice(result.output.indexOf('unreached in')), /assert\(/, result.output);
  });

  for (const negative of NEGATIVES) {
    it(
      `fails through ${negative.violates} with ${negative.title} (${negative.defines.join(' ')})`,
      {
        timeout: 1_200_000, // it waits for its turn in the negative lane
      },
      () =>
        inNegativeLane(async () => {
          const name = negative.defines.join('').replaceAll('-D', '-').slice(1);
          const order = negative.reverse ? ['-DREVERSE'] : [];
          const result = await verify(root, name, negative.defines, ['-O0', ...order], NEGATIVE_SEARCH_LIMIT_MS);
          assert.equal(result.errors, 1, result.output);
          assert.match(result.output, VIOLATED[negative.violates], result.output);
          const trail = await replay(result, negative.defines);
          assert.match(trail, /spin: text of failed assertion/, trail);
          negative.through(trail);
        }),
    );
  }
});
