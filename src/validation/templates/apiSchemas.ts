/**
 * typia TEMPLATE of the JSON schemas of the API (OpenAPI 3.1), from the types
 * of src/api/contract.ts; api/openapi.ts builds the document around them. See
 * orderValidator.ts for how templates become src/validation/generated/.
 */
import typia from 'typia';
import type {
  BatchIssued,
  BatchRequest,
  Health,
  Issued,
  Lookup,
  NotReady,
  Problems,
  Ready,
} from '../../api/contract.js';

export const API_SCHEMAS = typia.json.schemas<
  [Issued, BatchRequest, BatchIssued, Lookup, Health, Ready, NotReady, Problems],
  '3.1'
>();
