/**
 * An order's values (the array the parsers fill, in the order of the
 * parameter table) as an object keyed by parameter name, and back.
 */
import { ORDER_PARAMETER_NAMES, type Order, type OrderValues } from '../../src/validation/orderParameters.js';

export function orderOf(values: OrderValues | readonly (string | undefined)[]): Order {
  return Object.fromEntries(ORDER_PARAMETER_NAMES.map((name, index) => [name, values[index]])) as Order;
}

export function valuesOf(order: Order): string[] {
  return ORDER_PARAMETER_NAMES.map((name) => order[name]);
}
