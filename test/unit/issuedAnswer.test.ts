import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ASSIGNED_COUNTRY_CODES } from '../helpers/countryCodes.js';
import {
  ORDER_PARAMETER_NAMES as ORDER_PARAMETERS,
  type Order as OrderQuery,
  EXAMPLE_ORDER,
} from '../../src/validation/orderParameters.js';
import { parseOrderQuery } from '../../src/validation/orderQuery.js';
import { issuedAnswerBody } from '../../src/worker/issuedAnswer.js';
import { orderOf, valuesOf } from '../helpers/order.js';

/** What the template must equal. */
const expected = (trackingNumber: string, issuedAt: string, order: OrderQuery): string =>
  JSON.stringify({ tracking_number: trackingNumber, created_at: issuedAt, order });

/** The order as the validator returns it for these values (so only valid orders are compared). */
function validated(order: OrderQuery): OrderQuery | undefined {
  const raw = ORDER_PARAMETERS.map((name) => `${name}=${encodeURIComponent(order[name])}`).join('&');
  const result = parseOrderQuery(raw);
  return result.ok ? orderOf(result.values) : undefined;
}

describe('issuedAnswerBody', () => {
  it('is JSON.stringify of the answer for the example order', () => {
    const order = validated(EXAMPLE_ORDER)!;
    const body = issuedAnswerBody('MY0VAI9UVZYT5OGK', '2026-11-25T16:33:52.586Z', valuesOf(order));
    assert.equal(body, expected('MY0VAI9UVZYT5OGK', '2026-11-25T16:33:52.586Z', order));
  });

  it('is JSON.stringify of the answer for any valid order, names with quotes, backslashes and any Unicode included', () => {
    const hex = fc.constantFrom(...'0123456789abcdefABCDEF');
    const hexString = (length: number) => fc.string({ unit: hex, minLength: length, maxLength: length });
    // Every parameter of the table, the example's value where no generator below covers it.
    const examples = Object.fromEntries(ORDER_PARAMETERS.map((name) => [name, fc.constant(EXAMPLE_ORDER[name])]));
    const order = fc.record({
      ...examples,
      origin_country_id: fc.constantFrom(...ASSIGNED_COUNTRY_CODES),
      destination_country_id: fc.constantFrom(...ASSIGNED_COUNTRY_CODES),
      weight: fc.constantFrom('1', '0.001', '999.999', '1000', '1000.000', '12.5'),
      created_at: fc.constantFrom(
        '2018-11-20T19:29:32+08:00',
        '2024-02-29t00:00:00.123456789z',
        '2000-01-01T23:59:59-23:59',
      ),
      customer_id: fc
        .tuple(hexString(8), hexString(4), hexString(4), hexString(4), hexString(12))
        .map((parts) => parts.join('-')),
      customer_name: fc.oneof(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({
          unit: fc.constantFrom('"', '\\', 'a', ' ', '\u2028', 'é', '😀', '/'),
          minLength: 1,
          maxLength: 20,
        }),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      ),
      customer_slug: fc.constantFrom('redbox-logistics', 'a', 'a-1-b2'),
    }) as fc.Arbitrary<OrderQuery>;
    let compared = 0;
    fc.assert(
      fc.property(order, (candidate) => {
        const order = validated(candidate);
        if (order === undefined) return; // not a valid order: never reaches the template
        compared += 1;
        const body = issuedAnswerBody('MY0VAI9UVZYT5OGK', '2026-11-25T16:33:52.586Z', valuesOf(order));
        assert.equal(body, expected('MY0VAI9UVZYT5OGK', '2026-11-25T16:33:52.586Z', order));
      }),
      { numRuns: 3000 },
    );
    assert.ok(compared > 1000, `only ${compared} valid orders were compared`);
  });
});

describe('the escaping of customer_name', () => {
  it('is JSON.stringify for any string, lone surrogates and controls included', () => {
    const answerWith = (name: string): string =>
      issuedAnswerBody(
        'MY0VAI9UVZYT5OGK',
        '2026-11-25T16:33:52.586Z',
        valuesOf({ ...EXAMPLE_ORDER, customer_name: name }),
      );
    const expectedWith = (name: string): string =>
      expected('MY0VAI9UVZYT5OGK', '2026-11-25T16:33:52.586Z', { ...EXAMPLE_ORDER, customer_name: name });
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => assert.equal(answerWith(value), expectedWith(value))),
    );
    for (const value of ['', '"', '\\', '\u0000', '\u001f', '\ud800', 'a\udc00b', '😀', '\u2028'])
      assert.equal(answerWith(value), expectedWith(value));
  });
});
