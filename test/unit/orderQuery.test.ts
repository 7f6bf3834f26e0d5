import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ASSIGNED_COUNTRY_CODES } from '../helpers/countryCodes.js';
import {
  ORDER_PARAMETER_NAMES as ORDER_PARAMETERS,
  type Order as OrderQuery,
  DEFAULTS,
  EXAMPLE_ORDER,
} from '../../src/validation/orderParameters.js';
import { parseOrderQuery, type OrderQueryResult, type ParameterProblem } from '../../src/validation/orderQuery.js';

/** The limits the readme and the OpenAPI document state. */
const LIMITS = { weightMaxKg: 1000, customerNameMaxLength: 200 };
import { orderOf } from '../helpers/order.js';

/** The spec's example, sent as-is (created_at's '+' unencoded, name with '+'). */
const SPEC_EXAMPLE_QUERY =
  'origin_country_id=MY&destination_country_id=ID&weight=1.234&created_at=2018-11-20T19:29:32+08:00' +
  '&customer_id=de619854-b59b-425e-9db4-943979e1bd49&customer_name=RedBox+Logistics&customer_slug=redbox-logistics';

const VALID: OrderQuery = EXAMPLE_ORDER;

/** The spec's example order: the spec's parameters as given, and the defaults of the parameters it leaves out. */
const SPEC_ORDER = Object.fromEntries(
  ORDER_PARAMETERS.map((name, index) => [
    name,
    SPEC_EXAMPLE_QUERY.includes(`${name}=`) ? VALID[name] : DEFAULTS[index],
  ]),
) as OrderQuery;

type Parameter = (typeof ORDER_PARAMETERS)[number];

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** Properly encoded query for VALID with some parameters replaced (raw, already-encoded text). */
function queryWith(rawOverrides: Partial<Record<Parameter, string>> = {}): string {
  return ORDER_PARAMETERS.map((name) => `${name}=${rawOverrides[name] ?? encodeURIComponent(VALID[name])}`).join('&');
}

function expectOk(result: OrderQueryResult): OrderQuery {
  if (!result.ok) assert.fail(`expected ok, got ${JSON.stringify(result.problems)}`);
  return orderOf(result.values);
}

function expectProblems(result: OrderQueryResult): ParameterProblem[] {
  if (result.ok) assert.fail(`expected problems, got ok ${JSON.stringify(result.values)}`);
  return result.problems;
}

/** Exactly one problem, for `parameter`; returns it. */
function expectOnlyProblem(result: OrderQueryResult, parameter: Parameter): ParameterProblem {
  const problems = expectProblems(result);
  assert.deepEqual(
    problems.map((problem) => problem.parameter),
    [parameter],
    JSON.stringify(problems),
  );
  return problems[0]!;
}

const MESSAGE = {
  origin: 'origin_country_id must be an assigned upper-case ISO 3166-1 alpha-2 country code (e.g. MY)',
  destination: 'destination_country_id must be an assigned upper-case ISO 3166-1 alpha-2 country code (e.g. ID)',
  weight: 'weight must be a positive number of kilograms with at most 3 decimals, at most 1000 (e.g. 1.234)',
  createdAtFormat: 'created_at must be an RFC 3339 date-time with offset (e.g. 2018-11-20T19:29:32+08:00)',
  createdAtCalendar: 'created_at is not a real calendar date',
  customerId:
    'customer_id must be a UUID: 32 hex digits grouped 8-4-4-4-12 (e.g. de619854-b59b-425e-9db4-943979e1bd49)',
  customerIdNil: 'customer_id must not be the nil UUID 00000000-0000-0000-0000-000000000000',
  customerName:
    'customer_name must be 1 to 200 characters, not only whitespace, without control characters (e.g. RedBox Logistics)',
  customerNameEmpty: 'customer_name must not be empty',
  customerNameTooLong: 'customer_name must be at most 200 characters (UTF-16 code units: an emoji counts 2)',
  customerSlug:
    'customer_slug must be lower-case kebab-case: a-z and 0-9 words joined by single hyphens, at most 200 characters (e.g. redbox-logistics)',
  customerSlugTooLong: 'customer_slug must be at most 200 characters',
} as const;

