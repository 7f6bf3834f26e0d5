/**
 * Writes docs/openapi.json, the document GET /openapi.json serves (run by
 * `npm run generate`, after typia has generated the schemas it is built from).
 * test/unit/openapi.test.ts fails while the committed copy differs.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '../src/api/openapi.js';

export const OPENAPI_PATH = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));

/** The committed text: the document, two-space indented, with a final newline. */
export function openApiText(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) writeFileSync(OPENAPI_PATH, openApiText());
