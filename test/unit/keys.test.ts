import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isTracknumError } from '../../src/errors.js';
import { issuingKey, keyFingerprint, newKeyLine, parseKeys, readKeyFile } from '../../src/numberSpace/keys.js';

const HEX = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const OTHER = 'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100';

/** The KEY_INVALID error of parseKeys, with its message. */
function keyInvalid(text: string): string {
  try {
    parseKeys(text, 'keys.txt');
  } catch (error) {
    assert.ok(isTracknumError(error) && error.code === 'KEY_INVALID', String(error));
    assert.deepEqual(error.context, { path: 'keys.txt' });
    return error.message;
  }
  assert.fail(`accepted: ${JSON.stringify(text)}`);
}

describe('key files', () => {
  const accepted: [string, string, number[]][] = [
    ['one line', `0 ${HEX}\n`, [0]],
    ['no final newline', `0 ${HEX}`, [0]],
    ['the last generation, Y', `Y ${HEX}`, [34]],
    ['a lower-case generation', `b ${HEX}`, [11]],
    ['upper-case hex', `3 ${HEX.toUpperCase()}`, [3]],
    ['a tab and several spaces between', `1\t  ${HEX}`, [1]],
    ['spaces around the line', `  2 ${HEX}  \n`, [2]],
    ['CRLF line ends', `0 ${HEX}\r\n1 ${OTHER}\r\n`, [0, 1]],
    ['comments and blank lines', `# tracknum keygen\n\n0 ${HEX}\n   \n# rotated\n1 ${OTHER}\n`, [0, 1]],
    ['generations out of order come back sorted', `B ${HEX}\n0 ${OTHER}\n5 ${HEX}\n`, [0, 5, 11]],
  ];
  for (const [name, text, generations] of accepted) {
    it(`accepts ${name}`, () => {
      const keys = parseKeys(text, 'keys.txt');
      assert.deepEqual(
        keys.map((k) => k.generation),
        generations,
      );
      for (const key of keys) assert.equal(key.key.length, 32);
    });
  }

  it('reads the key bytes from the hex', () => {
    const [first, second] = parseKeys(`1 ${OTHER}\n0 ${HEX}\n`, 'keys.txt');
    assert.equal(Buffer.from(first!.key).toString('hex'), HEX);
    assert.equal(Buffer.from(second!.key).toString('hex'), OTHER);
  });

  const refused: [string, string, RegExp][] = [
    ['Z, the sequential format', `Z ${HEX}`, /line 1: expected '<generation 0-9 or A-Y> <64 hex digits>'/],
    ['63 hex digits', `0 ${HEX.slice(1)}`, /line 1: expected/],
    ['65 hex digits', `0 ${HEX}0`, /line 1: expected/],
    ['a non-hex digit', `0 ${HEX.slice(1)}g`, /line 1: expected/],
    ['no space between', `0${HEX}`, /line 1: expected/],
    ['two-character generation', `10 ${HEX}`, /line 1: expected/],
    ['something before the generation', `# comment\nkey 0 ${HEX}`, /line 2: expected/],
    ['something after the key', `0 ${HEX} # first`, /line 1: expected/],
    ['a comment not at the start of the line', `\n\n0 # ${HEX}`, /line 3: expected/],
    ['the same generation twice', `0 ${HEX}\n0 ${OTHER}\n`, /^keys\.txt: generation 0 is given twice$/],
    ['the same generation twice, in both cases', `a ${HEX}\nA ${OTHER}\n`, /generation A is given twice/],
    ['no key at all', '# nothing yet\n\n', /^keys\.txt holds no key \(tracknum keygen writes one\)$/],
    ['an empty file', '', /holds no key/],
  ];
  for (const [name, text, message] of refused) {
    it(`refuses ${name} (KEY_INVALID), naming the file and not showing the line`, () => {
      const said = keyInvalid(text);
      assert.match(said, message);
      assert.match(said, /^keys\.txt/);
      assert.ok(!said.includes(HEX) && !said.includes(OTHER), said);
      assert.ok(!said.includes(HEX.slice(1, 40)), said);
    });
  }

  it('issues under the highest generation, wherever it is in the list', () => {
    const key = (generation: number) => ({ generation, key: new Uint8Array(32).fill(generation) });
    for (const order of [[0, 3, 7], [7, 3, 0], [3, 7, 0], [12]]) {
      const chosen = issuingKey(order.map(key));
      assert.equal(chosen.generation, Math.max(...order), `in ${order.join(', ')}`);
      assert.equal(chosen.key[0], Math.max(...order));
    }
  });

  it('writes new key lines that it reads back: the generation character, 64 random hex digits', () => {
    for (const [generation, character] of [
      [0, '0'],
      [9, '9'],
      [10, 'A'],
      [34, 'Y'],
    ] as const) {
      const line = newKeyLine(generation);
      assert.match(line, new RegExp(`^${character} [0-9a-f]{64}\\n$`));
      assert.deepEqual(
        parseKeys(line, 'new').map((k) => k.generation),
        [generation],
      );
    }
    assert.notEqual(newKeyLine(1), newKeyLine(1), 'two new keys are equal: not random');
  });

  it('fingerprints a key with an HMAC of a fixed label: stable across versions, 32 hex digits, not the key', () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i);
    // Fingerprints are stored in number-space records: a change here makes every stored record disagree.
    assert.equal(keyFingerprint(key), 'c8f4b26d8fdba1f73a91f45e05ce9727');
    const other = Uint8Array.from({ length: 32 }, (_, i) => 31 - i);
    assert.match(keyFingerprint(other), /^[0-9a-f]{32}$/);
    assert.notEqual(keyFingerprint(other), keyFingerprint(key));
    assert.ok(!Buffer.from(key).toString('hex').includes(keyFingerprint(key)));
  });

  it('reads a key file, and says which one it could not read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracknum-keys-'));
    const file = join(dir, 'key');
    writeFileSync(file, `# made by hand\n2 ${HEX}\n`, { mode: 0o600 });
    assert.deepEqual(
      (await readKeyFile(file)).map((k) => k.generation),
      [2],
    );
    const missing = join(dir, 'missing');
    await assert.rejects(
      readKeyFile(missing),
      (error: unknown) =>
        isTracknumError(error) &&
        error.code === 'KEY_INVALID' &&
        error.message === `cannot read the key file ${missing}: ENOENT` &&
        error.context['path'] === missing,
    );
    writeFileSync(file, `2 ${HEX.slice(2)}\n`, { mode: 0o600 });
    await assert.rejects(
      readKeyFile(file),
      (error: unknown) => isTracknumError(error) && error.message.startsWith(`${file}, line 1: expected`),
    );
  });
});
