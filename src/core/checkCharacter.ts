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
 * The state-level helpers (CHECK_INITIAL_STATE, checkStep, checkStepPair,
 * checkValueOfState) are exported for the hot path of trackingNumber.ts, which works on
 * digit values rather than on strings; they do no validation.
 *
 * All functions here expect validated input: a character outside [0-9A-Z] (lower case
 * included) throws a TypeError.
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

/** Char codes of the alphabet, by value. */
const CODE_OF_VALUE = new Uint8Array(M);
for (let v = 0; v < M; v++) CODE_OF_VALUE[v] = ALPHABET.charCodeAt(v);

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

/** Value 0..35 of the char code of [0-9A-Z], or -1. */
function valueOfCode(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 65 && code <= 90) return code - 55; // A-Z
  return -1;
}

function invalidCharacter(input: string, index: number): TypeError {
  return new TypeError(
    `ISO/IEC 7064 MOD 37,36 accepts only 0-9 and A-Z: character ${index + 1} of ${JSON.stringify(input)} is ${JSON.stringify(input.charAt(index))}`,
  );
}

/** Runs the recurrence over input[0, end) and returns the final state. */
function stateOf(input: string, end: number): number {
  let state = CHECK_INITIAL_STATE;
  for (let i = 0; i < end; i++) {
    const value = valueOfCode(input.charCodeAt(i));
    if (value < 0) throw invalidCharacter(input, i);
    state = NEXT[state * M + value]!;
  }
  return state;
}

/**
 * The MOD 37,36 check character (one of 0-9A-Z) for `payload`, a string of 0-9A-Z
 * (possibly empty). Example: checkCharacter('A12425GABC1234002') === 'M'.
 *
 * @throws TypeError if `payload` contains a character outside [0-9A-Z].
 */
export function checkCharacter(payload: string): string {
  return String.fromCharCode(CODE_OF_VALUE[checkValueOfState(stateOf(payload, payload.length))]!);
}

/**
 * Whether the last character of `full` is the MOD 37,36 check character of the
 * characters before it. The empty string has no check character: false.
 *
 * @throws TypeError if `full` contains a character outside [0-9A-Z] (check character included).
 */
export function hasValidCheckCharacter(full: string): boolean {
  const last = full.length - 1;
  if (last < 0) return false;
  const state = stateOf(full, last);
  const check = valueOfCode(full.charCodeAt(last));
  if (check < 0) throw invalidCharacter(full, last);
  // The standard's verification: the recurrence continued over the check character
  // must end with S = 1.
  return (state + check) % M === 1;
}
