/**
 * The printed tracking number (layout.ts): origin, generation, the 12 body
 * numerals as two halves of 6, and the check character over all of them.
 * Printing and parsing side by side; what the body means (a packed value, or
 * its encryption) is numberFormat.ts's business.
 */
import { ALPHABET, CHECK_INITIAL_STATE, checkStep, checkStepPair, checkValueOfState } from './checkCharacter.js';
import { TRACKING_NUMBER_LENGTH } from './layout.js';

/** 36^2: a pair of base-36 numerals. */
const PAIR = 36 * 36;
/** 36^4: two pairs. */
const TWO_PAIRS = PAIR * PAIR;

/** Char code of a numeral value 0..35. */
const CODE = new Uint8Array(36);
for (let v = 0; v < 36; v++) CODE[v] = ALPHABET.charCodeAt(v);
/** HIGH[p] and LOW[p]: char codes of the two numerals of the pair p = v1 * 36 + v2 (0..1295). */
const HIGH = new Uint8Array(PAIR);
const LOW = new Uint8Array(PAIR);
for (let pair = 0; pair < PAIR; pair++) {
  HIGH[pair] = CODE[Math.floor(pair / 36)]!;
  LOW[pair] = CODE[pair % 36]!;
}

/**
 * The tracking number for an origin (two letters A-Z), a generation (0..35)
 * and the body's halves (each an integer below 36^6). Hot path: no validation;
 * anything out of range gives a meaningless string.
 */
export function printTrackingNumber(origin: string, generation: number, a: number, b: number): string {
  const o0 = origin.charCodeAt(0);
  const o1 = origin.charCodeAt(1);
  // Each half is three pairs of numerals, most significant first.
  const a0 = Math.floor(a / TWO_PAIRS);
  const a1 = Math.floor((a - a0 * TWO_PAIRS) / PAIR);
  const a2 = a - a0 * TWO_PAIRS - a1 * PAIR;
  const b0 = Math.floor(b / TWO_PAIRS);
  const b1 = Math.floor((b - b0 * TWO_PAIRS) / PAIR);
  const b2 = b - b0 * TWO_PAIRS - b1 * PAIR;
  let state = checkStepPair(CHECK_INITIAL_STATE, (o0 - 55) * 36 + (o1 - 55)); // letters A-Z are 10..35
  state = checkStep(state, generation);
  state = checkStepPair(state, a0);
  state = checkStepPair(state, a1);
  state = checkStepPair(state, a2);
  state = checkStepPair(state, b0);
  state = checkStepPair(state, b1);
  state = checkStepPair(state, b2);
  return String.fromCharCode(
    o0,
    o1,
    CODE[generation]!,
    HIGH[a0]!,
    LOW[a0]!,
    HIGH[a1]!,
    LOW[a1]!,
    HIGH[a2]!,
    LOW[a2]!,
    HIGH[b0]!,
    LOW[b0]!,
    HIGH[b1]!,
    LOW[b1]!,
    HIGH[b2]!,
    LOW[b2]!,
    CODE[checkValueOfState(state)]!,
  );
}

/** A well-formed tracking number's parts. */
export interface ParsedTrackingNumber {
  readonly ok: true;
  /** Two letters A-Z (whether ISO assigned them is the caller's question). */
  readonly origin: string;
  /** 0..35: a key generation, or SEQUENTIAL_GENERATION. */
  readonly generation: number;
  readonly a: number;
  readonly b: number;
}

/**
 * Why a string is not a tracking number, in the order the checks run:
 * - 'length': not 16 characters;
 * - 'characters': a character outside [A-Z0-9], or a digit in the origin (the first two);
 * - 'check-character': the last character does not match the first 15 (a typing error).
 */
type ParseFailureReason = 'length' | 'characters' | 'check-character';

export interface ParseFailure {
  readonly ok: false;
  readonly reason: ParseFailureReason;
  /** A sentence for humans, saying what is wrong and where. */
  readonly detail: string;
}

const ORIGIN_LENGTH = 2;
/** Where the generation and the two halves of the body start. */
const GENERATION_AT = ORIGIN_LENGTH;
const FIRST_HALF_AT = GENERATION_AT + 1;
const SECOND_HALF_AT = FIRST_HALF_AT + 6;

/**
 * a-z to A-Z, and nothing else: String#toUpperCase would also turn look-alikes
 * into letters ('ß' into 'SS', 'ı' into 'I', 'ﬀ' into 'FF').
 */
export function upperCaseAscii(text: string): string {
  return text.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}

/**
 * Parses and checks a tracking number. Only upper-case [A-Z0-9] is accepted
 * (callers upper-case ASCII letters first); the origin must be letters.
 * Checks run in the order of ParseFailureReason; the first failure is reported.
 */
export function parseTrackingNumber(input: string): ParsedTrackingNumber | ParseFailure {
  if (input.length !== TRACKING_NUMBER_LENGTH) {
    return failure('length', `a tracking number has ${TRACKING_NUMBER_LENGTH} characters, got ${input.length}`);
  }
  let state = CHECK_INITIAL_STATE;
  let generation = 0;
  let a = 0;
  let b = 0;
  const last = TRACKING_NUMBER_LENGTH - 1;
  for (let i = 0; i <= last; i++) {
    const code = input.charCodeAt(i);
    let value: number;
    if (code >= 65 && code <= 90) value = code - 55;
    else if (code >= 48 && code <= 57 && i >= ORIGIN_LENGTH) value = code - 48;
    else return charactersFailure(input, i);
    if (i === last) {
      const expected = checkValueOfState(state);
      if (value === expected) break;
      return failure(
        'check-character',
        `check character is '${input.charAt(last)}' but the first ${last} characters give '${ALPHABET.charAt(expected)}': the number was probably mistyped`,
      );
    }
    state = checkStep(state, value);
    if (i === GENERATION_AT) generation = value;
    else if (i >= FIRST_HALF_AT && i < SECOND_HALF_AT) a = a * 36 + value;
    else if (i >= SECOND_HALF_AT) b = b * 36 + value;
  }
  return { ok: true, origin: input.slice(0, ORIGIN_LENGTH), generation, a, b };
}

function failure(reason: ParseFailureReason, detail: string): ParseFailure {
  return { ok: false, reason, detail };
}

/**
 * How a character is shown in a detail sentence: 'x' for printable ASCII, 'é' (U+00E9) for
 * other printable characters, U+0020 for spaces, controls and lone surrogates.
 */
function describeCharacter(input: string, index: number): string {
  const codePoint = input.codePointAt(index)!;
  if (codePoint >= 0x21 && codePoint <= 0x7e) return `'${input.charAt(index)}'`;
  const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  const invisible =
    codePoint <= 0x20 || (codePoint >= 0x7f && codePoint <= 0xa0) || (codePoint >= 0xd800 && codePoint <= 0xdfff);
  return invisible ? hex : `'${String.fromCodePoint(codePoint)}' (${hex})`;
}

function charactersFailure(input: string, index: number): ParseFailure {
  const shown = describeCharacter(input, index);
  const code = input.charCodeAt(index);
  const detail =
    index < ORIGIN_LENGTH
      ? code >= 48 && code <= 57
        ? `character ${index + 1} is ${shown}, but the first ${ORIGIN_LENGTH} characters are the origin country code and must be letters A-Z`
        : `character ${index + 1} is ${shown}, but the first ${ORIGIN_LENGTH} characters are the origin country code and must be upper-case letters A-Z`
      : `character ${index + 1} is ${shown}, but only upper-case letters A-Z and digits 0-9 are allowed`;
  return failure('characters', detail);
}
