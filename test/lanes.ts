/**
 * The test files in lanes that run side by side (`npm test` runs test/run.ts).
 * Within a lane the files run one at a time, in order; the lanes share
 * nothing (every server listens on port 0, every etcd, state directory and
 * network namespace is a test's own), so they only share the cores. The
 * abuse suite asserts latencies under attack on 2 cores, so it runs first,
 * alone (ALONE_FIRST); then the two lanes side by side.
 *
 * Each test file is in exactly one lane: a new file that is in none fails
 * `npm test` (test/unit/lanes.test.ts), rather than being left out.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface Lane {
  readonly name: string;
  /** Folders (every *.test.ts in them) and single files, relative to the project. */
  readonly entries: readonly string[];
}

/** Run before the lanes, with nothing beside it. */
export const ALONE_FIRST: Lane = { name: 'abuse', entries: ['test/abuse'] };

export const LANES: readonly Lane[] = [
  {
    name: 'services',
    entries: ['test/unit', 'test/http', 'test/model/spin.test.ts', 'test/lab/lab.test.ts'],
  },
  {
    name: 'fleet',
    entries: ['test/cluster', 'test/faults', 'test/deploy'],
  },
];

const isTestFile = (name: string): boolean => name.endsWith('.test.ts');

/** Every test file under `dir` (relative to `root`), sorted. */
function testFilesUnder(root: string, dir = 'test'): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...testFilesUnder(root, path));
    else if (isTestFile(entry.name)) found.push(path);
  }
  return found.sort();
}

/** The files of `lane`, in the order they run. */
export function laneFiles(root: string, lane: Lane): string[] {
  return lane.entries.flatMap((entry) => (isTestFile(entry) ? [entry] : testFilesUnder(root, entry)));
}

/** What is wrong with `lanes` against the test files under `root`: files in no lane, or in two. */
export function laneProblems(root: string, lanes: readonly Lane[]): string[] {
  const placed = new Map<string, string[]>();
  for (const lane of lanes) {
    for (const file of laneFiles(root, lane)) placed.set(file, [...(placed.get(file) ?? []), lane.name]);
  }
  const problems: string[] = [];
  for (const file of testFilesUnder(root)) {
    const names = placed.get(file) ?? [];
    if (names.length === 0) problems.push(`${file} is in no lane`);
    if (names.length > 1) problems.push(`${file} is in ${names.length} lanes: ${names.join(', ')}`);
  }
  return problems;
}
