/**
 * PartnerPortal wire types, exactly the vendor's snake_case JSON (first half of `000_925367e72c87abc3.txt`).
 * Shared by the client and the sandbox; neither one's logic lives here.
 * The document gives only `GET /v1/ping`, `POST /v1/partners`, the webhook payload, the error body and the status
 * table; every other path, parameter and limit is our design, written down in README.md.
 */

/** Every path is under this prefix of the vendor's origin. */
export const PP_BASE_PATH = '/v1';

/** Answered on every response; equals `error.request_id` on errors. */
export const PP_REQUEST_ID_HEADER = 'request-id';
/** A caller's own correlation id; echoed back under the same name when sent. */
export const PP_CLIENT_REQUEST_ID_HEADER = 'x-request-id';

/** List paging: `limit` defaults to 20 (100 when `ids`/`skus`/`product_ids` are given) and may not exceed 100. */
export const PP_DEFAULT_LIMIT = 20;
export const PP_MAX_LIMIT = 100;
/** Most entries one `ids`, `skus` or `product_ids` filter may carry: the batch size for loaders. */
export const PP_MAX_FILTER_VALUES = 100;

// ---------------------------------------------------------------------------------------------------------------
// Common shapes

/** An amount in the currency's minor unit (øre, cents): `{ amount: 10000, currency: 'DKK' }` is DKK 100.00. */
export interface PpMoney {
  amount: number;
  /** ISO 4217, upper case. */
  currency: string;
}

/** The envelope of every list endpoint. Order is stable: `created_at`, then `id`. */
export interface PpList<T> {
  data: T[];
  has_more: boolean;
  /** Pass as `cursor` for the next page; null on the last page. Opaque: do not parse or build one. */
  next_cursor: string | null;
  /** Everything that matches the filters, across all pages. */
  total_count: number;
}

/** Paging parameters shared by every list endpoint. */
export interface PpPageQuery {
  /** 1–100. */
  limit?: number;
  cursor?: string;
}