describe('parseOrderQuery: the spec example', () => {
  it("accepts the spec URL pasted unencoded, reading created_at's space back as '+'", () => {
    assert.deepEqual(expectOk(parseOrderQuery(SPEC_EXAMPLE_QUERY)), SPEC_ORDER);
  });

  it('accepts the same query properly encoded (%2B, %20)', () => {
    assert.deepEqual(expectOk(parseOrderQuery(queryWith())), VALID);
    assert.ok(queryWith().includes('created_at=2018-11-20T19%3A29%3A32%2B08%3A00'));
  });

  it('returns a plain object with exactly the parameters of the table, in table order', () => {
    const query = expectOk(parseOrderQuery(`utm_source=x&${queryWith()}&debug`));
    assert.deepEqual(Object.keys(query), [...ORDER_PARAMETERS]);
  });

  it("has the spec's seven parameters, in the spec's order", () => {
    const spec = [
      'origin_country_id',
      'destination_country_id',
      'weight',
      'created_at',
      'customer_id',
      'customer_name',
      'customer_slug',
    ];
    assert.deepEqual(
      ORDER_PARAMETERS.filter((name) => spec.includes(name)),
      spec,
    );
  });
});

/** Table-driven accept/reject for one parameter; values are raw (already encoded) query text. */
function parameterTable(
  parameter: Parameter,
  accept: readonly (readonly [raw: string, expectedValue: string])[],
  reject: readonly (readonly [raw: string, detail: string, receivedValue?: string])[],
): void {
  describe(`parseOrderQuery: ${parameter}`, () => {
    for (const [raw, expectedValue] of accept) {
      it(`accepts ${JSON.stringify(raw)}`, () => {
        const query = expectOk(parseOrderQuery(queryWith({ [parameter]: raw })));
        assert.equal(query[parameter], expectedValue);
      });
    }
    for (const [raw, detail, receivedValue] of reject) {
      it(`rejects ${JSON.stringify(raw)}`, () => {
        const problem = expectOnlyProblem(parseOrderQuery(queryWith({ [parameter]: raw })), parameter);
        assert.equal(problem.detail, detail);
        if (receivedValue !== undefined) assert.equal(problem.value, receivedValue);
      });
    }
  });
}

const same = (value: string) => [encodeURIComponent(value), value] as const;

for (const [parameter, message] of [
  ['origin_country_id', MESSAGE.origin],
  ['destination_country_id', MESSAGE.destination],
] as const) {
  parameterTable(
    parameter,
    [same('MY'), same('ID'), same('GB'), same('US'), same('AX'), same('ZW')],
    [
      ['XX', message, 'XX'],
      ['QQ', message, 'QQ'],
      ['my', message, 'my'],
      ['My', message, 'My'],
      ['MYS', message, 'MYS'],
      ['ZZ', message, 'ZZ'],
      ['EU', message, 'EU'],
      ['UK', message, 'UK'], // exceptionally reserved; GB is assigned
      ['XK', message, 'XK'], // Kosovo: user-assigned, not officially assigned
      ['AN', message, 'AN'], // Netherlands Antilles: deleted
      ['', message, ''],
      ['M', message, 'M'],
      ['+MY', message, ' MY'],
      ['MY%20', message, 'MY '],
      ['458', message, '458'], // numeric code
    ],
  );
}

describe('country codes', () => {
  it('knows the 249 officially assigned codes, and no reserved or user-assigned one', () => {
    assert.equal(ASSIGNED_COUNTRY_CODES.length, 249);
    for (const excluded of ['XK', 'UK', 'EU', 'EZ', 'UN', 'AA', 'ZZ', 'QM', 'XA', 'AN', 'YU', 'CS']) {
      assert.ok(!(ASSIGNED_COUNTRY_CODES as readonly string[]).includes(excluded), excluded);
    }
  });

  it("agrees with tzdata's list of ISO 3166 codes (Debian's tzdata, an independent copy)", () => {
    const table = '/usr/share/zoneinfo/iso3166.tab';
    assert.ok(existsSync(table), `${table} is missing: install Debian's tzdata`);
    const tzdata = readFileSync(table, 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z]{2}\t/.test(line))
      .map((line) => line.slice(0, 2));
    assert.deepEqual([...ASSIGNED_COUNTRY_CODES], tzdata.sort());
  });

  it('the generated validator accepts exactly that list for both country parameters', () => {
    const assigned = new Set<string>(ASSIGNED_COUNTRY_CODES);
    for (let first = 65; first <= 90; first++) {
      for (let second = 65; second <= 90; second++) {
        const code = String.fromCharCode(first, second);
        const result = parseOrderQuery(queryWith({ origin_country_id: code, destination_country_id: code }));
        assert.equal(result.ok, assigned.has(code), code);
      }
    }
  });
});

