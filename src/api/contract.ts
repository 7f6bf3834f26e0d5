/**
 * The shapes of the HTTP API's answers and of the batch request, as types:
 * typia turns them into the JSON schemas of the OpenAPI document
 * (templates/apiSchemas.ts, then api/openapi.ts), and the contract test holds
 * every answer the HTTP tests receive to them.
 */
import type { tags } from 'typia';
import type { ERRORS, ErrorCode } from '../errors.js';
import type { CountryCode } from '../validation/countryCodes.js';
import type { BodyProblem, Parcels } from '../validation/batchRequest.js';
import type { JsonOrderFields, Order } from '../validation/orderParameters.js';
import type { ParameterProblem } from '../validation/orderQuery.js';
import type { MAX_LISTED_PROBLEMS } from '../validation/problemList.js';

/** Two letters of origin, a key-generation character, 12 characters of body, a check character. */
type TrackingNumber = string & tags.Pattern<'^[A-Z]{2}[0-9A-Z]{14}$'>;

/** When a number was issued: UTC, milliseconds. */
type IssueTime = string & tags.Format<'date-time'>;

interface IssuedNumber {
  tracking_number: TrackingNumber;
  /** When the number was issued (UTC, milliseconds); the order's own created_at is in `order`. */
  created_at: IssueTime;
}

/** GET /next-tracking-number: one number, and the order as validated. */
export interface Issued extends IssuedNumber {
  order: Order;
}

/** An order of a batch: the order's parameters, and how many numbers it needs. */
type BatchRequestOrder = JsonOrderFields & {
  /** One number per parcel. */
  parcels?: Parcels & tags.Default<1>;
};

/** POST /tracking-numbers: the body. */
export interface BatchRequest {
  orders: BatchRequestOrder[] & tags.MinItems<1> & tags.MaxItems<1000>;
}

/** An order of a batch as validated: weight as a string, parcels given or 1. */
interface BatchOrderEcho extends Order {
  parcels: Parcels;
}

/** One order of a batch's answer: the order as validated, and its numbers. */
interface BatchIssuedOrder {
  order: BatchOrderEcho;
  tracking_numbers: IssuedNumber[] & tags.MinItems<1>;
}

/** POST /tracking-numbers: the numbers, grouped per order, in the order of the request. */
export interface BatchIssued {
  orders: BatchIssuedOrder[] & tags.MinItems<1>;
}

/**
 * GET /tracking-numbers/{number}: what a well-formed number tells without the
 * key. Not whether it was ever issued: any well-formed number with a matching
 * check character is `valid`, issued or not (operators holding the key can
 * decode it: tracknum decode).
 */
export interface Lookup {
  /** The number as checked: ASCII letters upper-cased. */
  tracking_number: TrackingNumber;
  /**
   * Always true: the number is well formed (length, characters, an assigned
   * origin country) and its check character matches. It does not mean the
   * number was issued.
   */
  valid: true;
  origin_country_id: CountryCode;
  format: 'opaque' | 'sequential';
  /** The key-generation character: 0-9, A-Y; Z for the sequential format. */
  generation: string & tags.Pattern<'^[0-9A-Z]$'>;
}

export interface Health {
  status: 'ok';
}

export interface Ready {
  status: 'ready';
  node_id: number & tags.Type<'uint32'> & tags.Maximum<4095>;
  /** Seconds this instance can go on issuing with no more seconds reserved (etcd unreachable). */
  issuing_seconds_left: number & tags.Type<'uint32'>;
}

export interface NotReady {
  status: 'not-ready';
  /** Why load balancers should send this instance nothing now. */
  reason: string;
}

/** Error codes answered to clients (status above 0). */
export type ClientErrorCode = {
  [C in ErrorCode]: (typeof ERRORS)[C]['status'] extends 0 ? never : C;
}[ErrorCode];

type Kebab<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Lowercase<Head>}-${Kebab<Tail>}`
  : Lowercase<S>;

/** The extension members of the problems that have some. */
interface ProblemExtensions {
  INVALID_PARAMETERS: {
    /** One per offending parameter, in the order of the parameters: the first 100 at most (and within the answer's 64 KiB). */
    errors: ParameterProblem[] & tags.MinItems<1> & tags.MaxItems<typeof MAX_LISTED_PROBLEMS>;
    /** Present when more problems were found than `errors` lists: how many it leaves out. */
    errors_not_listed?: number & tags.Type<'uint32'> & tags.Minimum<1>;
  };
  INVALID_BODY: {
    /** The problems of the body, each at its JSON Pointer: the first 100 at most (and within the answer's 64 KiB). */
    errors: BodyProblem[] & tags.MinItems<1> & tags.MaxItems<typeof MAX_LISTED_PROBLEMS>;
    /** Present when more problems were found than `errors` lists: how many it leaves out (reading stops at the 1,001st order or the 10,001st number: what follows is not counted). */
    errors_not_listed?: number & tags.Type<'uint32'> & tags.Minimum<1>;
  };
  MALFORMED_JSON: {
    /** Where the JSON went wrong: a character offset in the body (absent when the body is not UTF-8). */
    offset?: number & tags.Type<'uint32'>;
  };
  MALFORMED_TRACKING_NUMBER: {
    reason: 'length' | 'characters' | 'country';
    tracking_number: string & tags.MaxLength<64>;
  };
  CHECK_CHARACTER_MISMATCH: {
    reason: 'check-character';
    tracking_number: string & tags.MaxLength<64>;
  };
}

/** An RFC 9457 problem document of one error code. */
type Problem<C extends ClientErrorCode> = {
  /** urn:tracknum:problem: and the code in kebab case: stable. */
  type: `urn:tracknum:problem:${Kebab<C>}`;
  /** The error in a few words, for humans: may be reworded (match on `code` or `type`). */
  title: string;
  status: (typeof ERRORS)[C]['status'];
  /** For humans; may be reworded. At most 1,000 characters. */
  detail: string & tags.MaxLength<1000>;
  code: C;
} & (C extends keyof ProblemExtensions ? ProblemExtensions[C] : unknown);

/** Every problem, by code. */
export type Problems = { [C in ClientErrorCode]: Problem<C> };
