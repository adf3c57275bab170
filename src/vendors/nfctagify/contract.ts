/**
 * NFC Tagify Partner API wire types, exactly as the vendor's snake_case JSON (`002_b857fd50220a5ab8.txt`).
 * Shared by the gateway's client and the sandbox; neither one's logic lives here.
 * Where the document is silent or says [NEEDS VERIFICATION], README.md records the choice these types encode.
 */

/** Every vendor path starts here; the client appends `/products`, `/orders`, … to `origin + NT_BASE_PATH`. */
export const NT_BASE_PATH = '/api/partner';

/** Order (and line item) states as the vendor spells them. */
export type NtOrderStatus = 'pending' | 'processing' | 'dispatched' | 'delivered' | 'cancelled';
export const NT_ORDER_STATUSES: readonly NtOrderStatus[] = [
  'pending',
  'processing',
  'dispatched',
  'delivered',
  'cancelled',
];

// ---------------------------------------------------------------------------------------------------------------
// Envelopes

/** Every successful answer: `{ "success": true, "data": … }`. */
export interface NtSuccess<TData> {
  success: true;
  data: TData;
}

/** Pagination meta of `GET /orders`. `total_pages` is 0 when nothing matches. */
export interface NtPaginationMeta {
  /** 1-based, as requested (a page past the end answers `data: []`). */
  page: number;
  per_page: number;
  /** Orders matching the filters, over all pages. */
  total: number;
  total_pages: number;
}

/** A paginated answer: the envelope plus `meta`. */
export interface NtPage<TItem> extends NtSuccess<TItem[]> {
  meta: NtPaginationMeta;
}

/** Error codes and the HTTP status each one always comes with. */
export type NtErrorCode =
  | 'VALIDATION_ERROR'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'DAILY_ORDER_LIMIT'
  | 'SERVER_ERROR';

export const NT_HTTP_STATUS_BY_CODE: Readonly<Record<NtErrorCode, number>> = {
  VALIDATION_ERROR: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  DAILY_ORDER_LIMIT: 429,
  SERVER_ERROR: 500,
};

/** One problem of a VALIDATION_ERROR. */
export interface NtFieldError {
  /** Dotted path of the offending body field (`shipping.postcode`) or the query parameter (`per_page`). */
  field: string;
  message: string;
}

/** Every error answer: `{ "success": false, "error": "<human text>", "code": "<ERROR_CODE>" }`. */
export interface NtErrorBody {
  success: false;
  /** Human-readable; never contains the API key. Not meant for parsing: branch on `code`. */
  error: string;
  code: NtErrorCode;
  /** VALIDATION_ERROR only: the first offending field (`details[0].field`). */
  field?: string;
  /** VALIDATION_ERROR only: every problem found, in body order. */
  details?: NtFieldError[];
}

export type NtResponse<TData> = NtSuccess<TData> | NtErrorBody;

// ---------------------------------------------------------------------------------------------------------------
// Products and pricing

/** `GET /products` entries and `GET /products/:product_id`. */
export interface NtProduct {
  product_id: string;
  name: string;
  description: string;
  /** Unit price for the calling account: its override when it has one, else the standard price. */
  price: number;
  /** ISO 4217, e.g. `GBP`. */
  currency: string;
  /** Smallest quantity an order for this product may have. */
  min_quantity: number;
}

/** `GET /pricing` entries (shape is ours: the document does not show one). */
export interface NtPrice {
  product_id: string;
  currency: string;
  /** The published price every account without an override pays. */
  standard_price: number;
  /** What the calling account pays per unit; equals `NtProduct.price`. */
  price: number;
  /** True when `price` comes from an override configured for this account. */
  override: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Orders

/** The `shipping` object of a create request. */
export interface NtShippingInput {
  name: string;
  address_line1: string;
  /** Optional; `null` is treated as absent. */
  address_line2?: string | null;
  city: string;
  postcode: string;
  /** ISO 3166-1 alpha-2, upper case (`GB`). */
  country: string;
}

/** The `shipping` object as an order answers it: `address_line2` is always present, `null` when not given. */
export interface NtShipping {
  name: string;
  address_line1: string;
  address_line2: string | null;
  city: string;
  postcode: string;
  country: string;
}

/** `POST /orders` body. */
export interface NtCreateOrderRequest {
  product_id: string;
  /** Integer, at least the product's `min_quantity`, at most 10000. */
  quantity: number;
  /** The partner's own reference, 1–100 characters. Not required to be unique. */
  customer_reference: string;
  shipping: NtShippingInput;
}

/** `POST /orders` answer (201), as the document's example. */
export interface NtCreatedOrder {
  order_id: string;
  status: NtOrderStatus;
  /** `YYYY-MM-DDTHH:MM:SSZ`, UTC, no fraction. */
  created_at: string;
}

/** One line of an order; its status follows the order's. */
export interface NtLineItem {
  line_id: string;
  product_id: string;
  name: string;
  quantity: number;
  unit_price: number;
  status: NtOrderStatus;
}

/** `GET /orders/:order_id` answer, and each entry of `GET /orders`. */
export interface NtOrder {
  order_id: string;
  status: NtOrderStatus;
  customer_reference: string;
  product_id: string;
  quantity: number;
  shipping: NtShipping;
  created_at: string;
  /** When the order last changed status (equals `created_at` while pending). */
  updated_at: string;
  currency: string;
  /** Sum of `unit_price × quantity` over the lines, rounded to the minor unit. */
  total: number;
  /** Carrier tracking number once dispatched (and when delivered), else null. */
  tracking_number: string | null;
  line_items: NtLineItem[];
}

/** Query parameters of `GET /orders`, as strings on the wire. `customer_reference` is our documented addition. */
export interface NtListOrdersQuery {
  /** Default 1. */
  page?: number;
  /** Default 20, at most 100. */
  per_page?: number;
  status?: NtOrderStatus;
  /** `YYYY-MM-DD` (start of that UTC day) or a date-time with zone; inclusive. */
  from?: string;
  /** `YYYY-MM-DD` (the whole UTC day) or a date-time with zone; inclusive. */
  to?: string;
  /** Exact match. */
  customer_reference?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Headers

/** Rate-limit headers on every authenticated answer; `Retry-After` (seconds) comes with every 429. */
export const NT_RATE_LIMIT_HEADERS = {
  limit: 'x-ratelimit-limit',
  remaining: 'x-ratelimit-remaining',
  /** Epoch seconds at which the current one-minute window ends. */
  reset: 'x-ratelimit-reset',
  retryAfter: 'retry-after',
} as const;

export const NT_DEFAULT_PER_PAGE = 20;
export const NT_MAX_PER_PAGE = 100;
export const NT_MAX_QUANTITY = 10000;
