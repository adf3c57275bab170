import { UpstreamRejectedError } from '../../errors/gateway-errors.js';
import type { CallScope, VendorHttp, VendorResponse } from '../http.js';
import type {
  CmAsset,
  CmErrorBody,
  CmErrorCode,
  CmFieldError,
  CmListOrdersQuery,
  CmOrder,
  CmOrderItem,
  CmOrderRequest,
  CmOrderSummary,
  CmWallet,
} from './contract.js';
import { isInt, isOptionalString, isRecord, isTimestamp } from '../json-shape.js';

/**
 * A 4xx answer of the Channel Manager that is about the request (not about our credentials). Carries the parsed
 * error body so `order-commands.ts` can turn it into user errors; its message is never shown to clients as is.
 */
export class ChannelManagerRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: CmErrorCode | 'UNKNOWN',
    readonly vendorMessage: string,
    readonly details: CmFieldError[],
    readonly orderId: string | undefined,
  ) {
    super(`Channel Manager answered HTTP ${status} ${code}`);
  }
}

export type CancelOutcome = { removed: true } | { removed: false; order: CmOrder };

const enc = encodeURIComponent;

/**
 * One typed method per Channel Manager call, through the shared VendorHttp. Stateless: one instance per
 * configured vendor, shared by all requests; per-request caching lives in `loaders.ts`.
 */
export class ChannelManagerClient {
  constructor(private readonly http: VendorHttp) {}

  async createOrder(request: CmOrderRequest, scope: CallScope): Promise<CmOrder> {
    const response = await this.http.call(
      { operation: 'createOrder', method: 'POST', path: '/channelManager', body: request },
      scope,
    );
    return this.order(response);
  }

  /** Null when the vendor has no such order (never created, or a removed draft). */
  async getOrder(orderId: string, scope: CallScope): Promise<CmOrder | null> {
    const response = await this.http.call(
      { operation: 'getOrder', method: 'GET', path: `/channelManager/${enc(orderId)}` },
      scope,
    );
    if (response.status === 404) return null;
    return this.order(response);
  }

  async confirmOrder(orderId: string, paymentReference: string, scope: CallScope): Promise<CmOrder> {
    // Confirming an Issued order is a documented no-op, so repeating a confirm is safe.
    const response = await this.http.call(
      {
        operation: 'confirmOrder',
        method: 'POST',
        path: `/channelManager/${enc(orderId)}/confirm`,
        body: { paymentReference },
        idempotent: true,
      },
      scope,
    );
    return this.order(response);
  }

  /**
   * Not repeated blindly, although a PUT: a replace that issued the order cannot be sent again (an Issued order
   * refuses it with 409), so a lost answer is an OutcomeUnknownError the commands reconcile by reading the order.
   */
  async replaceOrder(orderId: string, request: CmOrderRequest, scope: CallScope): Promise<CmOrder> {
    const response = await this.http.call(
      {
        operation: 'replaceOrder',
        method: 'PUT',
        path: `/channelManager/${enc(orderId)}`,
        body: request,
        idempotent: false,
      },
      scope,
    );
    return this.order(response);
  }

  /**
   * Issued and Cancelled orders survive as Cancelled; Draft and Error orders are removed outright. The sandbox
   * answers a removal with 204; a vendor that answers 200 with the order's last state is checked with getOrder.
   * Not repeated blindly, although a DELETE: a repeat of one that removed a Draft answers 404, so a lost answer
   * is an OutcomeUnknownError the commands reconcile by reading the order.
   */
  async cancelOrder(orderId: string, scope: CallScope): Promise<CancelOutcome> {
    const response = await this.http.call(
      {
        operation: 'cancelOrder',
        method: 'DELETE',
        path: `/channelManager/${enc(orderId)}`,
        idempotent: false,
      },
      scope,
    );
    if (response.status === 204 || (response.status < 300 && response.body === undefined))
      return { removed: true };
    const order = this.order(response);
    if (order.status === 'Cancelled') return { removed: false, order };
    const after = await this.getOrder(orderId, scope);
    return after === null ? { removed: true } : { removed: false, order: after };
  }

