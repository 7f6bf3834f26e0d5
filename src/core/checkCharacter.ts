/**
 * ISO/IEC 7064 MOD 37,36: the hybrid check character system with M = 36 over the
 * alphabet 0-9 (values 0..9) then A-Z (values 10..35). One check character from the
 * same alphabet. It detects every single-character substitution, and nearly every
 * transposition of two adjacent characters (the standard promises "all or nearly all"):
 * it misses the swap of values a and b exactly when, with P the state before them,
 * {(P + a) mod 36, (P + b) mod 36} = {18, 19}: 2 of the 1260 ordered pairs for each state
 * (0.16 %), always values one apart mod 36 (I/J, 4/5, Z/0...). E.g. 'IJ0' and 'JI0' are
 * both valid. See test/unit/checkCharacter.test.ts.
 *
 * The recurrence (left to right, P1 = M = 36):
 *
 *     S(j)   = (P(j) + a(j)) mod 36, with 0 replaced by 36
 *     P(j+1) = (2 * S(j)) mod 37                       (always 1..36, 37 is prime)
 *
 * The check character c completes the string when (P(n+1) + c) mod 36 = 1, i.e.
 * c = (37 - P(n+1)) mod 36. Validation runs the same recurrence over the payload and
 * tests that condition with the last character.
 *
 * The state-level functions here are for trackingNumber.ts, which prints and parses
 * numbers numeral by numeral; they do no validation. (The tests state the same check on
 * strings, in test/helpers/checkCharacter.ts.)
 */

/** Alphabet in value order: the character of value v is ALPHABET.charAt(v). */
export const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** M: size of the alphabet. */
const M = 36;

/** P1, the state before any character. */
export const CHECK_INITIAL_STATE = 36;

/**
 * NEXT[state * 36 + value]: state after one character. States are 1..36 (index 0 is
 * unused but filled so that the table is total).
 */
const NEXT = new Uint8Array(37 * M);
/** NEXT2[state * 1296 + (v1 * 36 + v2)]: state after two characters v1 then v2. */
const NEXT2 = new Uint8Array(37 * M * M);

for (let p = 0; p <= M; p++) {
  for (let a = 0; a < M; a++) {
    const s = (p + a) % M;
    NEXT[p * M + a] = ((s === 0 ? M : s) * 2) % (M + 1);
  }
}
for (let p = 0; p <= M; p++) {
  for (let a = 0; a < M; a++) {
    const q = NEXT[p * M + a]!;
    for (let b = 0; b < M; b++) NEXT2[p * M * M + a * M + b] = NEXT[q * M + b]!;
  }
}

/** State after consuming a character of value `value` (0..35) in state `state` (1..36). No validation. */
export function checkStep(state: number, value: number): number {
  return NEXT[state * M + value]!;
}

/**
 * State after consuming two characters given as `pair = v1 * 36 + v2` (0..1295) in
 * state `state` (1..36). Same as checkStep(checkStep(state, v1), v2). No validation.
 */
export function checkStepPair(state: number, pair: number): number {
  return NEXT2[state * (M * M) + pair]!;
}

/** Value (0..35) of the check character that completes a payload whose final state is `state`. */
export function checkValueOfState(state: number): number {
  return (M + 1 - state) % M;
}
