/**
 * Partner Orders API wire types, exactly as the vendor's JSON (`003_7b0d463ce3cba079.txt`,
 * `004_b114480f1449d0b4.txt`), including the document's mix of snake_case and camelCase (`subscriptionReference`).
 * Shared by the gateway's client and the sandbox; neither one's logic lives here.
 * The documents leave the token endpoint, the order body, the scope names, the preview shape and the error bodies
 * open: README.md records the choice each type below encodes.
 */

// ---------------------------------------------------------------------------------------------------------------
// Paths, relative to the vendor's origin

/** OAuth 2.0 token endpoint (client-credentials grant, RFC 6749 §4.4). */
export const PO_TOKEN_PATH = '/oauth/token';
/** Submit Partner Order. */
export const PO_ORDER_PATH = '/partner/order';
/** Preview Partner Order. */
export const PO_PREVIEW_PATH = '/partner/order/preview';
/** The plan catalogue. Our addition: the documents name plans nowhere, but a caller needs their ids. */
export const PO_PLANS_PATH = '/partner/plans';

// ---------------------------------------------------------------------------------------------------------------
// OAuth 2.0

/** Scope needed by `POST /partner/order`. */
export const PO_SCOPE_SUBMIT = 'orders:submit';
/** Scope needed by `POST /partner/order/preview`. */
export const PO_SCOPE_PREVIEW = 'orders:preview';
export type PoScope = typeof PO_SCOPE_SUBMIT | typeof PO_SCOPE_PREVIEW;
/** Every scope the vendor knows, in the order a granted `scope` string lists them. */
export const PO_SCOPES: readonly PoScope[] = [PO_SCOPE_SUBMIT, PO_SCOPE_PREVIEW];

/**
 * `POST /oauth/token` body, `application/x-www-form-urlencoded`. The client authenticates with HTTP Basic
 * (`client_id:client_secret`, each form-encoded first, RFC 6749 §2.3.1) or with `client_id` + `client_secret`
 * in this body; never both.
 */
export interface PoTokenRequest {
  grant_type: 'client_credentials';
  /** Space-separated scope names; omitted or empty grants every scope the client holds. */
  scope?: string;
  client_id?: string;
  client_secret?: string;
}

/** `POST /oauth/token` answer (200), RFC 6749 §5.1. Sent with `Cache-Control: no-store`. */
export interface PoTokenResponse {
  /** Opaque; clients must not parse it. */
  access_token: string;
  token_type: 'Bearer';
  /** Seconds from issue until the vendor stops accepting the token. */
  expires_in: number;
  /** The scopes actually granted, space-separated, always present. */
  scope: string;
}

/** `error` values of the token endpoint (RFC 6749 §5.2) this vendor answers. */
export type PoTokenErrorCode =
  'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope';

/** HTTP status per token error; `invalid_client` also carries `WWW-Authenticate: Basic realm="partner-orders"`. */
export const PO_TOKEN_STATUS_BY_ERROR: Readonly<Record<PoTokenErrorCode, number>> = {
  invalid_request: 400,
  invalid_client: 401,
  unsupported_grant_type: 400,
  invalid_scope: 400,
};

/** Token endpoint error body, RFC 6749 §5.2. */
export interface PoTokenErrorBody {
  error: PoTokenErrorCode;
  /** Human-readable; never echoes the secret. */
  error_description?: string;
}

/** The realm named in every `WWW-Authenticate` challenge, Basic (token endpoint) and Bearer (API). */
export const PO_REALM = 'partner-orders';

// ---------------------------------------------------------------------------------------------------------------
// Plans

export type PoInterval = 'month' | 'year';

/** One subscription plan. `GET /partner/plans` answers `{ plans: PoPlan[] }`. */
export interface PoPlan {
  plan_id: string;
  name: string;
  description: string;
  /** ISO 4217, upper case (`GBP`). */
  currency: string;
  /** Price per seat per interval, in minor units (pence for GBP), excluding tax. */
  unit_amount: number;
  interval: PoInterval;
}

export interface PoPlanList {
  plans: PoPlan[];
}

// ---------------------------------------------------------------------------------------------------------------
// Orders: one body for submit and preview

export interface PoCustomer {
  /** Identifies the customer: the same address (case-insensitive) always maps to the same `owner`. */
  email: string;
  name?: string;
}

