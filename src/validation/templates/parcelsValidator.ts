/**
 * typia TEMPLATE of the check of a batch order's `parcels` (see
 * orderValidator.ts for how templates become src/validation/generated/).
 */
import typia from 'typia';
import type { Parcels } from '../batchRequest.js';

export const isParcels = typia.createIs<Parcels>();