parameterTable(
  'weight',
  [
    same('0.001'),
    same('1'),
    same('1.234'),
    same('999.999'),
    same('1000'),
    same('1000.000'),
    same('1000.0'),
    same('0.5'),
    same('10'),
    same('100.10'),
    same('0.010'),
  ],
  [
    ['0', MESSAGE.weight, '0'],
    ['0.0', MESSAGE.weight],
    ['0.000', MESSAGE.weight, '0.000'],
    ['-1', MESSAGE.weight, '-1'],
    ['%2B1', MESSAGE.weight, '+1'],
    ['+1', MESSAGE.weight, ' 1'],
    ['1e3', MESSAGE.weight],
    ['1E3', MESSAGE.weight],
    ['0x10', MESSAGE.weight],
    ['1.2345', MESSAGE.weight],
    ['NaN', MESSAGE.weight],
    ['Infinity', MESSAGE.weight],
    ['%205', MESSAGE.weight, ' 5'],
    ['5%20', MESSAGE.weight, '5 '],
    ['01', MESSAGE.weight],
    ['00.5', MESSAGE.weight],
    ['.5', MESSAGE.weight],
    ['5.', MESSAGE.weight],
    ['1000.001', MESSAGE.weight],
    ['1001', MESSAGE.weight],
    ['10000', MESSAGE.weight],
    ['1%2C5', MESSAGE.weight, '1,5'],
    ['', MESSAGE.weight, ''],
    ['%D9%A1', MESSAGE.weight, '١'], // Arabic-Indic digit one
    ['1_000', MESSAGE.weight],
  ],
);

describe('weight limit', () => {
  it('is LIMITS.weightMaxKg inclusive, with gram resolution', () => {
    expectOk(parseOrderQuery(queryWith({ weight: String(LIMITS.weightMaxKg) })));
    expectOnlyProblem(parseOrderQuery(queryWith({ weight: `${LIMITS.weightMaxKg}.001` })), 'weight');
  });
});

parameterTable(
  'created_at',
  [
    same('2020-02-29T00:00:00Z'),
    same('2000-02-29T00:00:00Z'),
    same('2000-02-29T12:00:00+05:30'),
    same('2018-11-20T19:29:32+08:00'),
    same('2018-11-20T19:29:32.123456789Z'),
    same('2018-11-20T19:29:32.1Z'),
    same('2018-11-20t19:29:32z'),
    same('2018-11-20T19:29:32-05:00'),
    same('2018-12-31T23:59:59-23:59'),
    same('2018-01-31T00:00:00+00:00'),
    same('2018-04-30T00:00:00Z'),
    same('0000-02-29T00:00:00Z'),
    ['2018-11-20T19:29:32+08:00', '2018-11-20T19:29:32+08:00'], // unencoded '+': repaired
    ['2018-11-20T19:29:32.5+08:00', '2018-11-20T19:29:32.5+08:00'],
    ['2018-11-20T19:29:32%2008:00', '2018-11-20T19:29:32+08:00'], // a space there can only have been '+'
  ],
  [
    ['2018-02-30T00:00:00Z', MESSAGE.createdAtCalendar, '2018-02-30T00:00:00Z'],
    ['2019-02-29T00:00:00Z', MESSAGE.createdAtCalendar],
    ['1900-02-29T00:00:00Z', MESSAGE.createdAtCalendar],
    ['2018-04-31T00:00:00Z', MESSAGE.createdAtCalendar],
    ['2018-11-31T00:00:00Z', MESSAGE.createdAtCalendar],
    // calendar error after the '+' repair: the value is echoed as received
    ['2018-02-30T00:00:00+08:00', MESSAGE.createdAtCalendar, '2018-02-30T00:00:00 08:00'],
    ['2018-11-20T25:00:00Z', MESSAGE.createdAtFormat, '2018-11-20T25:00:00Z'],
    ['2018-11-20T24:00:00Z', MESSAGE.createdAtFormat],
    ['2018-11-20T19:60:00Z', MESSAGE.createdAtFormat],
    ['2016-12-31T23:59:60Z', MESSAGE.createdAtFormat], // leap second: rejected on purpose
    ['2018-11-20', MESSAGE.createdAtFormat, '2018-11-20'],
    ['2018-11-20T19:29:32', MESSAGE.createdAtFormat],
    ['2018-11-20T19:29Z', MESSAGE.createdAtFormat],
    ['2018-11-20%2019:29:32Z', MESSAGE.createdAtFormat, '2018-11-20 19:29:32Z'],
    ['2018-11-20%0919:29:32Z', MESSAGE.createdAtFormat], // tab separator
    ['2018-11-20_19:29:32Z', MESSAGE.createdAtFormat],
    ['2018-13-01T00:00:00Z', MESSAGE.createdAtFormat],
    ['2018-00-10T00:00:00Z', MESSAGE.createdAtFormat],
    ['2018-11-00T00:00:00Z', MESSAGE.createdAtFormat],
    ['2018-11-32T00:00:00Z', MESSAGE.createdAtFormat],
    ['2018-11-20T19:29:32.1234567890Z', MESSAGE.createdAtFormat], // 10 fraction digits
    ['2018-11-20T19:29:32.Z', MESSAGE.createdAtFormat],
    ['2018-11-20T19:29:32%2B24:00', MESSAGE.createdAtFormat],
    ['2018-11-20T19:29:32%2B08:60', MESSAGE.createdAtFormat],
    ['2018-11-20T19:29:32%2B0800', MESSAGE.createdAtFormat],
    ['2018-11-20T19:29:32%2B08', MESSAGE.createdAtFormat],
    ['2018-11-20T19:29:32+0800', MESSAGE.createdAtFormat], // not the repaired shape
    ['2018-11-20+08:00', MESSAGE.createdAtFormat, '2018-11-20 08:00'], // no time before: not repaired
    ['18-11-20T19:29:32Z', MESSAGE.createdAtFormat],
    ['+2018-11-20T19:29:32Z', MESSAGE.createdAtFormat],
    ['2018-11-20T19:29:32Z%20', MESSAGE.createdAtFormat],
    ['1542713372', MESSAGE.createdAtFormat], // epoch seconds
    ['%D9%A2018-11-20T19:29:32Z', MESSAGE.createdAtFormat],
    ['', MESSAGE.createdAtFormat, ''],
  ],
);