/** `GET /v1/ping` */
export interface PpPing {
  ok: true;
  /** The vendor's clock, `YYYY-MM-DDTHH:MM:SSZ`. */
  time: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Partners

export interface PpPartner {
  /** `ptn_` + 26-character ULID. */
  id: string;
  /** The caller's own key for the partner: unique, immutable, `[A-Za-z0-9._-]{1,64}`. */
  external_id: string;
  name: string;
  email: string | null;
  /** As sent (not normalised), e.g. `+91 98765 43210`. */
  phone: string | null;
  created_at: string;
  updated_at: string;
}

/** `POST /v1/partners`. A null email/phone counts as absent. */
export interface PpCreatePartnerRequest {
  external_id: string;
  name: string;
  email?: string | null;
  phone?: string | null;
}

/**
 * `PATCH /v1/partners/:id`. Omitted fields stay; an explicit null clears email/phone. `external_id` may be sent
 * only with its current value.
 */
export interface PpUpdatePartnerRequest {
  name?: string;
  email?: string | null;
  phone?: string | null;
  external_id?: string;
}

/** `GET /v1/partners` query. Filters combine with AND. */
export interface PpListPartnersQuery extends PpPageQuery {
  /** Exact, case-sensitive match: finds the partner behind a create whose answer was lost. */
  external_id?: string;
  /** Comma-separated partner ids, at most 100; unknown ids are simply absent from `data`. */
  ids?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Catalogue and pricing

export interface PpProduct {
  /** `prd_` + 26-character ULID. */
  id: string;
  /** Unique. For tickets, the NaviPartner Channel Manager item number (e.g. `31001`). */
  sku: string;
  name: string;
  description: string;
  /** Base unit price, VAT included. */
  price: PpMoney;
  /** The least quantity one order line may carry. */
  min_quantity: number;
  /** Inactive products are listed but cannot be ordered. */
  active: boolean;
  created_at: string;
  updated_at: string;
}

/** `GET /v1/products` query. */
export interface PpListProductsQuery extends PpPageQuery {
  /** Comma-separated product ids, at most 100. */
  ids?: string;
  /** Comma-separated skus, at most 100: Channel Manager item numbers resolve here in one call. */
  skus?: string;
  /** `true` or `false`. */
  active?: 'true' | 'false';
}

/** A volume price: from `min_quantity` units on, each unit costs `unit_price` (minor units). */
export interface PpPriceTier {
  min_quantity: number;
  unit_price: number;
}

/** One entry of `GET /v1/pricing`: the price an order line will be charged. Active products only. */
export interface PpPricing {
  product_id: string;
  sku: string;
  currency: string;
  /** Minor units; equals the product's `price.amount`. */
  unit_price: number;
  /** Ascending `min_quantity`; the highest tier whose `min_quantity` ≤ quantity applies. Absent when none. */
  tiers?: PpPriceTier[];
}

/** `GET /v1/pricing` query. */
export interface PpListPricingQuery extends PpPageQuery {
  /** Comma-separated product ids, at most 100. */
  product_ids?: string;
  /** Comma-separated skus, at most 100. */
  skus?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Orders (pushed to the portal for fulfilment tracking)

/** Fulfilment status: pending → processing → shipped → delivered, or cancelled from pending/processing. */
export type PpOrderStatus = 'pending' | 'processing' | 'shipped' | 'delivered' | 'cancelled';
export const PP_ORDER_STATUSES: readonly PpOrderStatus[] = [
  'pending',
  'processing',
  'shipped',
  'delivered',
  'cancelled',
];

export interface PpOrderLineRequest {
  product_id: string;
  /** Integer, at least the product's `min_quantity`, at most 10000. */
  quantity: number;
}

/** `POST /v1/orders`. `external_reference` is unique per partner. */
export interface PpCreateOrderRequest {
  partner_id: string;
  external_reference: string;
  /** 1–50 lines. */
  lines: PpOrderLineRequest[];
}

/** `PATCH /v1/orders/:id`: only the status can change. */
export interface PpUpdateOrderRequest {
  status: PpOrderStatus;
}

/** A line as priced at creation; later price changes do not touch it. */
export interface PpOrderLine {
  product_id: string;
  sku: string;
  name: string;
  quantity: number;
  /** After volume tiers. */
  unit_price: PpMoney;
  line_total: PpMoney;
}

export interface PpOrder {
  /** `ord_` + 26-character ULID. */
  id: string;
  partner_id: string;
  external_reference: string;
  status: PpOrderStatus;
  lines: PpOrderLine[];
  total: PpMoney;
  created_at: string;
  updated_at: string;
}

/** `GET /v1/orders` query. Filters combine with AND. */
export interface PpListOrdersQuery extends PpPageQuery {
  partner_id?: string;
  status?: PpOrderStatus;
  /** Exact match; with `partner_id`, finds the order behind a create whose answer was lost. */
  external_reference?: string;
  /** Comma-separated order ids, at most 100. */
  ids?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

/** Error codes and the HTTP status each one is answered with (the document's status table). */
export type PpErrorCode =
  | 'validation_error'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'internal_error';

export const PP_ERROR_STATUS: Readonly<Record<PpErrorCode, number>> = Object.freeze({
  validation_error: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  internal_error: 500,
});

export interface PpFieldError {
  /** JSON path in the body (`lines[0].quantity`), a query parameter (`limit`) or a header (`content-type`). */
  field: string;
  message: string;
}

/** The document's error body, `{ error: { code, message, request_id } }`, plus our optional extras. */
export interface PpErrorBody {
  error: {
    code: PpErrorCode;
    /** `<field> <problem>` for validation errors, e.g. `email is not valid`. */
    message: string;
    /** `req_` + ULID; also in the `request-id` header. */
    request_id: string;
    /** validation_error: the first offending field; conflict: the field that collides. */
    field?: string;
    /** validation_error: every problem, in the order found. */
    details?: PpFieldError[];
    /** conflict on create: the id of the resource that already holds the unique value. */
    existing_id?: string;
    /** conflict on an order status change: the order's status now. */
    current_status?: PpOrderStatus;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Webhook events. The document gives the payload and "a shared secret"; the signature scheme is ours (Stripe's),
// in `src/events/signature.ts`, shared by the sandbox's sender and the gateway's receiver. README.md: "Webhooks".

/** The event's `id`, repeated as a header so a receiver can deduplicate before reading the body. */
export const PP_WEBHOOK_EVENT_ID_HEADER = 'X-PartnerPortal-Event-Id';
/** 1 for the first attempt of a delivery, 2 for its first retry, and so on. */
export const PP_WEBHOOK_ATTEMPT_HEADER = 'X-PartnerPortal-Delivery-Attempt';

export type PpWebhookEventType = 'order.created' | 'order.updated' | 'partner.updated';

/** `data` of order events. The document's example shows `order_id` and `status`; the rest is ours. */
export interface PpOrderEventData {
  order_id: string;
  partner_id: string;
  external_reference: string;
  status: PpOrderStatus;
  /** order.updated only. */
  previous_status?: PpOrderStatus;
}

export interface PpPartnerEventData {
  partner_id: string;
  external_id: string;
  /** Fields whose value changed. */
  changed: ('name' | 'email' | 'phone')[];
}

interface PpWebhookEventBase<TType extends PpWebhookEventType, TData> {
  /** `evt_` + ULID. */
  id: string;
  type: TType;
  created_at: string;
  data: TData;
}

/** The document's webhook payload `{ id, type, created_at, data }`. */
export type PpWebhookEvent =
  | PpWebhookEventBase<'order.created', PpOrderEventData>
  | PpWebhookEventBase<'order.updated', PpOrderEventData>
  | PpWebhookEventBase<'partner.updated', PpPartnerEventData>;
