import { UpstreamRejectedError } from '../../errors/gateway-errors.js';
import type { CallScope, VendorCall, VendorHttp, VendorResponse } from '../http.js';
import type {
  PpCreateOrderRequest,
  PpCreatePartnerRequest,
  PpErrorBody,
  PpErrorCode,
  PpFieldError,
  PpList,
  PpListOrdersQuery,
  PpListPartnersQuery,
  PpListProductsQuery,
  PpOrder,
  PpOrderStatus,
  PpPartner,
  PpProduct,
  PpUpdatePartnerRequest,
} from './contract.js';
import { isInt, isNullableString, isOptionalString, isRecord, isTimestamp } from '../json-shape.js';

/**
 * A 4xx answer of PartnerPortal that is about the request (not about our credentials). Carries the parsed error
 * body so the commands can turn it into user errors; its message is never shown to clients as is.
 */
export class PartnerPortalRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: PpErrorCode | 'unknown',
    readonly vendorMessage: string,
    /** validation_error: the first offending field; conflict: the field that collides. */
    readonly field: string | undefined,
    readonly details: PpFieldError[],
    /** conflict on create: the resource that already holds the unique value. */
    readonly existingId: string | undefined,
    readonly currentStatus: PpOrderStatus | undefined,
  ) {
    super(`PartnerPortal answered HTTP ${status} ${code}`);
  }
}

const enc = encodeURIComponent;

/**
 * One typed method per PartnerPortal call, through the shared VendorHttp. Stateless: one instance per configured
 * vendor, shared by all requests; per-request caching lives in `loaders.ts`. Paths are relative to the `/v1` base.
 */
export class PartnerPortalClient {
  constructor(private readonly http: VendorHttp) {}

  /** `GET /v1/ping`: true when the vendor answers and accepts our key. */
  async ping(scope: CallScope): Promise<boolean> {
    const response = await this.http.call({ operation: 'ping', method: 'GET', path: '/ping' }, scope);
    return response.status === 200;
  }

  async listPartners(query: PpListPartnersQuery, scope: CallScope): Promise<PpList<PpPartner>> {
    return this.list(
      { operation: 'listPartners', method: 'GET', path: '/partners', query: { ...query } },
      scope,
      isPartner,
    );
  }

  /** Never repeated blindly (POST): `external_id` is unique, so callers reconcile a lost answer instead. */
  async createPartner(request: PpCreatePartnerRequest, scope: CallScope): Promise<PpPartner> {
    const response = await this.http.call(
      { operation: 'createPartner', method: 'POST', path: '/partners', body: request },
      scope,
    );
    return this.one(response, isPartner, 'a partner');
  }

  /**
   * PATCH sets fields to given values and the vendor answers a PATCH that changes nothing with the partner as it
   * is, without touching `updated_at`: repeating one after a lost answer cannot change the outcome.
   */
  async updatePartner(id: string, request: PpUpdatePartnerRequest, scope: CallScope): Promise<PpPartner> {
    const response = await this.http.call(
      {
        operation: 'updatePartner',
        method: 'PATCH',
        path: `/partners/${enc(id)}`,
        body: request,
        idempotent: true,
      },
      scope,
    );
    return this.one(response, isPartner, 'a partner');
  }

  async listProducts(query: PpListProductsQuery, scope: CallScope): Promise<PpList<PpProduct>> {
    return this.list(
      { operation: 'listProducts', method: 'GET', path: '/products', query: { ...query } },
      scope,
      isProduct,
    );
  }

  async listOrders(query: PpListOrdersQuery, scope: CallScope): Promise<PpList<PpOrder>> {
    return this.list(
      { operation: 'listOrders', method: 'GET', path: '/orders', query: { ...query } },
      scope,
      isOrder,
    );
  }

  /** Never repeated blindly (POST): partner + `external_reference` is unique, so callers reconcile instead. */
  async createOrder(request: PpCreateOrderRequest, scope: CallScope): Promise<PpOrder> {
    const response = await this.http.call(
      { operation: 'createOrder', method: 'POST', path: '/orders', body: request },
      scope,
    );
    return this.one(response, isOrder, 'an order');
  }

  private async list<T>(
    call: VendorCall,
    scope: CallScope,
    isItem: (value: unknown) => value is T,
  ): Promise<PpList<T>> {
    const response = await this.http.call(call, scope);
    this.failUnlessOk(response);
    const body = response.body;
    if (
      !isRecord(body) ||
      !Array.isArray(body.data) ||
      !body.data.every(isItem) ||
      typeof body.has_more !== 'boolean' ||
      !isInt(body.total_count) ||
      !(body.next_cursor === null || typeof body.next_cursor === 'string') ||
      (body.has_more && body.next_cursor === null)
    ) {
      throw response.badResponse(`${call.operation} did not answer a list`);
    }
    return body as unknown as PpList<T>;
  }

  private one<T>(response: VendorResponse, isItem: (value: unknown) => value is T, what: string): T {
    this.failUnlessOk(response);
    if (!isItem(response.body)) {
      throw response.badResponse(`the answer is not ${what}`);
    }
    return response.body;
  }

  private failUnlessOk(response: VendorResponse): void {
    if (response.status >= 200 && response.status < 300) return;
    // Our own credentials being refused is the gateway's problem, not the client's request.
    if (response.status === 401 || response.status === 403) {
      throw new UpstreamRejectedError(this.http.vendorName, response.status, 'the gateway is not authorised');
    }
    const error = (response.body as Partial<PpErrorBody> | undefined)?.error;
    throw new PartnerPortalRequestError(
      response.status,
      error?.code ?? 'unknown',
      typeof error?.message === 'string' ? error.message : `HTTP ${response.status}`,
      typeof error?.field === 'string' ? error.field : undefined,
      Array.isArray(error?.details)
        ? error.details.filter((detail) => isRecord(detail) && typeof detail.field === 'string')
        : [],
      typeof error?.existing_id === 'string' ? error.existing_id : undefined,
      typeof error?.current_status === 'string' ? error.current_status : undefined,
    );
  }
}

/** Minor units: a whole number. */
const isMoney = (value: unknown): boolean =>
  isRecord(value) && isInt(value.amount) && typeof value.currency === 'string';

/** Enough of the shape to map safely. */
function isPartner(value: unknown): value is PpPartner {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.external_id === 'string' &&
    typeof value.name === 'string' &&
    isNullableString(value.email) &&
    isNullableString(value.phone) &&
    isTimestamp(value.created_at) &&
    isTimestamp(value.updated_at)
  );
}

function isProduct(value: unknown): value is PpProduct {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.sku === 'string' &&
    typeof value.name === 'string' &&
    isOptionalString(value.description) &&
    isMoney(value.price) &&
    isInt(value.min_quantity)
  );
}

function isOrder(value: unknown): value is PpOrder {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.partner_id === 'string' &&
    typeof value.external_reference === 'string' &&
    typeof value.status === 'string' &&
    isMoney(value.total) &&
    isTimestamp(value.created_at) &&
    isTimestamp(value.updated_at) &&
    Array.isArray(value.lines) &&
    value.lines.every(
      (line) =>
        isRecord(line) &&
        typeof line.product_id === 'string' &&
        typeof line.sku === 'string' &&
        typeof line.name === 'string' &&
        isInt(line.quantity) &&
        isMoney(line.unit_price) &&
        isMoney(line.line_total),
    )
  );
}
