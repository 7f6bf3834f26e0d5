/**
 * The OpenAPI document: committed copy current, valid OpenAPI 3.1 (checked by
 * an independent validator), complete (every route, parameter and problem),
 * and its examples valid against its own schemas. That every answer of the
 * service matches it is the contract test (test/helpers/contract.ts, run by
 * every HTTP test).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { openApiDocument } from '../../src/api/openapi.js';
import { ERRORS } from '../../src/errors.js';
import { API_ROUTES } from '../../src/api/routes.js';
import { DEFAULTS, ORDER_PARAMETER_NAMES, EXAMPLE_ORDER } from '../../src/validation/orderParameters.js';
import { OPENAPI_PATH, openApiText } from '../../scripts/openapi.js';
import { OPENAPI, validatorFor } from '../helpers/contract.js';

type Json = Record<string, unknown>;

describe('OpenAPI document', () => {
  it('docs/openapi.json is what npm run generate writes now (run it and commit the file when this fails)', () => {
    assert.equal(readFileSync(OPENAPI_PATH, 'utf8'), openApiText());
  });

  it('is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator)', async () => {
    const validator = new Validator();
    const result = await validator.validate(openApiDocument());
    assert.equal(validator.version, '3.1');
    assert.ok(result.valid, JSON.stringify(result.errors, null, 1)?.slice(0, 3000));
  });

  it('has every route, and every query parameter of the table with its description and example', () => {
    assert.deepEqual(Object.keys(OPENAPI.paths).sort(), [
      '/healthz',
      '/metrics',
      '/next-tracking-number',
      '/openapi.json',
      '/readyz',
      '/tracking-numbers',
      '/tracking-numbers/{number}',
    ]);
    const operation = OPENAPI.paths['/next-tracking-number']!['get'] as unknown as { parameters: Json[] };
    assert.deepEqual(
      operation.parameters.map((p) => p['name']),
      [...ORDER_PARAMETER_NAMES],
    );
    operation.parameters.forEach((parameter, index) => {
      const value = DEFAULTS[index];
      assert.equal(
        parameter['required'],
        value === undefined,
        `${String(parameter['name'])}: required unless it has a default`,
      );
      assert.equal(
        (parameter['schema'] as Json)['default'],
        value,
        `${String(parameter['name'])}: the table's default`,
      );
    });
    const batchOrder = OPENAPI.components.schemas['BatchRequest'] as { properties: { orders: { items: Json } } };
    let order = batchOrder.properties.orders.items;
    if (order['$ref'] !== undefined) order = OPENAPI.components.schemas[(order['$ref'] as string).split('/').pop()!]!;
    ORDER_PARAMETER_NAMES.forEach((name, index) => {
      const value = DEFAULTS[index];
      assert.equal(
        (order['required'] as string[]).includes(name),
        value === undefined,
        `batch order: ${name} required unless it has a default`,
      );
      assert.equal(
        (order['properties'] as Record<string, Json>)[name]!['default'],
        value,
        `batch order: ${name}'s default`,
      );
    });
    for (const parameter of operation.parameters) {
      assert.equal(parameter['in'], 'query');
      assert.ok(typeof parameter['description'] === 'string' && parameter['example'] !== undefined);
      assert.ok(
        validatorFor(parameter['schema'] as Json)(parameter['example']),
        `${String(parameter['name'])} example`,
      );
    }
  });

  it("lists on each route's operation every error the error table says it answers, and no other", () => {
    for (const { route, path, method } of API_ROUTES) {
      const responses = (OPENAPI.paths[path]![method] as unknown as { responses: Record<string, Json> }).responses;
      const expected = new Set<string>();
      for (const [code, declared] of Object.entries(ERRORS) as [
        string,
        { status: number; routes?: readonly string[] | '*' },
      ][]) {
        if (declared.status === 0) continue;
        const answered = declared.routes === '*' || (declared.routes ?? []).includes(route);
        if (!answered) continue;
        expected.add(String(declared.status));
        const text = JSON.stringify(responses[String(declared.status)] ?? {});
        assert.ok(text.includes(`"#/components/schemas/Problem${code}"`), `${method} ${path}: ${code} missing`);
      }
      const problems = Object.entries(responses)
        .filter(([, response]) => JSON.stringify(response).includes('application/problem+json'))
        .map(([status]) => status);
      assert.deepEqual(problems.sort(), [...expected].sort(), `${method} ${path}: problem statuses`);
    }
  });

  it('has a problem schema for every error answered to clients, with its code, status, title and type', () => {
    for (const [code, { status, title }] of Object.entries(ERRORS)) {
      if (status === 0) continue;
      const schema = OPENAPI.components.schemas[`Problem${code}`] as { properties: Record<string, Json> };
      assert.ok(schema !== undefined, code);
      assert.deepEqual(schema.properties['code'], { const: code });
      assert.deepEqual(schema.properties['status'], { const: status });
      assert.deepEqual(schema.properties['title'], { const: title });
    }
  });

  it("holds examples that are valid against their own schemas (and a problem's, against its code's)", () => {
    let seen = 0;
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) return value.forEach(walk);
      if (typeof value !== 'object' || value === null) return;
      const node = value as Json;
      const schema = node['schema'] as Json | undefined;
      if (schema !== undefined && 'example' in node) {
        assert.ok(validatorFor(schema)(node['example']), JSON.stringify(node['example']).slice(0, 300));
        seen += 1;
      }
      if (schema !== undefined && node['examples'] !== undefined) {
        for (const example of Object.values(node['examples'] as Record<string, { value: unknown }>)) {
          assert.ok(validatorFor(schema)(example.value), JSON.stringify(example.value).slice(0, 300));
          seen += 1;
        }
      }
      Object.values(node).forEach(walk);
    };
    walk(OPENAPI.paths);
    assert.ok(seen >= 10, `only ${seen} examples`);
  });

  it('refuses what the service refuses, in its schemas too (spot checks)', () => {
    const issued = validatorFor({ $ref: '#/components/schemas/Issued' });
    const good = {
      tracking_number: 'MY0VAI9UVZYT5OGK',
      created_at: '2026-11-25T16:33:52.586Z',
      order: EXAMPLE_ORDER,
    };
    assert.ok(issued(good));
    for (const [field, value] of [
      ['origin_country_id', 'XK'],
      ['weight', '0'],
      ['weight', 1.234],
      ['customer_id', '00000000-0000-0000-0000-000000000000'],
      ['customer_slug', 'Not_A_Slug'],
    ] as const) {
      assert.ok(!issued({ ...good, order: { ...good.order, [field]: value } }), `${field}=${value}`);
    }
    const request = validatorFor({ $ref: '#/components/schemas/BatchRequest' });
    assert.ok(request({ orders: [{ ...good.order, weight: 1.234, parcels: 3 }] }));
    assert.ok(!request({ orders: [] }));
    assert.ok(!request({ orders: [{ ...good.order, parcels: 0 }] }));
    assert.ok(!request({ orders: [{ ...good.order, parcels: 1.5 }] }));
  });
});