describe('created_at: calendar', () => {
  it('accepts exactly the days that exist (checked against Date.UTC), leap years included', () => {
    for (const year of [1900, 1999, 2000, 2019, 2020, 2100, 2400]) {
      for (let month = 1; month <= 12; month++) {
        for (let day = 1; day <= 31; day++) {
          const value = `${year}-${pad(month, 2)}-${pad(day, 2)}T12:00:00Z`;
          const exists = new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
          const result = parseOrderQuery(queryWith({ created_at: value }));
          assert.equal(result.ok, exists, value);
          if (!result.ok) assert.equal(result.problems[0]?.detail, MESSAGE.createdAtCalendar, value);
        }
      }
    }
  });
});

parameterTable(
  'customer_id',
  [
    same('de619854-b59b-425e-9db4-943979e1bd49'),
    same('DE619854-B59B-425E-9DB4-943979E1BD49'), // case kept as received
    same('De619854-b59B-425e-9Db4-943979e1bD49'),
    same('de619854-b59b-025e-0db4-943979e1bd49'), // version/variant nibbles not checked
    same('ffffffff-ffff-ffff-ffff-ffffffffffff'), // Max UUID: accepted
  ],
  [
    ['00000000-0000-0000-0000-000000000000', MESSAGE.customerIdNil, '00000000-0000-0000-0000-000000000000'],
    [
      'urn%3Auuid%3Ade619854-b59b-425e-9db4-943979e1bd49',
      MESSAGE.customerId,
      'urn:uuid:de619854-b59b-425e-9db4-943979e1bd49',
    ],
    ['de619854b59b425e9db4943979e1bd49', MESSAGE.customerId],
    ['%7Bde619854-b59b-425e-9db4-943979e1bd49%7D', MESSAGE.customerId],
    ['de619854-b59b-425e-9db4-943979e1bd4', MESSAGE.customerId],
    ['de619854-b59b-425e-9db4-943979e1bd491', MESSAGE.customerId],
    ['ge619854-b59b-425e-9db4-943979e1bd49', MESSAGE.customerId],
    ['de619854-b59b-425e-9db4-943979e1bd49%20', MESSAGE.customerId],
    ['de619854_b59b_425e_9db4_943979e1bd49', MESSAGE.customerId],
    ['', MESSAGE.customerId],
  ],
);

