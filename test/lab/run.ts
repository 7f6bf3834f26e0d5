/**
 * The lab from the command line, for operators evaluating a release:
 *
 *   sudo npm run lab -- --seed 7 --duration 10m [--out DIR] [--short]
 *
 * Exit status: 0 no duplicate, 1 a duplicate (or a fault that did not
 * happen with --short), 2 the lab could not run (one line says why).
 */
import { parseArgs } from 'node:util';
import { runLab } from './lab.js';
import { LabUnavailable } from './preflight.js';
import { renderMarkdown } from './report.js';

const USAGE = `Usage: npm run lab -- [options]

  --seed N          schedule seed (default: random; printed, and in the report)
  --duration D      load duration: 600, 90s, 10m (default 10m); ignored with --short
  --short           each fault kind once, as the test does (about 6 minutes, the 60 s etcd outage included)
  --out DIR         where the report goes (default: a new directory under the temp directory)
  --instances N     tracknum instances (default 4)
  --etcd N          etcd members (default 3)
  --ttl S           ETCD_LEASE_TTL of the instances (default 4)
  --rate R          requests per second per client lane (default 20)
  --etcd-pre-vote   run etcd with --pre-vote=true (etcd 3.4 defaults to false)
  --no-probes       skip the raw HTTP probes (HTTP/1.0, absolute-form, no Host)
  --help            this text

Needs root, network namespaces, iptables, etcd, haproxy, nginx and libfaketime
(scripts/install-test-tools.sh installs them). The report (report.md, report.json)
states each availability goal with its measured figure; timeline.svg beside it
draws the run.`;

function seconds(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  if (match === null) throw new Error(`--duration: "${text}" is not like 600, 90s or 10m`);
  return Number(match[1]) * ({ s: 1, m: 60, h: 3600 }[match[2] ?? 's'] ?? 1);
}

function integer(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name}: "${text}" is not an integer >= ${min}`);
  return value;
}

async function main(): Promise<number> {
  let values: ReturnType<typeof parseArgs>['values'];
  try {
    values = parseArgs({
      options: {
        seed: { type: 'string' },
        duration: { type: 'string' },
        short: { type: 'boolean' },
        out: { type: 'string' },
        instances: { type: 'string' },
        etcd: { type: 'string' },
        ttl: { type: 'string' },
        rate: { type: 'string' },
        'no-probes': { type: 'boolean' },
        'etcd-pre-vote': { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values['help'] === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const text = (key: string): string | undefined => (typeof values[key] === 'string' ? values[key] : undefined);
  let options: Parameters<typeof runLab>[0];
  try {
    const seed = integer('seed', text('seed'), Math.floor(Math.random() * 2 ** 31), 0);
    const outDir = text('out');
    options = {
      seed,
      durationSeconds: seconds(text('duration') ?? '10m'),
      short: values['short'] === true,
      ...(outDir === undefined ? {} : { outDir }),
      instances: integer('instances', text('instances'), 4, 1),
      etcdMembers: integer('etcd', text('etcd'), 3, 3),
      leaseTtlSeconds: integer('ttl', text('ttl'), 4, 3),
      ratePerLane: integer('rate', text('rate'), 20, 1),
      probes: values['no-probes'] !== true,
      etcdPreVote: values['etcd-pre-vote'] === true,
      log: (line) => void process.stderr.write(`lab: ${line}\n`),
      command: `npm run lab -- ${process.argv.slice(2).join(' ')}`.trim(),
    };
    if ((options.instances ?? 4) > 9) throw new Error('--instances: at most 9');
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  try {
    const { report, dir } = await runLab(options);
    process.stdout.write(`${renderMarkdown(report)}\n`);
    process.stderr.write(`lab: report in ${dir}/report.md and report.json\n`);
    const missed = report.findings.faults.filter((f) => !f.happened);
    if (!report.findings.verdict.ok) return 1;
    if (options.short && missed.length > 0) return 1;
    return 0;
  } catch (error) {
    if (error instanceof LabUnavailable) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    process.stderr.write(`lab: ${(error as Error).stack ?? String(error)}\n`);
    return 2;
  }
}

process.exitCode = await main();
