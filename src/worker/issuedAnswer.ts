/**
 * The bodies of successful answers, written from the parameter table instead
 * of JSON.stringify of a fresh object: the same bytes (same keys, same order,
 * same escaping) in a tenth of the time.
 *
 * Values of parameters marked `jsonSafe` are pasted between quotes as they
 * are: their rules let only characters through that JSON never escapes (the
 * country codes, the weight, created_at, customer_id and customer_slug
 * patterns). The others are escaped as JSON.stringify does.
 * test/unit/issuedAnswer.test.ts checks the result against JSON.stringify for
 * every kind of value the validator accepts.
 */
import { ORDER_PARAMETERS, PARAMETER_COUNT } from '../validation/orderParameters.js';

/** True when JSON.stringify would escape something in `value`: '"', '\', a C0 control or a surrogate. */
function needsEscape(value: string): boolean {
  // A loop, not a regex: on short strings a RegExp#test call costs more than the scan.
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return true;
  }
  return false;
}

/** A JSON string literal, as JSON.stringify(value) writes it. */
function jsonString(value: string): string {
  return needsEscape(value) ? JSON.stringify(value) : `"${value}"`;
}

const JSON_SAFE = ORDER_PARAMETERS.map((entry) => 'jsonSafe' in entry && entry.jsonSafe === true);
/**
 * The text between values: the previous value's closing quote (when pasted
 * as is), then `{"name":` or `,"name":`, then this value's opening quote (when
 * pasted as is), so that each value costs one concatenation. Names are plain
 * ASCII identifiers: nothing to escape.
 */
const BEFORE = ORDER_PARAMETERS.map(
  ({ name }, index) =>
    `${index > 0 && JSON_SAFE[index - 1] ? '"' : ''}${index === 0 ? '{' : ','}"${name}":${JSON_SAFE[index] ? '"' : ''}`,
);
const AFTER_LAST = JSON_SAFE[PARAMETER_COUNT - 1] ? '"' : '';

/**
 * `{"origin_country_id":...,...}` for values that passed validation, plus
 * `tail` (more members, starting with ',') before the closing brace.
 */
function orderJson(values: readonly string[], tail = ''): string {
  let json = '';
  for (let index = 0; index < PARAMETER_COUNT; index++) {
    const value = values[index]!;
    json += BEFORE[index]! + (JSON_SAFE[index] ? value : jsonString(value));
  }
  return `${json}${AFTER_LAST}${tail}}`;
}

/**
 * `{"tracking_number":...,"created_at":...,"order":{...}}`, byte for byte what
 * JSON.stringify({ tracking_number, created_at, order }) gives, for an order
 * that passed validation, a tracking number and an ISO timestamp.
 */
export function issuedAnswerBody(trackingNumber: string, issuedAt: string, values: readonly string[]): string {
  return `{"tracking_number":"${trackingNumber}","created_at":"${issuedAt}","order":${orderJson(values)}}`;
}

/**
 * `{"orders":[{"order":{...,"parcels":N},"tracking_numbers":[{"tracking_number":...,"created_at":...},...]},...]}`:
 * a batch's numbers (in the order of its orders and their parcels) grouped per order.
 */
export function batchAnswerBody(
  orders: readonly { readonly values: readonly string[]; readonly parcels: number }[],
  numbers: readonly string[],
  issuedAt: string,
): string {
  const numberTail = `","created_at":"${issuedAt}"}`;
  let answer = '{"orders":[';
  let next = 0;
  orders.forEach((order, index) => {
    answer += `${index === 0 ? '' : ','}{"order":${orderJson(order.values, `,"parcels":${order.parcels}`)},"tracking_numbers":[`;
    for (let parcel = 0; parcel < order.parcels; parcel++) {
      answer += `${parcel === 0 ? '' : ','}{"tracking_number":"${numbers[next++]!}${numberTail}`;
    }
    answer += ']}';
  });
  return `${answer}]}`;
}