const emoji = '😀'; // 2 UTF-16 code units
parameterTable(
  'customer_name',
  [
    ['RedBox+Logistics', 'RedBox Logistics'], // '+' is a space
    ['RedBox%20Logistics', 'RedBox Logistics'],
    ['RedBox%2BLogistics', 'RedBox+Logistics'],
    same('Café 中文 😀 Ünïcødé'),
    same("O'Brien & Sons (Pte.) Ltd. – 100%"),
    same('x'),
    ['+RedBox+', ' RedBox '], // surrounding spaces kept as received
    same('a'.repeat(200)),
    same(emoji.repeat(100)), // 200 code units
    same(`${'a'.repeat(198)}${emoji}`),
  ],
  [
    ['', MESSAGE.customerNameEmpty, ''],
    ['+', MESSAGE.customerName, ' '],
    ['+++', MESSAGE.customerName, '   '],
    ['%09', MESSAGE.customerName, '\t'],
    ['%C2%A0', MESSAGE.customerName], // no-break space only
    ['%E2%80%83%E3%80%80', MESSAGE.customerName], // em space + ideographic space only
    ['a%00b', MESSAGE.customerName, 'a\u0000b'],
    ['a%0Ab', MESSAGE.customerName],
    ['a%0Db', MESSAGE.customerName],
    ['a%1Fb', MESSAGE.customerName],
    ['a%7Fb', MESSAGE.customerName, 'a\u007Fb'],
    ['a%C2%80b', MESSAGE.customerName],
    ['a%C2%85b', MESSAGE.customerName], // NEL (C1)
    ['a%C2%9Fb', MESSAGE.customerName],
    ['Red%09Box', MESSAGE.customerName],
    ['a'.repeat(201), MESSAGE.customerNameTooLong],
    [encodeURIComponent(emoji.repeat(101)), MESSAGE.customerNameTooLong],
    [encodeURIComponent(`${'a'.repeat(199)}${emoji}`), MESSAGE.customerNameTooLong], // 201 code units
    [
      '%ZZ',
      "customer_name has malformed percent-encoding (each '%' must start a %XX escape, and the escaped bytes must be valid UTF-8)",
      '%ZZ',
    ],
  ],
);

describe('customer_name: lone surrogates', () => {
  it('rejects an unpaired surrogate that arrived unencoded', () => {
    for (const raw of ['a\uD800b', 'a\uDC00', '\uD83D']) {
      const problem = expectOnlyProblem(parseOrderQuery(queryWith({ customer_name: raw })), 'customer_name');
      assert.equal(problem.detail, MESSAGE.customerName);
    }
  });
});

parameterTable(
  'customer_slug',
  [
    same('redbox-logistics'),
    same('a'),
    same('0'),
    same('a1-b2-c3'),
    same('123'),
    same('x'.repeat(200)),
    same(`${'ab-'.repeat(66)}ab`), // 200
  ],
  [
    ['RedBox', MESSAGE.customerSlug, 'RedBox'],
    ['-a', MESSAGE.customerSlug],
    ['a-', MESSAGE.customerSlug],
    ['a--b', MESSAGE.customerSlug],
    ['a_b', MESSAGE.customerSlug],
    ['a+b', MESSAGE.customerSlug, 'a b'],
    ['a.b', MESSAGE.customerSlug],
    ['caf%C3%A9', MESSAGE.customerSlug, 'café'],
    ['', MESSAGE.customerSlug, ''],
    ['-', MESSAGE.customerSlug],
    ['x'.repeat(201), MESSAGE.customerSlugTooLong],
    [`${'ab-'.repeat(66)}abc`, MESSAGE.customerSlugTooLong],
  ],
);

