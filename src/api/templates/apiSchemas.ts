/**
 * typia TEMPLATE of the JSON schemas of the API (OpenAPI 3.1), from the types
 * of src/api/contract.ts; api/openapi.ts builds the document around them. See
 * ../../validation/templates/orderValidator.ts for how templates are compiled.
 */
import typia from 'typia';
import type { BatchIssued, BatchRequest, Health, Issued, Lookup, NotReady, Problems, Ready } from '../contract.js';

export const API_SCHEMAS = typia.json.schemas<
  [Issued, BatchRequest, BatchIssued, Lookup, Health, Ready, NotReady, Problems],
  '3.1'
>();
