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
import { ERRORS, problemType, type ErrorCode } from '../../src/errors.js';
import { API_ROUTES } from '../../src/api/routes.js';
import { DEFAULTS, ORDER_PARAMETER_NAMES, EXAMPLE_ORDER } from '../../src/validation/orderParameters.js';
import { OPENAPI_PATH, openApiText } from '../../scripts/openapi.js';
import { OPENAPI, validatorFor } from '../helpers/contract.js';

type Json = Record<string, unknown>;

/** The schema of the batch's request body, as the document writes it (inline, in the operation). */
const batchBody = (document: { paths: Record<string, Record<string, unknown>> } = OPENAPI): Json =>
  (document.paths['/tracking-numbers']!['post'] as { requestBody: { content: Record<string, { schema: Json }> } })
    .requestBody.content['application/json']!.schema;

/** Every `$ref` in `value`. */
const refsIn = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.flatMap(refsIn)
    : typeof value === 'object' && value !== null
      ? [
          ...(typeof (value as Json)['$ref'] === 'string' ? [(value as Json)['$ref'] as string] : []),
          ...Object.values(value).flatMap(refsIn),
        ]
      : [];

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
    const order = (batchBody() as { properties: { orders: { items: Json } } }).properties.orders.items;
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

  it('has a problem schema for every error answered to clients, with its code and status, and title a string (titles may be reworded) with the current one as example', () => {
    for (const [code, { status, title }] of Object.entries(ERRORS)) {
      if (status === 0) continue;
      const schema = OPENAPI.components.schemas[`Problem${code}`] as { properties: Record<string, Json> };
      assert.ok(schema !== undefined, code);
      assert.deepEqual(schema.properties['code'], { const: code });
      assert.deepEqual(schema.properties['status'], { const: status });
      const titleSchema = schema.properties['title']!;
      assert.equal(titleSchema['type'], 'string', `${code}: title`);
      assert.ok(!('const' in titleSchema) && !('enum' in titleSchema), `${code}: title pinned`);
      assert.deepEqual(titleSchema['examples'], [title], `${code}: title example`);
      const problem = validatorFor({ $ref: `#/components/schemas/Problem${code}` });
      const reworded = { type: problemType(code as ErrorCode), title: 'Reworded', status, detail: 'd', code };
      const extensions = Object.keys(schema.properties).filter(
        (name) => !['type', 'title', 'status', 'detail', 'code'].includes(name),
      );
      if (extensions.length === 0) assert.ok(problem(reworded), `${code}: a reworded title is refused`);
    }
  });

  it('has no unused components: each is referenced from an operation, directly or through another', () => {
    const components = OPENAPI.components as Record<string, Record<string, unknown>>;
    const used = new Set<string>();
    const visit = (refs: string[]): void => {
      for (const target of refs) {
        if (used.has(target)) continue;
        used.add(target);
        const [, , kind, name] = target.split('/');
        const component = components[kind!]?.[name!];
        assert.ok(component !== undefined, `${target} does not exist`);
        visit(refsIn(component));
      }
    };
    visit(refsIn(OPENAPI.paths));
    for (const [kind, entries] of Object.entries(components)) {
      for (const name of Object.keys(entries)) {
        assert.ok(used.has(`#/components/${kind}/${name}`), `components/${kind}/${name} is used by no operation`);
      }
    }
  });

  it('holds every default inside a request body or a parameter, never in a component (generators make a member with a default required there), and never on a required member', () => {
    const defaults: string[] = [];
    const walk = (value: unknown, at: string): void => {
      if (typeof value !== 'object' || value === null) return;
      const node = value as Json;
      // Outside examples, an object with a default is a schema.
      if (!Array.isArray(value) && 'default' in node) defaults.push(at);
      const properties = node['properties'] as Record<string, Json> | undefined;
      for (const [name, property] of Object.entries(properties ?? {})) {
        if (typeof property === 'object' && 'default' in property) {
          assert.ok(!((node['required'] as string[] | undefined) ?? []).includes(name), `${at}: ${name} required`);
        }
      }
      for (const [key, child] of Object.entries(node)) {
        if (key !== 'example' && key !== 'examples') walk(child, `${at}/${key}`);
      }
    };
    walk(OPENAPI.paths, '#/paths');
    walk(OPENAPI.components, '#/components');
    assert.ok(defaults.length > 0, 'no default at all');
    for (const at of defaults) assert.match(at, /\/(requestBody|parameters)\//, 'a default outside a request');
    const order = (batchBody() as { properties: { orders: { items: { properties: Record<string, Json> } } } })
      .properties.orders.items.properties;
    assert.equal(order['parcels']!['default'], 1);
  });

  it('lists on a HEAD operation the errors of its route, without bodies, and no 405 (its method is answered)', () => {
    for (const { route, path } of API_ROUTES) {
      const head = OPENAPI.paths[path]!['head'] as unknown as { responses: Record<string, Json> } | undefined;
      if (head === undefined) continue;
      for (const declared of Object.values(ERRORS) as { status: number; routes?: readonly string[] | '*' }[]) {
        if (declared.status === 0 || declared.status === 405) continue;
        if (declared.routes !== '*' && !(declared.routes ?? []).includes(route)) continue;
        const response: Json | undefined = head.responses[String(declared.status)];
        assert.ok(response !== undefined, `HEAD ${path}: ${declared.status} missing`);
        assert.equal(response['content'], undefined, `HEAD ${path} ${declared.status}: a body`);
      }
      assert.equal(head.responses['405'], undefined, `HEAD ${path}: 405`);
    }
  });

  it("takes new errors from the table with no other edit: their statuses and headers on the routes they name, merged with an operation's own answer of that status", () => {
    const table = {
      ...ERRORS,
      UNAUTHORIZED: {
        status: 401,
        title: 'Unauthorized',
        when: 'No valid client key.',
        routes: ['next-tracking-number', 'batch', 'tracking-numbers'],
        headers: { 'WWW-Authenticate': 'The scheme to use.' },
      },
      QUOTA_EXCEEDED: {
        status: 429,
        title: 'Too many requests',
        when: 'The client key used its quota.',
        routes: ['next-tracking-number', 'batch'],
        headers: { 'Retry-After': 'Seconds.', 'RateLimit-Policy': 'The quota.', RateLimit: 'What is left.' },
      },
      BODY_MEMORY: { status: 503, title: 'Busy', when: 'Body memory used up.', routes: ['batch'] },
      EVERYWHERE: { status: 503, title: 'Everywhere', when: 'Any route.', routes: '*' },
    } as const;
    const document = openApiDocument(table) as {
      paths: Record<string, Record<string, { responses: Record<string, Json> }>>;
    };
    for (const { route, path, method } of API_ROUTES) {
      const responses = document.paths[path]![method]!.responses;
      const text = (status: string): string => JSON.stringify(responses[status] ?? {});
      for (const [code, declared] of Object.entries(table) as [
        string,
        { status: number; routes?: readonly string[] | '*'; headers?: Record<string, string> },
      ][]) {
        if (declared.status === 0) continue;
        if (declared.routes !== '*' && !(declared.routes ?? []).includes(route)) continue;
        const status = String(declared.status);
        assert.ok(text(status).includes(`"#/components/schemas/Problem${code}"`), `${method} ${path}: ${code}`);
        for (const header of Object.keys(declared.headers ?? {})) {
          assert.ok(
            (responses[status]!['headers'] as Json | undefined)?.[header] !== undefined,
            `${method} ${path} ${status}: header ${header}`,
          );
        }
      }
      assert.equal(
        responses['401'] !== undefined,
        ['next-tracking-number', 'batch', 'tracking-numbers'].includes(route),
        `${path} 401`,
      );
    }
    const readyz = document.paths['/readyz']!['get']!.responses['503']!;
    assert.deepEqual(Object.keys(readyz['content'] as Json).sort(), ['application/json', 'application/problem+json']);
    assert.ok(JSON.stringify(readyz).includes('#/components/schemas/NotReady'), 'readyz keeps its own 503');
    const batch503 = JSON.stringify(document.paths['/tracking-numbers']!['post']!.responses['503']);
    for (const code of ['NOT_ISSUING', 'BODY_MEMORY', 'EVERYWHERE'])
      assert.ok(batch503.includes(`Problem${code}"`), code);
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
    const request = validatorFor(batchBody());
    assert.ok(request({ orders: [{ ...good.order, weight: 1.234, parcels: 3 }] }));
    assert.ok(!request({ orders: [] }));
    assert.ok(!request({ orders: [{ ...good.order, parcels: 0 }] }));
    assert.ok(!request({ orders: [{ ...good.order, parcels: 1.5 }] }));
  });
});