describe('parseOrderQuery: presence, duplicates, unknown parameters', () => {
  ORDER_PARAMETERS.forEach((missing, index) => {
    const value = DEFAULTS[index];
    const raw = ORDER_PARAMETERS.filter((name) => name !== missing)
      .map((name) => `${name}=${encodeURIComponent(VALID[name])}`)
      .join('&');
    if (value === undefined) {
      it(`reports a missing ${missing}`, () => {
        assert.deepEqual(expectOnlyProblem(parseOrderQuery(raw), missing), {
          parameter: missing,
          detail: `${missing} is required`,
        });
      });
    } else {
      it(`reads a missing ${missing} as its default, ${value}`, () => {
        assert.deepEqual(expectOk(parseOrderQuery(raw)), { ...VALID, [missing]: value });
      });
    }
  });

  it('reports every required parameter for an empty query, in table order', () => {
    assert.deepEqual(
      expectProblems(parseOrderQuery('')),
      ORDER_PARAMETERS.filter((_, index) => DEFAULTS[index] === undefined).map((parameter) => ({
        parameter,
        detail: `${parameter} is required`,
      })),
    );
  });

  it('reports a duplicated parameter, even with identical values', () => {
    for (const extra of ['weight=2', 'weight=1.234']) {
      assert.deepEqual(expectOnlyProblem(parseOrderQuery(`${queryWith()}&${extra}`), 'weight'), {
        parameter: 'weight',
        detail: 'weight is given 2 times (expected once)',
      });
    }
  });

  it('counts every occurrence', () => {
    const problem = expectOnlyProblem(parseOrderQuery(`${queryWith()}&customer_slug=a&customer_slug`), 'customer_slug');
    assert.equal(problem.detail, 'customer_slug is given 3 times (expected once)');
  });

  it("treats a name without '=' as an empty value", () => {
    const raw = ORDER_PARAMETERS.map((name) =>
      name === 'customer_slug' ? name : `${name}=${encodeURIComponent(VALID[name])}`,
    ).join('&');
    assert.equal(expectOnlyProblem(parseOrderQuery(raw), 'customer_slug').value, '');
  });

  it('ignores unknown parameters and empty segments', () => {
    const raw = `&&utm_source=news&${queryWith()}&&Weight=5&weight_kg=1&=x&flag&`;
    assert.deepEqual(expectOk(parseOrderQuery(raw)), VALID);
  });

  it('reports names it cannot decode, each once, after the known parameters', () => {
    const raw = `${queryWith({ weight: '0' })}&%ZZ=1&weight%ZZ=2`;
    const malformed = (name: string) => ({
      parameter: name,
      detail: `the parameter name "${name}" has malformed percent-encoding (each '%' must start a %XX escape, and the escaped bytes must be valid UTF-8)`,
    });
    assert.deepEqual(expectProblems(parseOrderQuery(raw)), [
      { parameter: 'weight', detail: MESSAGE.weight, value: '0' },
      malformed('%ZZ'),
      malformed('weight%ZZ'),
    ]);
    assert.deepEqual(expectProblems(parseOrderQuery(`${queryWith()}&%C3%28`)), [malformed('%C3%28')]);
  });

  it('decodes parameter names too', () => {
    const raw = queryWith().replace('weight=', 'w%65ight=').replace('customer_name=', 'customer%5Fname=');
    assert.deepEqual(expectOk(parseOrderQuery(raw)), VALID);
  });

  it("a leading '?' is not stripped (uWS passes the query without it)", () => {
    const problem = expectOnlyProblem(parseOrderQuery(`?${queryWith()}`), 'origin_country_id');
    assert.equal(problem.detail, 'origin_country_id is required');
  });
});

describe('parseOrderQuery: malformed percent-encoding', () => {
  const detail = (name: string) =>
    `${name} has malformed percent-encoding (each '%' must start a %XX escape, and the escaped bytes must be valid UTF-8)`;
  const cases: [parameter: Parameter, raw: string][] = [
    ['customer_name', '%ZZ'],
    ['customer_name', 'Red%4'],
    ['customer_name', '%C3%28'],
    ['customer_name', '%FF'],
    ['customer_name', 'caf%C3'],
    ['customer_name', '%ED%A0%80'],
    ['weight', '1%2'],
    ['created_at', '2018-11-20T19:29:32%2'],
    ['origin_country_id', '%4D%59%'],
    ['customer_slug', '%E2%82'],
  ];
  for (const [parameter, raw] of cases) {
    it(`${parameter}=${raw}`, () => {
      assert.deepEqual(expectOnlyProblem(parseOrderQuery(queryWith({ [parameter]: raw })), parameter), {
        parameter,
        detail: detail(parameter),
        value: raw, // still encoded: it could not be decoded
      });
    });
  }
});

