import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ALPHABET,
  CHECK_INITIAL_STATE,
  checkStep,
  checkStepPair,
  checkValueOfState,
} from '../../src/core/checkCharacter.js';
import { checkCharacter, hasValidCheckCharacter } from '../helpers/checkCharacter.js';

/**
 * Reference 1, following the text of ISO/IEC 7064 for a hybrid system M+1,M with M = 36:
 * P1 = M; S(j) = P(j) + a(j) reduced mod M with 0 written as M; P(j+1) = 2 * S(j) mod (M+1).
 * A string is valid when the S computed for its last character (the check character)
 * is 1 mod M. The check character is found by trying all 36 candidates.
 */
function referenceCheckCharacter(payload: string): string {
  const M = 36;
  const valueOf = (ch: string): number => {
    const v = ALPHABET.indexOf(ch);
    if (v < 0 || ch.length !== 1) throw new Error(`not in alphabet: ${ch}`);
    return v;
  };
  let P = M;
  for (const ch of payload) {
    let S = (P + valueOf(ch)) % M;
    if (S === 0) S = M;
    P = (2 * S) % (M + 1);
  }
  const found: string[] = [];
  for (const candidate of ALPHABET) {
    if ((P + valueOf(candidate)) % M === 1) found.push(candidate);
  }
  assert.equal(found.length, 1, 'exactly one check character must complete a payload');
  return found[0]!;
}

/**
 * Reference 2, a differently arranged form of the same recurrence: the running value is
 * S (not P), starting from M/2 so that the first P = 2 * (M/2) mod (M+1) = M; a valid
 * string ends with S = 1.
 */
function referenceIsValid(full: string): boolean {
  const M = 36;
  let s = M / 2;
  for (const ch of full) s = ((((s || M) * 2) % (M + 1)) + ALPHABET.indexOf(ch)) % M;
  return s === 1;
}

