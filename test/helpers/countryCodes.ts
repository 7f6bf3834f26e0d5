/** The assigned country codes, found by asking src's check about every pair of letters. */
import { isAssignedCountryCode, type CountryCode } from '../../src/validation/countryCodes.js';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export const ASSIGNED_COUNTRY_CODES: readonly CountryCode[] = [...LETTERS].flatMap((first) =>
  [...LETTERS].map((second) => first + second).filter(isAssignedCountryCode),
);
