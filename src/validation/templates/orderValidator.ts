/**
 * typia TEMPLATE of the order validator.
 *
 * tsx/esbuild cannot run typia's transformer, so this file is never imported at
 * run time: `npm run generate` compiles it into
 * src/validation/generated/orderValidator.ts (committed), and the app imports
 * only the generated file. test/unit/generatedValidators.test.ts fails while
 * the two disagree.
 *
 * The rules are those of the parameter table (../orderParameters.ts); the
 * validator checks an order's values as one array in table order, the shape
 * both the query parser and the JSON body reader fill.
 */
import typia from 'typia';
import type { OrderValues } from '../orderParameters.js';

export const validateOrderValues = typia.createValidate<OrderValues>();
