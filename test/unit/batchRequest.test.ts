/**
 * Reading a batch body: the GET's rules and messages for every order, JSON
 * types, pointers, duplicates, unknown members, parcels and the limits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BATCH_LIMITS, readBatchRequest, type BodyProblem } from '../../src/validation/batchRequest.js';
import { ORDER_PARAMETER_NAMES, type Order, EXAMPLE_ORDER } from '../../src/validation/orderParameters.js';
import { parseOrderQuery } from '../../src/validation/orderQuery.js';
import { orderOf } from '../helpers/order.js';

/** Reads a body given as JSON text. */
function read(text: string) {
  const result = readBatchRequest(text);
  if ('syntax' in result) assert.fail(`not JSON: ${result.syntax.message}`);
  return result;
}

function problemsOf(text: string): BodyProblem[] {
  const result = read(text);
  if (result.ok) assert.fail(`expected problems, got ${JSON.stringify(result)}`);
  return result.problems;
}

const body = (...orders: unknown[]) => JSON.stringify({ orders });
const ORDER_TEXT = JSON.stringify(EXAMPLE_ORDER);
/** The example order with members replaced, as JSON text (values are JSON texts). */
function orderWith(members: Record<string, string | undefined>): string {
  const parts = Object.entries({
    ...Object.fromEntries(Object.entries(EXAMPLE_ORDER).map(([k, v]) => [k, JSON.stringify(v)])),
    ...members,
  })
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${JSON.stringify(k)}:${v}`);
  return `{${parts.join(',')}}`;
}

describe('readBatchRequest: valid requests', () => {
  it('reads orders in order, with their parcels (default 1) and the total', () => {
    const result = read(`{"orders":[${orderWith({ parcels: '3' })},${orderWith({ origin_country_id: '"SG"' })}]}`);
    assert.ok(result.ok);
    assert.equal(result.numbers, 4);
    assert.deepEqual(
      result.orders.map((o) => [orderOf(o.values), o.parcels]),
      [
        [EXAMPLE_ORDER, 3],
        [{ ...EXAMPLE_ORDER, origin_country_id: 'SG' }, 1],
      ],
    );
  });

  it('reads a weight given as a JSON number as written, under the same rule as the string', () => {
    for (const [text, weight] of [
      ['1.234', '1.234'],
      ['1000', '1000'],
      ['1000.0', '1000.0'],
      ['0.001', '0.001'],
      ['12.50', '12.50'],
    ]) {
      const result = read(body(JSON.parse(orderWith({ weight: text })) as Order));
      const direct = read(`{"orders":[${orderWith({ weight: text })}]}`);
      assert.ok(direct.ok, text);
      assert.equal(orderOf(direct.orders[0]!.values).weight, weight);
      assert.ok(result.ok);
    }
    for (const text of ['0', '1.2345', '1e3', '1E0', '-1', '1000.001', '0.0', '-0']) {
      const [problem, ...others] = problemsOf(`{"orders":[${orderWith({ weight: text })}]}`);
      assert.equal(others.length, 0, text);
      assert.deepEqual(problem, {
        pointer: '/orders/0/weight',
        detail: 'weight must be a positive number of kilograms with at most 3 decimals, at most 1000 (e.g. 1.234)',
        value: text,
      });
    }
  });

  it('takes parcels as any JSON number whose value is a whole number from 1 to 10000', () => {
    for (const [text, parcels] of [
      ['1', 1],
      ['1.0', 1],
      ['1e1', 10],
      ['10000', 10000],
    ] as const) {
      const result = read(`{"orders":[${orderWith({ parcels: text })}]}`);
      assert.ok(result.ok, text);
      assert.equal(result.orders[0]!.parcels, parcels);
    }
    for (const text of ['0', '-1', '1.5', '"2"', 'null', 'true', '10001', '1e400', '[1]']) {
      assert.deepEqual(
        problemsOf(`{"orders":[${orderWith({ parcels: text })}]}`).map((p) => p.pointer),
        ['/orders/0/parcels'],
        text,
      );
    }
  });
});

describe('readBatchRequest: the same rules and messages as the GET query', () => {
  it('gives, for any value of any parameter, the problem the GET query gives (property)', () => {
    const value = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.constantFrom(
        'MY',
        'my',
        'XX',
        '0',
        '1.2345',
        '2019-02-29T00:00:00Z',
        '00000000-0000-0000-0000-000000000000',
        '',
      ),
      fc.constantFrom(...Object.values(EXAMPLE_ORDER)),
    );
    fc.assert(
      fc.property(fc.constantFrom(...ORDER_PARAMETER_NAMES), value, (name, candidate) => {
        // The query's '+' repair of created_at is a query matter: values it would change are left out.
        fc.pre(!(name === 'created_at' && / \d\d:\d\d$/.test(candidate)));
        const order = { ...EXAMPLE_ORDER, [name]: candidate };
        const query = ORDER_PARAMETER_NAMES.map((n) => `${n}=${encodeURIComponent(order[n])}`).join('&');
        const viaQuery = parseOrderQuery(query);
        const viaBody = read(body(order));
        assert.equal(viaBody.ok, viaQuery.ok);
        if (!viaQuery.ok && !viaBody.ok) {
          assert.deepEqual(
            viaBody.problems.map((p) => ({
              parameter: p.pointer.slice('/orders/0/'.length),
              detail: p.detail,
              value: p.value,
            })),
            viaQuery.problems,
          );
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('readBatchRequest: problems, all at once, at their pointers', () => {
  it('reports missing, duplicated, mistyped and unknown members of every order', () => {
    const text =
      `{"orders":[${orderWith({ weight: '"0"' })},` +
      `${orderWith({ customer_name: '12', customer_id: undefined, 'a/b~': '1' })},` +
      `{"weight":"1","weight":"2","origin_country_id":"MY","origin_country_id":"MY","parcels":1,"parcels":2}, 7]}`;
    const problems = problemsOf(text);
    assert.deepEqual(
      problems.map((p) => [p.pointer, p.detail.slice(0, 40)]),
      [
        ['/orders/0/weight', 'weight must be a positive number of kilo'],
        ['/orders/1/customer_id', 'customer_id is required'],
        ['/orders/1/customer_name', 'customer_name must be 1 to 200 character'],
        ['/orders/1/a~1b~0', 'unknown member "a/b~" (an order has orig'],
        ['/orders/2/origin_country_id', 'origin_country_id is given 2 times (expe'],
        ['/orders/2/destination_country_id', 'destination_country_id is required'],
        ['/orders/2/weight', 'weight is given 2 times (expected once)'],
        ['/orders/2/created_at', 'created_at is required'],
        ['/orders/2/customer_id', 'customer_id is required'],
        ['/orders/2/customer_name', 'customer_name is required'],
        ['/orders/2/customer_slug', 'customer_slug is required'],
        ['/orders/2/parcels', 'parcels is given 2 times (expected once)'],
        ['/orders/3', 'each order must be a JSON object with th'],
      ],
    );
    assert.match(problems[2]!.detail, /; it must be a JSON string$/);
    assert.equal(problems[2]!.value, '12');
  });

  it('refuses bodies that are not {"orders": [...]}', () => {
    for (const [text, pointer, detail] of [
      ['[]', '', 'the body must be a JSON object: {"orders": [...]}'],
      ['"orders"', '', 'the body must be a JSON object: {"orders": [...]}'],
      ['{}', '/orders', 'orders is required'],
      ['{"orders":{}}', '/orders', 'orders must be an array of 1 to 1000 orders'],
      ['{"orders":[]}', '/orders', 'orders must be an array of 1 to 1000 orders'],
      [`{"orders":[${ORDER_TEXT}],"orders":[${ORDER_TEXT}]}`, '/orders', 'orders is given 2 times (expected once)'],
    ] as const) {
      assert.deepEqual(problemsOf(text), [{ pointer, detail }], text);
    }
    assert.deepEqual(problemsOf(`{"orders":[${ORDER_TEXT}],"extra":1}`), [
      { pointer: '/extra', detail: 'unknown member "extra" (a request has orders)' },
    ]);
  });

  it(`refuses more than ${BATCH_LIMITS.maxOrders} orders and more than ${BATCH_LIMITS.maxNumbers} numbers, with the problems read before`, () => {
    // The 1,001st order is not read: its problems are not reported.
    const many = problemsOf(body(...Array.from({ length: 1000 }, () => EXAMPLE_ORDER), { weight: 'x' }, 7));
    assert.deepEqual(
      many.map((p) => p.pointer),
      ['/orders'],
    );
    assert.match(many[0]!.detail, /reading stopped at \/orders\/1000\)/);
    const numbers = problemsOf(
      body({ weight: '0' }, { ...EXAMPLE_ORDER, parcels: 6000 }, { ...EXAMPLE_ORDER, parcels: 4001 }, { weight: 'x' }),
    );
    assert.ok(!numbers.some((p) => p.pointer.startsWith('/orders/3')), 'the order after the limit is not read');
    assert.equal(numbers[0]!.pointer, '/orders');
    // The invalid first order asks for one number (parcels' default): 1 + 6000 + 4001.
    assert.match(
      numbers[0]!.detail,
      /more than 10000 numbers in all \(10002 up to \/orders\/2, where reading stopped\)/,
    );
    assert.ok(numbers.some((p) => p.pointer === '/orders/0/weight'));
    assert.ok(read(body({ ...EXAMPLE_ORDER, parcels: 6000 }, { ...EXAMPLE_ORDER, parcels: 4000 })).ok);
    // The parcels of an order that is otherwise invalid count as well.
    assert.match(problemsOf(body({ parcels: 10_000 }, { parcels: 1 }))[0]!.detail, /10001 up to \/orders\/1,/);
  });

  it('locates a member whose name is over 100 characters at its object, its name cut in the detail', () => {
    const name = 'n'.repeat(500_000);
    // Members of the body are listed before the problems of its orders.
    const [top, order] = problemsOf(`{"orders":[${orderWith({ [name]: '1' })}],${JSON.stringify(name)}:1}`);
    assert.equal(top!.pointer, '');
    assert.equal(order!.pointer, '/orders/0');
    assert.match(order!.detail, /^unknown member "n{100}"\.\.\. of 500000 characters \(an order has/);
    assert.ok(JSON.stringify(order).length < 400);
    const exactly = problemsOf(`{"orders":[${orderWith({ ['m'.repeat(100)]: '1' })}]}`);
    assert.equal(exactly[0]!.pointer, `/orders/0/${'m'.repeat(100)}`);
  });

  it('lists the first 100 problems and counts the others', () => {
    const result = read(body(...Array.from({ length: 300 }, () => ({ ...EXAMPLE_ORDER, weight: '0', parcels: 0 }))));
    assert.ok(!result.ok);
    assert.equal(result.problems.length, 100);
    assert.equal(result.notListed, 500);
    assert.deepEqual(
      result.problems.slice(0, 3).map((p) => p.pointer),
      ['/orders/0/weight', '/orders/0/parcels', '/orders/1/weight'],
    );
  });
});
