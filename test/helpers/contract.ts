/**
 * The contract test: every answer the HTTP tests receive from tracknum (get()
 * and post() in service.ts call checkAnswer) must be what the committed
 * OpenAPI document (docs/openapi.json) says that route answers with that
 * status: a documented status, a documented content type, and a body valid
 * against the schema (ajv, JSON Schema 2020-12, formats checked).
 *
 * Answers to a method a path does not have, or to a path that does not exist,
 * are held to the problem schema of their code.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { fileURLToPath } from 'node:url';
import { ERRORS } from '../../src/errors.js';

type Json = Record<string, unknown>;

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: Json }> }>;
}

export const OPENAPI = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../docs/openapi.json', import.meta.url)), 'utf8'),
) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
};

/** The document's schemas as $defs, so that each compiled schema carries them. */
function rewriteRefs<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', '"#/$defs/')) as T;
}
const DEFS = rewriteRefs(OPENAPI.components.schemas);

// ajv-formats is CommonJS: its default export arrives under `default` when imported from ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true }));
const compiled = new Map<string, ValidateFunction>();

/** A validator of `schema` (from the document), with the document's schemas. */
export function validatorFor(schema: Json): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (validate === undefined) {
    validate = ajv.compile({ ...rewriteRefs(schema), $defs: DEFS });
    compiled.set(key, validate);
  }
  return validate;
}

/** The document's path template matching a request path ("/tracking-numbers/MY..." -> "/tracking-numbers/{number}"). */
function pathTemplate(path: string): string | undefined {
  const bare = path.split('?')[0]!;
  for (const template of Object.keys(OPENAPI.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (pattern.test(bare)) return template;
  }
  return undefined;
}

/** The problem an answer outside the document's operations carries, by status: from the error table. */
const OFF_DOCUMENT: Readonly<Record<number, string>> = Object.fromEntries([
  [405, 'METHOD_NOT_ALLOWED'],
  ...Object.entries(ERRORS)
    .filter(([, declared]) => {
      const routes = (declared as { routes?: readonly string[] | '*' }).routes;
      return routes === '*' || (routes ?? []).includes('other');
    })
    .map(([code, declared]) => [declared.status, code] as const),
]);

export interface CheckedAnswer {
  method: string;
  path: string;
  status: number;
  contentType: string | undefined;
  body: string;
}

/** How many answers were checked, by "METHOD template status". */
export const checked = new Map<string, number>();

/** Throws, saying why, when the answer is not what the document promises. */
export function checkAnswer({ method, path, status, contentType, body }: CheckedAnswer): void {
  const template = pathTemplate(path);
  const operation = template === undefined ? undefined : OPENAPI.paths[template]?.[method.toLowerCase()];
  const where = `${method} ${path.slice(0, 120)} -> ${status}`;
  let schema: Json | undefined;
  let expectedType: string | undefined;
  if (operation === undefined) {
    // Not an operation of the document: a 404 or 405 problem, or one the error table answers on
    // every request (the route 'other': a 401 with a clients file, 431, 500).
    const code = OFF_DOCUMENT[status];
    if (code === undefined) throw new Error(`contract: ${where}: no such operation in the document`);
    if (method === 'HEAD') return;
    schema = { $ref: `#/components/schemas/Problem${code}` };
    expectedType = 'application/problem+json';
  } else {
    const response = operation.responses[String(status)];
    if (response === undefined) throw new Error(`contract: ${where}: status not documented for this operation`);
    const content = response.content;
    if (content === undefined) {
      if (body !== '') throw new Error(`contract: ${where}: a body where the document has none`);
    } else {
      expectedType = Object.keys(content).find((type) => type === contentType);
      if (expectedType === undefined) {
        throw new Error(
          `contract: ${where}: Content-Type ${contentType} is not one of ${Object.keys(content).join(', ')}`,
        );
      }
      schema = content[expectedType]!.schema;
    }
  }
  const key = `${method} ${template ?? '(none)'} ${status}`;
  checked.set(key, (checked.get(key) ?? 0) + 1);
  if (schema === undefined) return;
  if (contentType !== expectedType)
    throw new Error(`contract: ${where}: Content-Type ${contentType}, not ${expectedType}`);
  if (expectedType === undefined || !expectedType.includes('json')) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error(`contract: ${where}: the body is not JSON: ${body.slice(0, 200)}`);
  }
  const validate = validatorFor(schema);
  if (!validate(parsed)) {
    throw new Error(
      `contract: ${where}: the body does not match the document: ${ajv.errorsText(validate.errors)}\n${body.slice(0, 500)}`,
    );
  }
}
