import { UpstreamRejectedError } from '../../errors/gateway-errors.js';
import type { CallScope, VendorHttp, VendorResponse } from '../http.js';
import { NT_ORDER_STATUSES } from './contract.js';
import type {
  NtCreateOrderRequest,
  NtCreatedOrder,
  NtErrorBody,
  NtErrorCode,
  NtFieldError,
  NtListOrdersQuery,
  NtOrder,
  NtPaginationMeta,
  NtProduct,
  NtShipping,
} from './contract.js';
import { isInt, isOptionalString, isRecord, isTimestamp } from '../json-shape.js';

/**
 * A 4xx answer of NFC Tagify about a request we sent (not about our credentials, not a rate limit: those never
 * get here). Carries the parsed error body so `card-order-commands.ts` can turn it into user errors; its message
 * is never shown to clients as is.
 */
export class NfcTagifyRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: NtErrorCode | 'UNKNOWN',
    readonly vendorMessage: string,
    readonly details: NtFieldError[],
  ) {
    super(`NFC Tagify answered HTTP ${status} ${code}`);
  }
}

/** One page of `GET /orders`: the orders and the vendor's pagination meta. */
export interface NtOrderPage {
  orders: NtOrder[];
  meta: NtPaginationMeta;
}

const enc = encodeURIComponent;

/**
 * One typed method per NFC Tagify call, through the shared VendorHttp (which also paces calls to the vendor's
 * published rate limit). One instance per configured vendor, shared by all requests; per-request caching lives
 * in `loaders.ts`. Holds no state of its own.
 */
export class NfcTagifyClient {
  constructor(private readonly http: VendorHttp) {}

  async listProducts(scope: CallScope): Promise<NtProduct[]> {
    const response = await this.http.call(
      { operation: 'listProducts', method: 'GET', path: '/products' },
      scope,
    );
    const data = this.data(response, 'listProducts');
    if (!Array.isArray(data) || !data.every(isProduct)) {
      throw response.badResponse('listProducts did not answer a list of products');
    }
    return data;
  }

  /** Null when the vendor has no such order (or it is another account's: the vendor answers both with 404). */
  async getOrder(orderId: string, scope: CallScope): Promise<NtOrder | null> {
    const response = await this.http.call(
      { operation: 'getOrder', method: 'GET', path: `/orders/${enc(orderId)}` },
      scope,
    );
    if (response.status === 404) return null;
    const data = this.data(response, 'getOrder');
    if (!isOrder(data)) throw response.badResponse('the answer is not an order');
    return data;
  }

  async listOrders(query: NtListOrdersQuery, scope: CallScope): Promise<NtOrderPage> {
    const response = await this.http.call(
      { operation: 'listOrders', method: 'GET', path: '/orders', query: { ...query } },
      scope,
    );
    const data = this.data(response, 'listOrders');
    const meta = (response.body as { meta?: unknown }).meta;
    if (!Array.isArray(data) || !data.every(isOrder) || !isMeta(meta)) {
      throw response.badResponse('listOrders did not answer a page of orders');
    }
    return { orders: data, meta };
  }

  /**
   * Not idempotent: the vendor creates a new order for every POST, so VendorHttp never repeats it once it may
   * have arrived (a lost answer is an OutcomeUnknownError, reconciled by the commands).
   */
  async createOrder(request: NtCreateOrderRequest, scope: CallScope): Promise<NtCreatedOrder> {
    const response = await this.http.call(
      {
        operation: 'createOrder',
        method: 'POST',
        path: '/orders',
        body: request,
        // The daily order quota only stops creates; reads go on while it lasts.
        rateLimitHoldsVendor: (body) =>
          (body as Partial<NtErrorBody> | undefined)?.code !== 'DAILY_ORDER_LIMIT',
      },
      scope,
    );
    const data = this.data(response, 'createOrder');
    if (!isCreated(data)) {
      throw response.badResponse('createOrder did not answer the new order');
    }
    return data;
  }

  /** The `data` of a `{ success: true, data }` answer; an error answer becomes the matching error. */
  private data(response: VendorResponse, operation: string): unknown {
    const body = response.body as { success?: unknown; data?: unknown } | undefined;
    if (response.status >= 200 && response.status < 300) {
      if (!isRecord(body) || body.success !== true || !('data' in body)) {
        throw response.badResponse(`${operation} answered without its envelope`);
      }
      return body.data;
    }
    // Our own key being refused is the gateway's problem, not the client's request.
    if (response.status === 401 || response.status === 403) {
      throw new UpstreamRejectedError(this.http.vendorName, response.status, 'the gateway is not authorised');
    }
    const error = body as Partial<NtErrorBody> | undefined;
    const requestError = new NfcTagifyRequestError(
      response.status,
      typeof error?.code === 'string' ? error.code : 'UNKNOWN',
      typeof error?.error === 'string' ? error.error : `HTTP ${response.status}`,
      Array.isArray(error?.details) ? error.details.filter(isFieldError) : [],
    );
    // A read the vendor refuses was built by the gateway (clients' filters are checked first): not a user error.
    if (operation !== 'createOrder') {
      throw new UpstreamRejectedError(
        this.http.vendorName,
        response.status,
        `${operation}: ${requestError.code}`,
      );
    }
    throw requestError;
  }
}

function isFieldError(value: unknown): value is NtFieldError {
  return isRecord(value) && typeof value.field === 'string' && typeof value.message === 'string';
}

function isProduct(value: unknown): value is NtProduct {
  return (
    isRecord(value) &&
    typeof value.product_id === 'string' &&
    typeof value.name === 'string' &&
    isOptionalString(value.description) &&
    typeof value.price === 'number' &&
    typeof value.currency === 'string' &&
    isInt(value.min_quantity)
  );
}

/** Every field the card order's `shipping` shows. */
function isShipping(value: unknown): value is NtShipping {
  return (
    isRecord(value) &&
    typeof value.name === 'string' &&
    typeof value.address_line1 === 'string' &&
    isOptionalString(value.address_line2) &&
    typeof value.city === 'string' &&
    typeof value.postcode === 'string' &&
    typeof value.country === 'string'
  );
}

const isStatus = (value: unknown): boolean => NT_ORDER_STATUSES.some((status) => status === value);

/** Enough of the shape to map safely; an unknown status is refused here rather than guessed at later. */
function isOrder(value: unknown): value is NtOrder {
  return (
    isRecord(value) &&
    typeof value.order_id === 'string' &&
    isStatus(value.status) &&
    typeof value.customer_reference === 'string' &&
    typeof value.product_id === 'string' &&
    isInt(value.quantity) &&
    isShipping(value.shipping) &&
    isTimestamp(value.created_at) &&
    isTimestamp(value.updated_at) &&
    isOptionalString(value.tracking_number) &&
    typeof value.currency === 'string' &&
    typeof value.total === 'number' &&
    Array.isArray(value.line_items) &&
    value.line_items.every(
      (line) =>
        isRecord(line) &&
        typeof line.line_id === 'string' &&
        typeof line.product_id === 'string' &&
        typeof line.name === 'string' &&
        isInt(line.quantity) &&
        typeof line.unit_price === 'number' &&
        isStatus(line.status),
    )
  );
}

function isMeta(value: unknown): value is NtPaginationMeta {
  return (
    isRecord(value) &&
    isInt(value.page) &&
    isInt(value.per_page) &&
    isInt(value.total) &&
    isInt(value.total_pages)
  );
}

function isCreated(value: unknown): value is NtCreatedOrder {
  return isRecord(value) && typeof value.order_id === 'string' && value.order_id !== '';
}
