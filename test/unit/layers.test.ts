/**
 * The source folders depend one way: each module imports only from its own
 * folder or from the layers below it. A cycle between folders (api/ and
 * validation/ once imported each other) fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { filesUnder } from '../helpers/files.js';
import { ROOT } from '../helpers/service.js';

/** Bottom first. A module belongs to the first entry whose prefix its path (under src/) starts with. */
const LAYERS: readonly (readonly string[])[] = [
  ['api/routes.ts'],
  ['core/', 'errors.ts', 'logger.ts', 'version.ts'],
  ['safeFiles.ts'],
  ['clients/'],
  ['validation/'],
  ['api/', 'metrics.ts', 'messages.ts'],
  ['numberSpace/'],
  ['nodeIds/'],
  ['worker/', 'client/'],
  ['primary/'],
  ['commands.ts'],
  ['main.ts'],
];

const SRC = join(ROOT, 'src');

function placeOf(path: string): { layer: number; group: string } {
  for (const [layer, prefixes] of LAYERS.entries()) {
    const group = prefixes.find((prefix) => path.startsWith(prefix));
    if (group !== undefined) return { layer, group };
  }
  assert.fail(`src/${path} is in no layer: add it to LAYERS in test/unit/layers.test.ts`);
}

describe('the source folders', () => {
  it('depend one way: a module imports from its own folder or from a layer below', () => {
    const modules = filesUnder(SRC)
      .filter((file) => file.endsWith('.ts') && !file.includes('templates/'))
      .map((file) => join(SRC, file));
    assert.ok(modules.length > 30, `only ${modules.length} modules found`);
    for (const file of modules) {
      const from = relative(SRC, file);
      const source = readFileSync(file, 'utf8');
      for (const [, target] of source.matchAll(/^(?:import|export)[^'";]*?from '(\.[^']+)'/gm)) {
        const to = relative(SRC, join(dirname(file), target!)).replace(/\.js$/, '.ts');
        if (to.startsWith('..')) continue;
        const a = placeOf(from);
        const b = placeOf(to);
        const allowed = b.layer < a.layer || (b.layer === a.layer && a.group === b.group);
        assert.ok(allowed, `src/${from} imports src/${to}, a layer ${b.layer > a.layer ? 'above' : 'beside'} it`);
      }
    }
  });
});
