/**
 * `npm test`'s last step: the files of test/lanes.ts that run alone first,
 * then its lanes side by side, each a `node --test` over its files one at a
 * time. A lane's TAP output is printed
 * whole when the lane ends (so that the lanes' lines never interleave); a
 * line on stderr marks each lane's start and end. Exits 1 if any lane failed.
 *
 *   node --import tsx test/run.ts [LANE...]     (default: every lane)
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ALONE_FIRST, LANES, laneFiles, laneProblems, type Lane } from './lanes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const problems = laneProblems(ROOT, [ALONE_FIRST, ...LANES]);
if (problems.length > 0) {
  console.error(`test/lanes.ts: ${problems.join('; ')}`);
  process.exit(1);
}
const wanted = process.argv.slice(2);
const ALL = [ALONE_FIRST, ...LANES];
const unknown = wanted.filter((name) => !ALL.some((lane) => lane.name === name));
if (unknown.length > 0) {
  console.error(`no lane ${unknown.join(', ')}: the lanes are ${ALL.map((lane) => lane.name).join(', ')}`);
  process.exit(2);
}
const chosen = (lanes: readonly Lane[]): readonly Lane[] =>
  wanted.length === 0 ? lanes : lanes.filter((lane) => wanted.includes(lane.name));

const started = performance.now();
const seconds = (): string => ((performance.now() - started) / 1000).toFixed(0);

/** How a lane ended, and when (seconds since the start). */
interface LaneResult {
  name: string;
  code: number;
  seconds: string;
}

/** Runs `lanes` side by side; each lane's result once all have ended. */
const runSideBySide = (lanes: readonly Lane[]): Promise<LaneResult[]> =>
  Promise.all(
    lanes.map(
      (lane) =>
        new Promise<LaneResult>((done) => {
          const files = laneFiles(ROOT, lane);
          console.error(`lane ${lane.name}: ${files.length} files`);
          const child = spawn(
            process.execPath,
            ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=900000', ...files],
            { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
          );
          const output: Buffer[] = [];
          child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
          child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
          child.on('close', (code, signal) => {
            process.stdout.write(Buffer.concat(output));
            const result = { name: lane.name, code: code ?? (signal === null ? 1 : 128), seconds: seconds() };
            console.error(
              `lane ${lane.name}: ${result.code === 0 ? 'passed' : `failed (${code ?? signal})`} after ${result.seconds} s`,
            );
            done(result);
          });
        }),
    ),
  );

const results = [...(await runSideBySide(chosen([ALONE_FIRST]))), ...(await runSideBySide(chosen(LANES)))];
console.log(
  `# lanes: ${results.map((r) => `${r.name} ${r.code === 0 ? 'passed' : 'FAILED'} in ${r.seconds} s`).join(', ')}`,
);
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
