/**
 * Variant builds for the ledger (bench/ledger.ts): copies of the production
 * bundle (dist/bundle) in which one stage of the GET is made free or
 * skipped, so that what the stage costs end to end is the difference between
 * the bundle and its variant, measured in the same rounds.
 *
 * Each variant edits the bundled worker (plain JavaScript, not minified) at
 * the start of one function, and fails loudly when the text it edits is not
 * found exactly once: the sources stay free of benchmark hooks, and a
 * renamed function stops the ledger instead of measuring the wrong thing.
 * A variant still answers the benchmark's request as the service does (same
 * status, headers and body size); it would answer other requests wrongly.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Edit {
  /** Matched exactly once in the bundled worker. */
  readonly find: RegExp;
  /** What the match becomes ($& is the match). */
  readonly replace: string;
}

export interface Variant {
  /** Short, for file names and tables. */
  readonly id: string;
  /** What is made free, for the report. */
  readonly made: string;
  readonly edits: readonly Edit[];
}

/** An answer of the service to the example request, as a flat literal of the same length. */
const ANSWER = JSON.stringify(
  '{"tracking_number":"MY0EXLGY5Y22KN9N","created_at":"2026-12-03T16:02:19.306Z","order":{"origin_country_id":"MY",' +
    '"destination_country_id":"ID","weight":"1.234","created_at":"2018-11-20T19:29:32+08:00",' +
    '"customer_id":"de619854-b59b-425e-9db4-943979e1bd49","customer_name":"RedBox Logistics","customer_slug":"redbox-logistics"}}',
);

/** `function name(...) {` followed by `statement`: the function does that and nothing else. */
function replaceBody(name: string, statement: string): Edit {
  return { find: new RegExp(`\\bfunction ${name}\\([^)]*\\) \\{`), replace: `$&\n  ${statement}` };
}

export const VARIANTS: readonly Variant[] = [
  {
    id: 'no-header-walk',
    made: "guarded()'s walk over every header (req.forEach) skipped",
    edits: [replaceBody('headerBytes', 'return 0;')],
  },
  {
    id: 'no-latency-metric',
    made: 'the latency histogram of the GET (two performance.now() and a bucket) skipped',
    edits: [replaceBody('nextTrackingNumber', 'return issueTrackingNumber(context);')],
  },
  {
    id: 'rules-free',
    made: "the typia validator of the seven parameters skipped for the benchmark's order (two string compares instead)",
    edits: [
      {
        // Only for the benchmark's order: start-up validates invalid examples (the OpenAPI document), which must fail.
        find: /const validation = validateOrderValues\(values\);/,
        replace:
          'const validation = values[2] === "1.234" && values[4] === "de619854-b59b-425e-9db4-943979e1bd49" ' +
          '? { success: true, data: values } : validateOrderValues(values);',
      },
    ],
  },
  {
    id: 'query-free',
    made: 'the query parsed and checked once, its result reused (split, decoding and rules free)',
    edits: [replaceBody('parseRequestQuery', 'return parseRequestQuery.once ??= parse(rawQuery, true);')],
  },
  {
    id: 'print-free',
    made: 'printing the number (numerals and check character) replaced by a constant number',
    edits: [replaceBody('printTrackingNumber', 'return "MY0EXLGY5Y22KN9N";')],
  },
  {
    id: 'body-free',
    made: "the answer's body replaced by a constant of the same length (no concatenation, no flattening)",
    edits: [replaceBody('issuedAnswerBody', `return ${ANSWER};`)],
  },
  {
    id: 'issuing-free',
    made: 'the whole issuing path (query, rules, draw, encryption, printing, body) replaced by a constant answer',
    edits: [
      replaceBody(
        'issueTrackingNumber',
        `return (res, req) => (req.getQuery(), context.replies.json(res, 200, ${ANSWER}));`,
      ),
    ],
  },
];

/**
 * Copies the bundle at `bundleDir` to `outDir` and edits its worker as
 * `variant` says; returns the main.js to run. Throws when an edit does not
 * find its text exactly once.
 */
export function buildVariant(bundleDir: string, outDir: string, variant: Variant): string {
  rmSync(outDir, { recursive: true, force: true });
  cpSync(bundleDir, outDir, { recursive: true });
  const worker = join(outDir, 'worker/worker.js');
  let source = readFileSync(worker, 'utf8');
  for (const { find, replace } of variant.edits) {
    const found = source.match(new RegExp(find.source, 'g'))?.length ?? 0;
    if (found !== 1) {
      throw new Error(
        `variant ${variant.id}: ${find} matches ${found} times in the bundled worker (expected once): update bench/lib/variants.ts`,
      );
    }
    source = source.replace(find, replace);
  }
  writeFileSync(worker, source);
  return join(outDir, 'main.js');
}
