/**
 * The fast path of the GET query (src/validation/canonicalQuery.ts) against
 * the parameter table: every valid query in table order takes it, with any
 * choice of optional parameters left out, and anything else does not. A new
 * parameter the fast path does not know fails here, not silently in speed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitCanonicalQuery } from '../../src/validation/canonicalQuery.js';
import { DEFAULTS, EXAMPLE_ORDER, ORDER_PARAMETERS } from '../../src/validation/orderParameters.js';
import { parseOrderQuery } from '../../src/validation/orderQuery.js';
import { orderOf } from '../helpers/order.js';

const NAMES = ORDER_PARAMETERS.map((entry) => entry.name);
const OPTIONAL = NAMES.filter((_, index) => DEFAULTS[index] !== undefined);

/** The example order's query, in table order, without the parameters in `leftOut`. */
function queryWithout(leftOut: readonly string[]): string {
  return NAMES.filter((name) => !leftOut.includes(name))
    .map((name) => `${name}=${encodeURIComponent(EXAMPLE_ORDER[name])}`)
    .join('&');
}

/** Every subset of `items`. */
function subsets<T>(items: readonly T[]): T[][] {
  return items.reduce<T[][]>((all, item) => [...all, ...all.map((subset) => [...subset, item])], [[]]);
}

describe('the fast path of the GET query', () => {
  it('takes every valid query in table order, with any optional parameters left out, and reads it right', () => {
    for (const leftOut of subsets(OPTIONAL)) {
      const query = queryWithout(leftOut);
      const split = splitCanonicalQuery(query);
      assert.ok(split !== null, `the fast path misses ${query}`);
      NAMES.forEach((name, index) => {
        const expected = leftOut.includes(name) ? undefined : encodeURIComponent(EXAMPLE_ORDER[name]);
        assert.equal(split[index + 1], expected, name);
      });
      const parsed = parseOrderQuery(query);
      assert.ok(parsed.ok, JSON.stringify(parsed));
      const defaulted = Object.fromEntries(
        NAMES.map((name, index) => [name, leftOut.includes(name) ? DEFAULTS[index] : EXAMPLE_ORDER[name]]),
      );
      assert.deepEqual(orderOf(parsed.values), defaulted);
    }
  });

  it('leaves every other query to the general loop', () => {
    const full = queryWithout([]);
    const required = NAMES.filter((_, index) => DEFAULTS[index] === undefined);
    const swapped = [...NAMES].reverse();
    for (const query of [
      `${full}&utm_source=mail`,
      `utm_source=mail&${full}`,
      `${full}&${NAMES[0]}=MY`,
      swapped.map((name) => `${name}=${encodeURIComponent(EXAMPLE_ORDER[name])}`).join('&'),
      queryWithout([required[required.length - 1]!]),
      full.replace('RedBox', 'R\u00e9dBox'),
      '',
    ]) {
      assert.equal(splitCanonicalQuery(query), null, query);
    }
  });
});
