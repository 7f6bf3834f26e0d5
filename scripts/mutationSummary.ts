/**
 * Summarises Stryker's JSON report (npm run mutate writes reports/mutation/mutation.json) as the
 * Markdown tables of bench/results/mutation.md: the score per file, and every mutant no test killed,
 * with its place, mutator and replacement.
 *
 *     node --import tsx scripts/mutationSummary.ts [reports/mutation/mutation.json]
 */
import { readFileSync } from 'node:fs';

interface Mutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
  status: 'Killed' | 'Survived' | 'NoCoverage' | 'Timeout' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';
  coveredBy?: string[];
}

interface Report {
  files: Record<string, { source: string; mutants: Mutant[] }>;
}

const UNDETECTED = new Set(['Survived', 'NoCoverage']);

const report = JSON.parse(readFileSync(process.argv[2] ?? 'reports/mutation/mutation.json', 'utf8')) as Report;
const rows: string[] = [];
const undetected: string[] = [];
const totals = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, CompileError: 0, RuntimeError: 0 };
for (const [file, { source, mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const count = (status: keyof typeof totals): number => mutants.filter((m) => m.status === status).length;
  const counts = Object.fromEntries(
    Object.keys(totals).map((s) => [s, count(s as keyof typeof totals)]),
  ) as typeof totals;
  for (const s of Object.keys(totals) as (keyof typeof totals)[]) totals[s] += counts[s];
  rows.push(row(file, counts));
  const lines = source.split('\n');
  for (const m of mutants
    .filter((x) => UNDETECTED.has(x.status))
    .sort(
      (x, y) => x.location.start.line - y.location.start.line || x.location.start.column - y.location.start.column,
    )) {
    const { start, end } = m.location;
    const original =
      start.line === end.line
        ? lines[start.line - 1]!.slice(start.column - 1, end.column - 1)
        : `${lines[start.line - 1]!.slice(start.column - 1)} ...`;
    const shorten = (text: string): string => {
      const flat = text.replace(/\s+/g, ' ').trim();
      return flat.length > 70 ? `${flat.slice(0, 67)}...` : flat;
    };
    const status = m.status === 'NoCoverage' ? ' (no coverage)' : '';
    undetected.push(
      `| ${file}:${start.line}:${start.column} | ${m.mutatorName}${status} | \`${shorten(original).replaceAll('|', '\\|')}\` → \`${shorten(m.replacement ?? '').replaceAll('|', '\\|')}\` |`,
    );
  }
}

function row(name: string, c: typeof totals): string {
  const detected = c.Killed + c.Timeout;
  const valid = detected + c.Survived + c.NoCoverage;
  const score = valid === 0 ? '-' : ((100 * detected) / valid).toFixed(2);
  return `| ${name} | ${score} | ${c.Killed} | ${c.Timeout} | ${c.Survived} | ${c.NoCoverage} | ${c.CompileError} |`;
}

console.log('| file | score % | killed | timeout | survived | no coverage | compile error |');
console.log('|---|--:|--:|--:|--:|--:|--:|');
console.log(rows.join('\n'));
console.log(row('**all**', totals));
console.log('');
console.log('| where | mutator | original → mutant |');
console.log('|---|---|---|');
console.log(undetected.join('\n'));
