/**
 * The app imports typia's output from src/validation/generated/ (validators)
 * and src/api/generated/ (JSON schemas), produced from the templates/ folder
 * beside each by `npm run generate` and committed (tsx cannot run typia's
 * transformer). This test regenerates them and fails if the committed copies
 * are stale or if a typia call was left untransformed.
 *
 * Regeneration happens in a scratch copy of the project, not in a temp output dir
 * next to nothing: typia rewrites the templates' relative imports relative to the
 * output directory (`../countryCodes.js` would become `../../work/.../countryCodes.js`
 * in /tmp), so the output must sit at the same place relative to the sources.
 * The copy has package.json + tsconfig.json + src/ (minus the generated folder)
 * and a symlink to node_modules; the repository itself is never written.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Each folder of templates, and the folder `npm run generate` compiles it into. */
const FOLDERS = [
  { TEMPLATES: 'src/validation/templates', GENERATED: 'src/validation/generated' },
  { TEMPLATES: 'src/api/templates', GENERATED: 'src/api/generated' },
] as const;
const TYPIA_CLI = path.join(REPO, 'node_modules/typia/lib/executable/typia.js');
const STALE = 'generated files are stale: run npm run generate (and commit the generated/ folders)';

function listTs(directory: string): string[] {
  return existsSync(directory)
    ? readdirSync(directory)
        .filter((name) => name.endsWith('.ts'))
        .sort()
    : [];
}

for (const { TEMPLATES, GENERATED } of FOLDERS)
  describe(`generated typia code in ${GENERATED}`, () => {
    let scratch = '';

    before(() => {
      scratch = mkdtempSync(path.join(tmpdir(), 'tracknum-typia-'));
      cpSync(path.join(REPO, 'package.json'), path.join(scratch, 'package.json'));
      cpSync(path.join(REPO, 'tsconfig.json'), path.join(scratch, 'tsconfig.json'));
      const generatedAbsolute = path.join(REPO, GENERATED);
      cpSync(path.join(REPO, 'src'), path.join(scratch, 'src'), {
        recursive: true,
        filter: (source) => source !== generatedAbsolute && !source.startsWith(`${generatedAbsolute}${path.sep}`),
      });
      symlinkSync(path.join(REPO, 'node_modules'), path.join(scratch, 'node_modules'), 'dir');
      // Same command as `npm run generate`, run with the local typia CLI (what npx would run).
      const run = spawnSync(
        process.execPath,
        [TYPIA_CLI, 'generate', '--input', TEMPLATES, '--output', GENERATED, '--project', 'tsconfig.json'],
        { cwd: scratch, encoding: 'utf8', timeout: 120_000 },
      );
      assert.equal(run.status, 0, `typia generate failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
    });

    after(() => {
      if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
    });

    it('every template has a committed generated file, and nothing else is there', () => {
      const templates = listTs(path.join(REPO, TEMPLATES));
      assert.ok(templates.length > 0, 'no templates found');
      assert.deepEqual(
        listTs(path.join(scratch, GENERATED)),
        templates,
        'typia did not generate one file per template',
      );
      assert.deepEqual(listTs(path.join(REPO, GENERATED)), templates, STALE);
    });

    it('committed generated files are byte-identical to a fresh `typia generate`', () => {
      for (const name of listTs(path.join(scratch, GENERATED))) {
        const fresh = readFileSync(path.join(scratch, GENERATED, name));
        const committedPath = path.join(REPO, GENERATED, name);
        assert.ok(existsSync(committedPath), `${GENERATED}/${name} is missing: ${STALE}`);
        assert.ok(fresh.equals(readFileSync(committedPath)), `${GENERATED}/${name} differs: ${STALE}`);
      }
    });

    it("contains no untransformed typia call (which would throw 'no transform has been configured')", () => {
      for (const name of listTs(path.join(REPO, GENERATED))) {
        const code = readFileSync(path.join(REPO, GENERATED, name), 'utf8');
        assert.ok(!code.includes('typia.createValidate<'), `${name}: untransformed typia.createValidate`);
        assert.doesNotMatch(
          code,
          /\btypia\s*\.\s*[A-Za-z]+(?:\s*\.\s*[A-Za-z]+)*\s*</,
          `${name}: untransformed typia call`,
        );
        assert.doesNotMatch(code, /^import\s+typia\b/m, `${name}: still imports typia's default export`);
        // Validators call typia's internals; a schema collection is plain data (typia named only in a type).
        const untyped = code.replace(/import\("typia"\)\.[A-Za-z]+(?:<[^>]*>)?/g, '');
        assert.ok(
          /typia\/lib\/internal\//.test(code) || !/\btypia\b/.test(untyped),
          `${name}: does not look transformed`,
        );
      }
    });
  });
