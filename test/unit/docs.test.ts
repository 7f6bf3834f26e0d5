/**
 * The documentation against what it documents: every link and anchor
 * resolves, the readme's load-balancer example is the guide's (which the
 * fault lab runs as printed, test/lab/), every setting is in the readme and
 * every metric in the deploying guide.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { BodyBudget, createBodyBudget } from '../../src/core/bodyBudget.js';
import { createControlBlock } from '../../src/core/controlBlock.js';
import { ERRORS, type ErrorCode } from '../../src/errors.js';
import { createMetricsBuffer, renderMetrics } from '../../src/metrics.js';
import { optionsHelp } from '../../src/primary/config.js';
import { DEFAULTS, ORDER_PARAMETERS } from '../../src/validation/orderParameters.js';
import { ROOT } from '../helpers/service.js';

const DOCUMENTS = ['readme.md', ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`)].filter((f) =>
  f.endsWith('.md'),
);
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchorOf = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
const anchorsIn = (text: string): Set<string> =>
  new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1]!)));
/** The lines of a document's first fenced block of `language`. */
const block = (text: string, language: string): string[] => {
  const found = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(text);
  assert.ok(found, `no ${language} block`);
  return found[1]!.split('\n').filter((line) => line.trim() !== '');
};

/** The rows of the first Markdown table after `heading`: their cells, without the header and separator rows. */
const tableAfter = (text: string, heading: string): string[][] => {
  const start = text.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `no heading ${heading}`);
  const lines = text.slice(start).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim()),
    );
  }
  return rows;
};
/** The `code`-quoted words of a cell. */
const quoted = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

describe('the documentation', () => {
  it('links only to files and anchors that exist', () => {
    for (const file of [...DOCUMENTS, 'model/README.md', 'docs/monitoring/README.md'].filter((f) =>
      existsSync(join(ROOT, f)),
    )) {
      const text = read(file);
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [path, anchor] = target!.split('#');
        const resolved = path === '' ? file : join(dirname(file), path!);
        assert.ok(existsSync(join(ROOT, resolved)), `${file} links to ${target}, which does not exist`);
        if (anchor !== undefined && resolved.endsWith('.md')) {
          assert.ok(anchorsIn(read(resolved)).has(anchor), `${file} links to ${target}: no such heading`);
        }
      }
    }
  });

  it("shows in the readme the guide's HAProxy backend, line for line, in order (the lab runs the guide's)", () => {
    const guide = block(read('docs/deploying.md'), 'haproxy').map((line) => line.trim());
    let at = 0;
    for (const line of block(read('readme.md'), 'haproxy').map((l) => l.trim())) {
      const found = guide.indexOf(line, at);
      assert.ok(found >= 0, `the readme's HAProxy line ${JSON.stringify(line)} is not in the guide's, in that order`);
      at = found + 1;
    }
  });

  it('lists every setting in the readme and in the guide', () => {
    const variables = [...optionsHelp(undefined, {}).matchAll(/^ {2}--\S+ \S+\s+([A-Z_]+)\s/gm)].map((m) => m[1]!);
    assert.ok(variables.includes('PORT') && variables.includes('ETCD_PASSWORD'), variables.join(', '));
    const readme = read('readme.md');
    const guide = read('docs/deploying.md');
    for (const variable of variables) {
      const short = variable.startsWith('ETCD_') ? 'ETCD_' : variable;
      assert.ok(readme.includes(short), `the readme does not mention ${variable}`);
      assert.ok(guide.includes(`\`${variable}\``), `the deploying guide does not list ${variable}`);
    }
  });

  it('lists every metric in the guide', () => {
    const text = renderMetrics(createMetricsBuffer(), {
      control: createControlBlock(),
      bodyBudget: new BodyBudget(createBodyBudget(0, 1)),
      workers: 1,
      wallMs: 0,
      monotonicMs: 0,
      format: 'opaque',
      port: 0,
    });
    const families = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!);
    assert.ok(families.length > 10, text);
    const guide = read('docs/deploying.md');
    for (const family of families)
      assert.ok(guide.includes(`\`${family}`), `the deploying guide does not list ${family}`);
  });

  it("lists every order parameter in the readme's table, once, with its default where it has one", () => {
    const rows = tableAfter(read('readme.md'), '### `GET /next-tracking-number`');
    const listed = rows.flatMap((cells) => quoted(cells[0]!));
    assert.deepEqual(
      [...listed].sort(),
      ORDER_PARAMETERS.map((entry) => entry.name).sort(),
      "the readme's parameter table and the parameter table (src/validation/orderParameters.ts) differ",
    );
    ORDER_PARAMETERS.forEach(({ name }, index) => {
      const value = DEFAULTS[index];
      const row = rows.find((cells) => quoted(cells[0]!).includes(name))!.join(' | ');
      if (value === undefined) assert.doesNotMatch(row, /default/i, `${name} is required, but its row gives a default`);
      else assert.ok(row.includes(`default \`${value}\``), `${name}'s row does not say "default \`${value}\`"`);
    });
  });

  it('lists every error code in docs/errors.md, with its status, and no code that does not exist', () => {
    const text = read('docs/errors.md');
    const answered = tableAfter(text, '## Answered to clients');
    const notAnswered = [
      ...tableAfter(text, '## Stopping start-up, refusing a command'),
      ...tableAfter(text, '## Logged while running'),
    ];
    const codes = Object.keys(ERRORS) as ErrorCode[];
    for (const code of codes) {
      const { status } = ERRORS[code];
      if (status > 0) {
        const row = answered.find((cells) => cells[0] === `\`${code}\``);
        assert.ok(row !== undefined, `docs/errors.md does not list ${code} under "Answered to clients"`);
        assert.equal(Number(row[1]), status, `docs/errors.md gives ${code} another status`);
      } else {
        assert.ok(
          notAnswered.some((cells) => cells[0] === `\`${code}\``),
          `docs/errors.md does not list ${code} under "Stopping start-up, refusing a command" or "Logged while running"`,
        );
      }
    }
    for (const cells of [...answered, ...notAnswered]) {
      assert.ok(
        codes.includes(quoted(cells[0]!)[0] as ErrorCode),
        `docs/errors.md lists ${cells[0]}, which src/errors.ts does not declare`,
      );
    }
  });

  it("shows the operator's commands as tracknum ..., not as node running a file", () => {
    for (const file of DOCUMENTS) {
      const stale = read(file)
        .split('\n')
        .filter((line) => /node \S*main\.js (keygen|decode|verify|client|--help|--version)/.test(line));
      assert.deepEqual(stale, [], `${file} runs a command through node and main.js instead of tracknum`);
    }
  });
});