const alphabetChar = fc.constantFrom(...ALPHABET.split(''));
const payloadArb = (minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc.array(alphabetChar, { minLength, maxLength }).map((chars) => chars.join(''));

describe('checkCharacter (ISO/IEC 7064 MOD 37,36)', () => {
  it("gives 'M' for the standard's worked example A12425GABC1234002", () => {
    assert.equal(checkCharacter('A12425GABC1234002'), 'M');
    assert.equal(hasValidCheckCharacter('A12425GABC1234002M'), true);
    assert.equal(hasValidCheckCharacter('A12425GABC1234002N'), false);
    assert.equal(referenceCheckCharacter('A12425GABC1234002'), 'M');
    assert.equal(referenceIsValid('A12425GABC1234002M'), true);
  });

  it('matches published ISAN check characters (ISAN uses MOD 37,36)', () => {
    // ISAN 0000-0000-D07A-0090-Q-0000-0000-X, 0000-0001-8CFA-0000-I-0000-0000-K,
    // 0000-0001-8947-0000-8-0000-0000-D, 1881-66C7-3420-6541-Y-9F3A-0245-O: the first check
    // covers root + episode, the second root + episode + version.
    const vectors: Array<[string, string]> = [
      ['00000000D07A0090', 'Q'],
      ['00000000D07A009000000000', 'X'],
      ['000000018CFA0000', 'I'],
      ['000000018CFA000000000000', 'K'],
      ['0000000189470000', '8'],
      ['000000018947000000000000', 'D'],
      ['188166C734206541', 'Y'],
      ['188166C7342065419F3A0245', 'O'],
    ];
    for (const [payload, expected] of vectors) {
      assert.equal(checkCharacter(payload), expected, payload);
      assert.equal(hasValidCheckCharacter(payload + expected), true, payload);
    }
  });

  it('agrees with both reference implementations on 10k random payloads', () => {
    fc.assert(
      fc.property(payloadArb(0, 40), (payload) => {
        const check = checkCharacter(payload);
        assert.equal(check, referenceCheckCharacter(payload));
        assert.equal(referenceIsValid(payload + check), true);
        assert.equal(hasValidCheckCharacter(payload + check), true);
        for (const other of ALPHABET) {
          if (other === check) continue;
          assert.equal(hasValidCheckCharacter(payload + other), false);
          assert.equal(referenceIsValid(payload + other), false);
        }
      }),
      { numRuns: 10_000 },
    );
  });

  it('handles the empty payload and the single-character string', () => {
    assert.equal(checkCharacter(''), referenceCheckCharacter(''));
    assert.equal(hasValidCheckCharacter(checkCharacter('')), true);
    assert.equal(hasValidCheckCharacter(''), false);
  });

  it('detects every single-character substitution', () => {
    fc.assert(
      fc.property(payloadArb(1, 24), (payload) => {
        const full = payload + checkCharacter(payload);
        for (let i = 0; i < full.length; i++) {
          for (const other of ALPHABET) {
            if (other === full[i]) continue;
            const mutated = full.slice(0, i) + other + full.slice(i + 1);
            assert.equal(hasValidCheckCharacter(mutated), false, `${full} -> ${mutated}`);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  // MOD 37,36 is a hybrid system and, as ISO/IEC 7064 says of hybrid systems, it detects
  // "all or nearly all" adjacent transpositions, not all: swapping characters of values a
  // and b goes unnoticed exactly when, with P the state before them,
  // {(P + a) mod 36, (P + b) mod 36} = {18, 19} (then 2*19 mod 37 = 1 and 2*18 = 36 make
  // the two orders meet again). E.g. 'IJ0' and 'JI0' are both valid. The tests below pin
  // that exact set down: every other transposition must be detected.
  const M = 36;
  const step = (p: number, a: number): number => {
    const s = (p + a) % M;
    return (2 * (s === 0 ? M : s)) % (M + 1);
  };
  const transpositionIsUndetectable = (p: number, a: number, b: number): boolean => {
    const u = (p + a) % M;
    const v = (p + b) % M;
    return (u === 18 && v === 19) || (u === 19 && v === 18);
  };
  /** State before position i of `full` (reference recurrence). */
  const stateBefore = (full: string, i: number): number => {
    let p = M;
    for (let j = 0; j < i; j++) p = step(p, ALPHABET.indexOf(full[j]!));
    return p;
  };

  it('misses exactly the transpositions predicted for a hybrid system (72 of 45360 cases)', () => {
    let undetected = 0;
    let total = 0;
    for (let p = 1; p <= M; p++) {
      for (let a = 0; a < M; a++) {
        for (let b = 0; b < M; b++) {
          if (a === b) continue;
          total++;
          const commute = step(step(p, a), b) === step(step(p, b), a);
          assert.equal(commute, transpositionIsUndetectable(p, a, b), `P=${p} a=${a} b=${b}`);
          assert.equal(commute, checkStep(checkStep(p, a), b) === checkStep(checkStep(p, b), a));
          if (commute) undetected++;
        }
      }
    }
    assert.equal(total, 45360);
    assert.equal(undetected, 72);
    // The concrete example.
    assert.equal(checkCharacter('IJ'), '0');
    assert.equal(hasValidCheckCharacter('JI0'), true);
  });

  it('detects every adjacent transposition of two different characters outside that set', () => {
    let detected = 0;
    fc.assert(
      fc.property(payloadArb(1, 24), (payload) => {
        const full = payload + checkCharacter(payload);
        // All positions, the check character included.
        for (let i = 0; i + 1 < full.length; i++) {
          if (full[i] === full[i + 1]) continue;
          const swapped = full.slice(0, i) + full[i + 1]! + full[i]! + full.slice(i + 2);
          const expectedValid = transpositionIsUndetectable(
            stateBefore(full, i),
            ALPHABET.indexOf(full[i]!),
            ALPHABET.indexOf(full[i + 1]!),
          );
          assert.equal(hasValidCheckCharacter(swapped), expectedValid, `${full} -> ${swapped}`);
          if (!expectedValid) detected++;
        }
      }),
      { numRuns: 300 },
    );
    assert.ok(detected > 1000, `only ${detected} transpositions exercised`);
  });

  it('detects the transposition of every pair of different characters except the predicted ones', () => {
    // For a few contexts, put every ordered pair (x, y), x != y, at positions i, i+1, and
    // also swap the last payload character with the check character.
    let undetected = 0;
    fc.assert(
      fc.property(payloadArb(2, 16), fc.nat(), (context, at) => {
        const i = at % (context.length - 1);
        const p = stateBefore(context, i);
        for (const x of ALPHABET) {
          for (const y of ALPHABET) {
            if (x === y) continue;
            const payload = context.slice(0, i) + x + y + context.slice(i + 2);
            const check = checkCharacter(payload);
            const swapped = payload.slice(0, i) + y + x + payload.slice(i + 2) + check;
            const expectedValid = transpositionIsUndetectable(p, ALPHABET.indexOf(x), ALPHABET.indexOf(y));
            assert.equal(hasValidCheckCharacter(swapped), expectedValid, `${payload}${check} -> ${swapped}`);
            if (expectedValid) undetected++;
          }
          const payload = context.slice(0, -1) + x;
          const check = checkCharacter(payload);
          if (check !== x) {
            const expectedValid = transpositionIsUndetectable(
              stateBefore(payload, payload.length - 1),
              ALPHABET.indexOf(x),
              ALPHABET.indexOf(check),
            );
            assert.equal(hasValidCheckCharacter(context.slice(0, -1) + check + x), expectedValid);
          }
        }
      }),
      { numRuns: 8 },
    );
    // 2 of the 1260 ordered pairs are undetectable in each context.
    assert.equal(undetected, 8 * 2);
  });

  it('throws a TypeError on a character outside [0-9A-Z]', () => {
    for (const bad of ['a', 'z', '-', ' ', '\u00c9', '\u0000', '[', '@', '/', ':']) {
      assert.throws(() => checkCharacter(`AB${bad}12`), TypeError, JSON.stringify(bad));
      assert.throws(() => hasValidCheckCharacter(`AB${bad}12`), TypeError, JSON.stringify(bad));
    }
    // In the check character position too.
    assert.throws(() => hasValidCheckCharacter('A12425GABC1234002m'), TypeError);
    assert.throws(() => checkCharacter('a12425GABC1234002'), /character 1 of "a12425GABC1234002" is "a"/);
  });

  it('has consistent state-level helpers', () => {
    for (let state = 1; state <= 36; state++) {
      for (let a = 0; a < 36; a++) {
        const after = checkStep(state, a);
        assert.ok(after >= 1 && after <= 36);
        for (let b = 0; b < 36; b++) assert.equal(checkStepPair(state, a * 36 + b), checkStep(after, b));
      }
      assert.ok(checkValueOfState(state) >= 0 && checkValueOfState(state) < 36);
    }
    let state = CHECK_INITIAL_STATE;
    for (const ch of 'A12425GABC1234002') state = checkStep(state, ALPHABET.indexOf(ch));
    assert.equal(ALPHABET[checkValueOfState(state)], 'M');
  });
});
