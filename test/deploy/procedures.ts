/**
 * The operator's procedures as the guides print them: a block between
 * `<!-- procedure: NAME -->` and `<!-- /procedure -->`, a numbered list whose
 * every item holds exactly one `sh` block, whose first line names the machine
 * it runs on (`# on tn1`). Read here for procedures.test.ts, which runs them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/service.js';

export interface Step {
  procedure: string;
  /** Its number in the list, from 1. */
  number: number;
  machine: string;
  /** The block's text, as printed (the list's indentation removed). */
  script: string;
}

/** The documents that hold procedures. */
const PROCEDURE_DOCUMENTS = ['docs/deploying.md', 'docs/operations.md'];

/** Every procedure of the documents, by name, each a list of steps; throws on a malformed one. */
export function readProcedures(documents = PROCEDURE_DOCUMENTS): Map<string, Step[]> {
  const procedures = new Map<string, Step[]>();
  for (const document of documents) {
    const text = readFileSync(join(ROOT, document), 'utf8');
    for (const match of text.matchAll(/<!-- procedure: ([a-z0-9-]+) -->\n([\s\S]*?)<!-- \/procedure -->/g)) {
      const name = match[1]!;
      if (procedures.has(name)) throw new Error(`${document}: procedure ${name} twice`);
      procedures.set(name, parseSteps(name, match[2]!, document));
    }
    const opened = [...text.matchAll(/^<!-- procedure: /gm)].length;
    const closed = [...text.matchAll(/^<!-- \/procedure -->/gm)].length;
    if (opened !== closed) throw new Error(`${document}: ${opened} procedures opened, ${closed} closed`);
  }
  return procedures;
}

function parseSteps(procedure: string, body: string, document: string): Step[] {
  const where = `${document}, procedure ${procedure}`;
  // Items begin at the margin with their number; everything up to the next one belongs to it.
  const items = body.split(/^(?=\d+\. )/m).filter((item) => /^\d+\. /.test(item));
  if (items.length === 0) throw new Error(`${where}: no numbered steps`);
  return items.map((item, index) => {
    const number = Number(/^(\d+)\. /.exec(item)![1]);
    if (number !== index + 1) throw new Error(`${where}: step ${number} where ${index + 1} was expected`);
    const blocks = [...item.matchAll(/^ {3}```sh\n([\s\S]*?)^ {3}```$/gm)].map((m) => m[1]!);
    if (blocks.length !== 1) throw new Error(`${where}, step ${number}: ${blocks.length} sh blocks, not one`);
    const lines = blocks[0]!.split('\n').slice(0, -1);
    const script = lines
      .map((line) => {
        if (line !== '' && !line.startsWith('   ')) throw new Error(`${where}, step ${number}: a line not indented`);
        return line.slice(3);
      })
      .join('\n');
    const machine = /^# on ([a-z0-9-]+)$/.exec(script.split('\n')[0] ?? '')?.[1];
    if (machine === undefined)
      throw new Error(`${where}, step ${number}: the block does not begin with "# on MACHINE"`);
    return { procedure, number, machine, script };
  });
}