export interface PoOrderLine {
  plan_id: string;
  /** Seats, an integer from 1 to `PO_MAX_QUANTITY`. */
  quantity: number;
}

/** `POST /partner/order` and `POST /partner/order/preview` body (JSON). */
export interface PoOrderRequest {
  /** The partner's own reference, echoed back. The vendor does not deduplicate on it. */
  external_id?: string;
  customer: PoCustomer;
  /** 1 to `PO_MAX_LINES` lines, each plan at most once. */
  lines: PoOrderLine[];
  /** When given, must equal the currency of every plan ordered. */
  currency?: string;
}

export const PO_MAX_LINES = 20;
export const PO_MAX_QUANTITY = 1000;
export const PO_MAX_EXTERNAL_ID = 100;
export const PO_MAX_EMAIL = 254;
export const PO_MAX_NAME = 200;

/** Processing status of a submitted order. The sandbox bills synchronously and answers `complete` only. */
export type PoOrderStatus = 'complete' | 'pending' | 'failed';
export const PO_ORDER_STATUSES: readonly PoOrderStatus[] = ['complete', 'pending', 'failed'];

/** `POST /partner/order` answer (200): the document's fields and spellings, every key always present. */
export interface PoSubmitResponse {
  /** `order-` + 32 lower-case hex digits. */
  id: string;
  /** 12 upper-case letters and digits. */
  order_reference: string;
  status: PoOrderStatus;
  /** As sent, or `null` when the request had none. */
  external_id: string | null;
  /** 12 upper-case letters and digits; a new subscription per order. */
  subscriptionReference: string;
  /** `id-` + 32 lower-case hex digits: the identity of the customer email. */
  owner: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Preview: the Stripe plugin's shape (the document says the structure varies by billing plugin)

export type PoBillingProvider = 'stripe';

/** One line of a preview. Amounts in minor units. */
export interface PoPreviewLineItem {
  plan_id: string;
  /** `2 × Team (at GBP 24.99 / month)`. */
  description: string;
  quantity: number;
  unit_amount: number;
  /** `unit_amount × quantity`, excluding tax. */
  amount: number;
  /** VAT on `amount`, rounded half up to a whole minor unit. */
  tax: number;
  interval: PoInterval;
}

/** One charge date of the first year, with everything due that day (tax included). */
export interface PoBillingScheduleEntry {
  /** `YYYY-MM-DD`, UTC. */
  date: string;
  amount: number;
}

/** `POST /partner/order/preview` answer (200). Amounts in minor units of `currency`. */
export interface PoPreviewResponse {
  billing_provider: PoBillingProvider;
  currency: string;
  /** Sum of line `amount`s: the first invoice before tax. */
  subtotal: number;
  /** Sum of line `tax`es. */
  tax: number;
  /** `subtotal + tax`: due today, equal to the first schedule entry. */
  total: number;
  /** Percentage applied to every line (UK VAT, 20). */
  tax_rate: number;
  line_items: PoPreviewLineItem[];
  /** Charges over the 12 months from today, by date ascending; several plans due the same day are merged. */
  billing_schedule: PoBillingScheduleEntry[];
}

// ---------------------------------------------------------------------------------------------------------------
// Errors of the API routes (the token endpoint has its own, above)

export type PoErrorCode =
  | 'invalid_payload'
  | 'invalid_request'
  | 'unauthorized'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'not_found'
  | 'bad_gateway'
  | 'internal_error';

export const PO_HTTP_STATUS_BY_CODE: Readonly<Record<PoErrorCode, number>> = {
  invalid_payload: 400,
  invalid_request: 400,
  unauthorized: 401,
  invalid_token: 401,
  insufficient_scope: 403,
  not_found: 404,
  bad_gateway: 502,
  internal_error: 500,
};

/** One problem with the order body, under its JSON path (`lines[1].quantity`, `customer.email`, `body`). */
export interface PoFieldError {
  field: string;
  message: string;
}

/**
 * Every error of the API routes: `{ "error": "<code>", "message": "<text>", "details"?: [...] }`.
 * `details` comes with `invalid_payload` (every problem found) and with `not_found` for an unknown plan (the line
 * that names it). 401/403 also carry an RFC 6750 `WWW-Authenticate: Bearer …` challenge.
 */
export interface PoErrorBody {
  error: PoErrorCode;
  /** Human-readable; branch on `error`, not on this. */
  message: string;
  details?: PoFieldError[];
}