describe('parseOrderQuery: all problems at once', () => {
  it('reports exactly the 3 bad parameters, in spec order, whatever the query order', () => {
    const raw =
      'customer_slug=Not_A_Slug&customer_name=RedBox+Logistics&customer_id=de619854-b59b-425e-9db4-943979e1bd49' +
      '&created_at=2018-11-20T19:29:32%2B08:00&weight=0&destination_country_id=ID&origin_country_id=UK';
    assert.deepEqual(expectProblems(parseOrderQuery(raw)), [
      { parameter: 'origin_country_id', detail: MESSAGE.origin, value: 'UK' },
      { parameter: 'weight', detail: MESSAGE.weight, value: '0' },
      { parameter: 'customer_slug', detail: MESSAGE.customerSlug, value: 'Not_A_Slug' },
    ]);
  });

  it('mixes every kind of problem, one per parameter', () => {
    const raw =
      'origin_country_id=XK&weight=1&weight=2&created_at=2019-02-29T00:00:00Z' +
      '&customer_id=00000000-0000-0000-0000-000000000000&customer_name=%C3%28&customer_slug=a--b';
    assert.deepEqual(expectProblems(parseOrderQuery(raw)), [
      { parameter: 'origin_country_id', detail: MESSAGE.origin, value: 'XK' },
      { parameter: 'destination_country_id', detail: 'destination_country_id is required' },
      { parameter: 'weight', detail: 'weight is given 2 times (expected once)' },
      { parameter: 'created_at', detail: MESSAGE.createdAtCalendar, value: '2019-02-29T00:00:00Z' },
      { parameter: 'customer_id', detail: MESSAGE.customerIdNil, value: '00000000-0000-0000-0000-000000000000' },
      {
        parameter: 'customer_name',
        detail:
          "customer_name has malformed percent-encoding (each '%' must start a %XX escape, and the escaped bytes must be valid UTF-8)",
        value: '%C3%28',
      },
      { parameter: 'customer_slug', detail: MESSAGE.customerSlug, value: 'a--b' },
    ]);
  });

  it('truncates echoed values to 100 characters without splitting a surrogate pair', () => {
    const long = expectOnlyProblem(parseOrderQuery(queryWith({ customer_name: 'a'.repeat(300) })), 'customer_name');
    assert.equal(long.value, 'a'.repeat(100));
    const split = expectOnlyProblem(
      parseOrderQuery(queryWith({ customer_name: encodeURIComponent(`${'a'.repeat(99)}${emoji.repeat(60)}`) })),
      'customer_name',
    );
    assert.equal(split.value, 'a'.repeat(99));
    const slug = expectOnlyProblem(
      parseOrderQuery(queryWith({ customer_slug: `${'x'.repeat(150)}%ZZ` })),
      'customer_slug',
    );
    assert.equal(slug.value, 'x'.repeat(100));
  });
});

// ---------------------------------------------------------------------------
// Property-based tests
// ---------------------------------------------------------------------------

const countryCode = fc.constantFrom(...ASSIGNED_COUNTRY_CODES);

const weight = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: 999 }), fc.stringMatching(/^[0-9]{0,3}$/))
    .filter(([whole, decimals]) => whole > 0 || /[1-9]/.test(decimals))
    .map(([whole, decimals]) => (decimals === '' ? String(whole) : `${whole}.${decimals}`)),
  fc.constantFrom('1000', '1000.0', '1000.00', '1000.000', '0.001', '999.999'),
);

const createdAt = fc
  .record({
    date: fc.date({
      min: new Date('0000-01-01T00:00:00Z'),
      max: new Date('9999-12-31T23:59:59Z'),
      noInvalidDate: true,
    }),
    fraction: fc.stringMatching(/^(?:\.[0-9]{1,9})?$/),
    separator: fc.constantFrom('T', 't'),
    offset: fc.oneof(
      fc.constantFrom('Z', 'z'),
      fc
        .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
        .map(([sign, hours, minutes]) => `${sign}${pad(hours, 2)}:${pad(minutes, 2)}`),
    ),
  })
  .map(({ date, fraction, separator, offset }) => {
    const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ for years 0000-9999
    return `${iso.slice(0, 10)}${separator}${iso.slice(11, 19)}${fraction}${offset}`;
  });

const uuid = fc
  .tuple(fc.uuid(), fc.constantFrom('lower', 'upper'))
  .map(([id, textCase]) => (textCase === 'upper' ? id.toUpperCase() : id))
  .filter((id) => id !== '00000000-0000-0000-0000-000000000000');

/** Any code point but controls (C0, DEL, C1); spaces are common on purpose. */
const nameUnit = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 6 },
  { arbitrary: fc.constantFrom(' ', ' ', '\u00A0', '+', '&', '=', '%', 'é', '中', emoji, '-', "'"), weight: 3 },
);
const customerName = fc
  .string({ unit: nameUnit, minLength: 1, maxLength: 60 })
  // eslint-disable-next-line no-control-regex -- the point: replace control characters, which names may not hold
  .map((name) => name.replace(/[\u0000-\u001F\u007F-\u009F]/g, 'x'))
  .filter((name) => /\S/.test(name) && name.length <= LIMITS.customerNameMaxLength);

const slug = fc
  .array(fc.stringMatching(/^[a-z0-9]{1,10}$/), { minLength: 1, maxLength: 8 })
  .map((words) => words.join('-'));

/** Generators of valid values; a parameter of the table without one here takes its example. */
const VALID_VALUES: Partial<Record<Parameter, fc.Arbitrary<string>>> = {
  origin_country_id: countryCode,
  destination_country_id: countryCode,
  weight,
  created_at: createdAt,
  customer_id: uuid,
  customer_name: customerName,
  customer_slug: slug,
};
const validQuery = fc.record(
  Object.fromEntries(ORDER_PARAMETERS.map((name) => [name, VALID_VALUES[name] ?? fc.constant(VALID[name])])),
) as fc.Arbitrary<OrderQuery>;
/** The parameters a request may leave out (those with a default), and their defaults. */
const OPTIONAL = new Map(
  ORDER_PARAMETERS.flatMap((name, index) => (DEFAULTS[index] === undefined ? [] : [[name, DEFAULTS[index]] as const])),
);