  async listOrdersByPartner(
    partnerId: string,
    query: CmListOrdersQuery,
    scope: CallScope,
  ): Promise<CmOrderSummary[]> {
    const response = await this.http.call(
      {
        operation: 'listOrdersByPartner',
        method: 'GET',
        path: `/channelManager/orders/${enc(partnerId)}`,
        query: { ...query },
      },
      scope,
    );
    this.failUnlessOk(response);
    if (!Array.isArray(response.body) || !response.body.every(isSummary)) {
      throw response.badResponse('listOrdersByPartner did not answer a list of orders');
    }
    return response.body;
  }

  private order(response: VendorResponse): CmOrder {
    this.failUnlessOk(response);
    if (!isOrder(response.body)) {
      throw response.badResponse('the answer is not an order');
    }
    return response.body;
  }

  private failUnlessOk(response: VendorResponse): void {
    if (response.status >= 200 && response.status < 300) return;
    // Our own credentials or the route being wrong is the gateway's problem, not the client's request.
    if (response.status === 401 || response.status === 403) {
      throw new UpstreamRejectedError(this.http.vendorName, response.status, 'the gateway is not authorised');
    }
    const error = (response.body as Partial<CmErrorBody> | undefined)?.error;
    throw new ChannelManagerRequestError(
      response.status,
      error?.code ?? 'UNKNOWN',
      typeof error?.message === 'string' ? error.message : `HTTP ${response.status}`,
      Array.isArray(error?.details) ? error.details : [],
      typeof error?.orderId === 'string' ? error.orderId : undefined,
    );
  }
}

const OPTIONAL_SUMMARY_TEXT = [
  'sellToEmail',
  'sellToName',
  'sellToLanguage',
  'paymentReference',
  'statusMessage',
  'jobId',
  'manifestUrl',
] as const;

/** Every field the mappers read, with the types they read it as; optional texts may be absent or empty. */
function isSummary(value: unknown): value is CmOrderSummary {
  return (
    isRecord(value) &&
    typeof value.orderId === 'string' &&
    typeof value.status === 'string' &&
    typeof value.partnerId === 'string' &&
    typeof value.sellToOrderReference === 'string' &&
    isTimestamp(value.receivedAt) &&
    OPTIONAL_SUMMARY_TEXT.every((key) => isOptionalString(value[key]))
  );
}

function isAsset(value: unknown): value is CmAsset {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.type === 'string' &&
    typeof value.referenceNumber === 'string' &&
    typeof value.itemNumber === 'string'
  );
}

function isWallet(value: unknown): value is CmWallet {
  return (
    isRecord(value) &&
    isInt(value.seqNo) &&
    Array.isArray(value.assets) &&
    value.assets.every(isAsset) &&
    typeof value.walletId === 'string' &&
    typeof value.walletReferenceNumber === 'string' &&
    isOptionalString(value.externalReferenceNumber) &&
    isOptionalString(value.name) &&
    isTimestamp(value.issuedAt) &&
    typeof value.unitPriceExclVat === 'number' &&
    typeof value.unitPriceInclVat === 'number' &&
    typeof value.currencyCode === 'string' &&
    typeof value.manifestUrl === 'string'
  );
}

function isItem(value: unknown): value is CmOrderItem {
  return (
    isRecord(value) &&
    isInt(value.lineNo) &&
    typeof value.itemNumber === 'string' &&
    typeof value.isPackage === 'boolean' &&
    isInt(value.quantity) &&
    typeof value.visitDate === 'string' &&
    typeof value.visitTime === 'string' &&
    Array.isArray(value.wallets) &&
    value.wallets.every(isWallet)
  );
}

function isOrder(value: unknown): value is CmOrder {
  if (!isSummary(value)) return false;
  const { items } = value as { items?: unknown };
  return Array.isArray(items) && items.every(isItem);
}
