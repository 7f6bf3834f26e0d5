/** Every file under `dir` (links and directories left out), relative to it, sorted. */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}
