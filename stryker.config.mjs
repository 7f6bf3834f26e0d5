// StrykerJS: mutation testing of the pure core, the primary's logic and the number space (npm run mutate).
// The results, and what became of every surviving mutant, are in bench/results/mutation.md.
//
// The tap runner runs each test file as `node -r <Stryker's hook> --import tsx --test-reporter=tap FILE`,
// without --test, so that the tests run in the process that records coverage (with --test, Node 20 runs
// the file in a child process). Each file counts as one test: a mutant runs only the files that executed
// it during the dry run, never the HTTP, cluster or lab suites.
export default {
  testRunner: 'tap',
  tap: {
    // Files that the mutated modules' own tests are in, the quick and focused ones first: a mutant runs
    // the files that cover it in this order and stops at the first failure.
    testFiles: [
      'test/unit/leaseTiming.test.ts',
      'test/unit/logicalClock.test.ts',
      'test/unit/issuing.test.ts',
      'test/unit/controlBlock.test.ts',
      'test/unit/spawnWorker.test.ts',
      'test/unit/checkCharacter.test.ts',
      'test/unit/ff1.test.ts',
      'test/unit/keys.test.ts',
      'test/unit/record.test.ts',
      'test/unit/portProbe.test.ts',
      'test/unit/config.test.ts',
      'test/unit/docs.test.ts',
      'test/unit/bodyBudget.test.ts',
      'test/unit/reservation.test.ts',
      'test/unit/trackingNumber.test.ts',
      'test/unit/stateDirectory.test.ts',
      'test/unit/allocator.test.ts',
      'test/unit/nodeIdHolder.test.ts',
      'test/unit/workerPool.test.ts',
      'test/unit/numberFormat.test.ts',
      // Last, as the slowest (2 s): threads drawing while the primary switches node ID, the one test where a
      // worker moves the clock during advanceClockTo() (its worker threads' coverage is not counted, only the
      // primary's: begin()).
      'test/unit/allocatorRace.test.ts',
    ],
    nodeArgs: ['--import', 'tsx', '--test-reporter=tap'],
    forceBail: true,
  },
  coverageAnalysis: 'perTest',
  // Mutants that do not type-check are refused by `npm test` (tsc) before any test runs.
  checkers: ['typescript'],
  // Only the sources: checking each mutant against the tests and benchmarks too would double the checker's work.
  tsconfigFile: 'tsconfig.stryker.json',
  mutate: [
    'src/core/**/*.ts',
    'src/primary/**/*.ts',
    'src/numberSpace/**/*.ts',
    // Start-up and shutdown of a whole instance (uWS workers, a state directory or etcd, a port): exercised
    // only by the HTTP, cluster and fault suites, at minutes a run; see bench/results/mutation.md.
    '!src/primary/primary.ts',
  ],
  // Two shared cores.
  concurrency: 2,
  timeoutMS: 10000,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