/** Encodes a value the ways clients do. */
function encodeValue(value: string, style: 'component' | 'form' | 'plus-unencoded'): string {
  const encoded = encodeURIComponent(value);
  if (style === 'component') return encoded;
  if (style === 'form') return encoded.replaceAll('%20', '+');
  return encoded.replaceAll('%2B', '+'); // only used for created_at: the spec-example style
}

describe('parseOrderQuery: properties', () => {
  it('accepts any valid query and returns its values exactly', () => {
    fc.assert(
      fc.property(
        validQuery,
        fc.constantFrom<'component' | 'form'>('component', 'form'),
        fc.boolean(),
        fc.array(fc.constantFrom('utm_source=mail', 'x', '=', 'debug=1', 'Weight=2', ''), { maxLength: 3 }),
        fc.shuffledSubarray([...Array(ORDER_PARAMETERS.length + 3).keys()], {
          minLength: ORDER_PARAMETERS.length + 3,
          maxLength: ORDER_PARAMETERS.length + 3,
        }),
        fc.subarray([...OPTIONAL.keys()]),
        (query, style, plusUnencoded, extras, permutation, leftOut) => {
          const segments = ORDER_PARAMETERS.filter((name) => !leftOut.includes(name)).map((name) => {
            const value = query[name];
            const encoded =
              name === 'created_at' && plusUnencoded ? encodeValue(value, 'plus-unencoded') : encodeValue(value, style);
            return `${name}=${encoded}`;
          });
          segments.push(...extras);
          const shuffled = permutation.filter((index) => index < segments.length).map((index) => segments[index]!);
          const result = parseOrderQuery(shuffled.join('&'));
          const expected: Record<string, string> = { ...query }; // fc.record objects have a null prototype
          for (const name of leftOut) expected[name] = OPTIONAL.get(name)!;
          assert.deepEqual(expectOk(result), expected);
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it('is total: junk never throws and yields ok or problems', () => {
    const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
    const percentJunk = fc
      .array(
        fc.oneof(
          fc.constantFrom('%', '%2', '%C3', '%28', '%FF', '%E2%82', '%ZZ', '%25', '%2B', '+', '&', '=', '&&'),
          fc.constantFrom(...ORDER_PARAMETERS.map((name) => `${name}=`)),
          fc.integer({ min: 0, max: 255 }).map((byte) => `%${byte.toString(16).padStart(2, '0')}`),
          fc.string({ maxLength: 4 }),
        ),
        { maxLength: 30 },
      )
      .map((parts) => parts.join(''));
    const mutatedValid = fc
      .tuple(validQuery, fc.string({ unit: 'binary', maxLength: 6 }), fc.nat())
      .map(([query, junk, at]) => {
        const raw = ORDER_PARAMETERS.map((name) => `${name}=${encodeURIComponent(query[name])}`).join('&');
        const position = at % (raw.length + 1);
        return raw.slice(0, position) + junk + raw.slice(position);
      });
    const junk = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }), // was fc.fullUnicodeString before fast-check 4
      fc.string({ unit: anyUnit }), // includes lone surrogates
      percentJunk,
      mutatedValid,
    );
    fc.assert(
      fc.property(junk, (raw) => {
        const result = parseOrderQuery(raw);
        if (result.ok) {
          assert.deepEqual(Object.keys(orderOf(result.values)), [...ORDER_PARAMETERS]);
        } else {
          assert.ok(result.problems.length >= 1);
          // Known parameters first, at most once each and in spec order; then names that could not be decoded.
          const known = result.problems.filter((problem) => !problem.detail.startsWith('the parameter name '));
          assert.ok(known.length <= ORDER_PARAMETERS.length);
          assert.deepEqual(result.problems.slice(0, known.length), known);
          const order = known.map((problem) => ORDER_PARAMETERS.indexOf(problem.parameter as Parameter));
          assert.ok(order.every((position, index) => position >= 0 && (index === 0 || position > order[index - 1]!)));
          for (const problem of result.problems) {
            assert.equal(typeof problem.detail, 'string');
            assert.ok(problem.value === undefined || problem.value.length <= 100);
            assert.ok(problem.parameter.length <= 100);
          }
        }
      }),
      { numRuns: 10_000 },
    );
  });
});
