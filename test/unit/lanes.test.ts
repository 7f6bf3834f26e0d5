import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ALONE_FIRST, LANES, laneFiles, laneProblems, type Lane } from '../lanes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A project with the given test files (relative paths), and nothing in them. */
function project(files: readonly string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'tracknum-lanes-'));
  for (const file of files) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), '');
  }
  return root;
}

describe('test lanes', () => {
  it("place each of this project's test files in exactly one lane", () => {
    assert.deepEqual(laneProblems(ROOT, [ALONE_FIRST, ...LANES]), []);
    assert.ok(laneFiles(ROOT, ALONE_FIRST).includes('test/abuse/slowBodies.test.ts'));
    assert.ok(laneFiles(ROOT, LANES[0]!).includes('test/unit/lanes.test.ts'));
  });

  it("name in readme.md's command only a lane that exists", () => {
    const readme = readFileSync(join(ROOT, 'readme.md'), 'utf8');
    const named = [...readme.matchAll(/node --import tsx test\/run\.ts ([a-z]+)/g)].map((match) => match[1]);
    assert.ok(named.length > 0, 'readme.md shows how to run one lane');
    for (const name of named)
      assert.ok(
        [ALONE_FIRST, ...LANES].some((lane) => lane.name === name),
        name,
      );
  });

  it('name a file in no lane, and a file in two', () => {
    const root = project(['test/unit/a.test.ts', 'test/http/b.test.ts', 'test/lab/c.test.ts', 'test/lab/helper.ts']);
    const lanes: Lane[] = [
      { name: 'one', entries: ['test/unit', 'test/http/b.test.ts'] },
      { name: 'two', entries: ['test/http'] },
    ];
    assert.deepEqual(laneProblems(root, lanes), [
      'test/http/b.test.ts is in 2 lanes: one, two',
      'test/lab/c.test.ts is in no lane',
    ]);
    assert.deepEqual(laneFiles(root, lanes[0]!), ['test/unit/a.test.ts', 'test/http/b.test.ts']);
  });
});
