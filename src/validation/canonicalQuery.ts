/**
 * The usual GET query, split by one native regex pass: the table's
 * parameters in table order, each once (an optional one may be left out),
 * nothing else, and no character outside ASCII. Any other query takes the
 * general loop of orderQuery.ts, which gives the same result for this shape
 * too (the property tests shuffle and pad queries to check it).
 *
 * Derived from the parameter table, so a new parameter joins it by itself;
 * test/unit/canonicalQuery.test.ts fails if a valid query in table order
 * misses it.
 */
import { ORDER_PARAMETERS } from './orderParameters.js';

/** A raw value: no '&', and ASCII only, so that a match also proves the query ASCII. */
const VALUE = '([^&\\u0080-\\uffff]*)';

/**
 * `name1=(value1)&name2=(value2)...`; an optional parameter's part may be
 * missing. Before every part but the first comes '&', or nothing when every
 * earlier part was left out (then it starts the query).
 */
const CANONICAL = new RegExp(
  `^${ORDER_PARAMETERS.map((entry, index) => {
    const part = `${index === 0 ? '' : '(?:^|&)'}${entry.name.replace(/[^A-Za-z0-9_]/g, '\\$&')}=${VALUE}`;
    return 'default' in entry ? `(?:${part})?` : part;
  }).join('')}$`,
);

/**
 * The raw (still encoded) values of a query of the usual shape, or null for
 * any other query: slot i's value is at index i + 1 (the regex's groups),
 * undefined for an optional parameter left out.
 */
export function splitCanonicalQuery(rawQuery: string): RegExpExecArray | null {
  return CANONICAL.exec(rawQuery);
}
