/**
 * The MOD 37,36 check character on strings, built on src/core/checkCharacter.ts's
 * state functions: how the tests state the check (src prints and parses numbers
 * numeral by numeral). Characters outside [0-9A-Z] (lower case included) throw a
 * TypeError.
 */
import { ALPHABET, CHECK_INITIAL_STATE, checkStep, checkValueOfState } from '../../src/core/checkCharacter.js';

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
    state = checkStep(state, value);
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
  return ALPHABET.charAt(checkValueOfState(stateOf(payload, payload.length)));
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
  return (state + check) % 36 === 1;
}
