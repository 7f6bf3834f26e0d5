/**
 * `import { createClient } from 'tracknum/client'` resolves to what
 * `npm run build` emits for src/client/index.ts, declarations included, and
 * that JavaScript loads nothing of the server.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { ROOT } from '../helpers/service.js';

const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

describe('the client in the package', () => {
  it("exports tracknum/client as the build's output for src/client/index.ts, with its declarations", () => {
    const config = ts.parseJsonConfigFileContent(
      ts.parseConfigFileTextToJson('tsconfig.build.json', read('tsconfig.build.json')).config as unknown,
      ts.sys,
      ROOT,
    );
    const { rootDir, outDir, declaration } = config.options;
    assert.equal(declaration, true, 'tsconfig.build.json emits no declarations');
    assert.ok(config.fileNames.includes(join(ROOT, 'src/client/index.ts')), 'the build leaves the client out');
    const emitted = posix.join('.', posix.relative(ROOT, outDir!), posix.relative(rootDir!, join(ROOT, 'src/client')));
    const { exports } = JSON.parse(read('package.json')) as { exports: Record<string, unknown> };
    assert.deepEqual(exports['./client'], {
      types: `./${emitted}/index.d.ts`,
      default: `./${emitted}/index.js`,
    });
  });

  it('imports only types from the server, which the JavaScript drops', () => {
    for (const file of ['index.ts', 'errors.ts', 'retry.ts']) {
      const source = read(`src/client/${file}`);
      for (const [statement, from] of source.matchAll(/^(?:import|export)\b[^;]*?from '([^']+)';/gms)) {
        const typeOnly = /^(?:import|export) type /.test(statement);
        assert.ok(typeOnly || /^\.\/[a-z]+\.js$/.test(from!), `${file}: ${statement}`);
      }
    }
  });
});
