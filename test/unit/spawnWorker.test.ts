import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spawnWorker } from '../../src/primary/spawnWorker.js';

describe('spawnWorker', () => {
  // [module, what importing TypeScript in it gives]
  const cases: [string, string][] = [
    // From the sources: through tsx, registered in the thread first.
    ['sourceWorker.ts', 'imported'],
    // A built module is started as it is: production has no tsx to register.
    ['builtWorker.mjs', 'ERR_UNKNOWN_FILE_EXTENSION'],
  ];
  for (const [module, typescript] of cases) {
    it(`starts ${module} with its workerData; TypeScript in it: ${typescript}`, async () => {
      const worker = spawnWorker(new URL(`../fixtures/${module}`, import.meta.url), {
        workerData: { workerIndex: 3 },
      });
      const answer = await new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      await worker.terminate();
      assert.deepEqual(answer, { workerData: { workerIndex: 3 }, typescript });
    });
  }
});
