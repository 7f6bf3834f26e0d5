/**
 * The batch requests of the benchmark: the example order, as one order with
 * many parcels and as many orders of one parcel.
 */
import { EXAMPLE_QUERY } from '../micro/issuing.js';

/** The order of the GET benchmarks, as a batch order holds it. */
const EXAMPLE_ORDER: Record<string, string> = Object.fromEntries(new URLSearchParams(EXAMPLE_QUERY));

export interface BatchShape {
  orders: number;
  parcelsPerOrder: number;
}

/** Batches of 1, 10, 100 and 1,000 numbers, both ways (1 number: once). */
export const BATCH_SHAPES: readonly BatchShape[] = [1, 10, 100, 1000].flatMap((numbers) =>
  numbers === 1
    ? [{ orders: 1, parcelsPerOrder: 1 }]
    : [
        { orders: 1, parcelsPerOrder: numbers },
        { orders: numbers, parcelsPerOrder: 1 },
      ],
);

export function batchBody({ orders, parcelsPerOrder }: BatchShape): string {
  const order = parcelsPerOrder === 1 ? EXAMPLE_ORDER : { ...EXAMPLE_ORDER, parcels: parcelsPerOrder };
  return JSON.stringify({ orders: Array.from({ length: orders }, () => order) });
}
