import { UserErrorCode, userError } from '../../graph/common/user-error.type.js';
import type { UserError } from '../../graph/common/user-error.type.js';
import { OrderStatus } from '../../graph/orders/order-status.enum.js';
import type { OrderFilter } from '../../graph/orders/order-filter.input.js';
import type { OrderInput } from '../../graph/orders/order.input.js';
import { Order } from '../../graph/orders/order.type.js';
import type { OrderItem, Wallet } from '../../graph/orders/order.type.js';
import { UpstreamBadResponseError } from '../../errors/gateway-errors.js';
import type {
  CmListOrdersQuery,
  CmOrder,
  CmOrderItem,
  CmOrderRequest,
  CmOrderStatus,
  CmOrderSummary,
  CmWallet,
} from './contract.js';
import type { ChannelManagerRequestError } from './client.js';

/** The edge of the Channel Manager's dialect: vendor words, empty strings and wire names stop here. */

const STATUS_FROM_VENDOR: Record<CmOrderStatus, OrderStatus> = {
  Draft: OrderStatus.DRAFT,
  Issued: OrderStatus.ISSUED,
  Error: OrderStatus.ERROR,
  Cancelled: OrderStatus.CANCELLED,
};

const STATUS_TO_VENDOR: Record<OrderStatus, CmOrderStatus> = {
  [OrderStatus.DRAFT]: 'Draft',
  [OrderStatus.ISSUED]: 'Issued',
  [OrderStatus.ERROR]: 'Error',
  [OrderStatus.CANCELLED]: 'Cancelled',
};

function status(value: string): OrderStatus {
  const mapped = STATUS_FROM_VENDOR[value as CmOrderStatus] as OrderStatus | undefined;
  if (!mapped)
    throw new UpstreamBadResponseError('Channel Manager', 'an order status its document does not list');
  return mapped;
}

/** The vendor writes "no value" as an empty string in summaries and leaves the key out elsewhere. */
const orNull = (value: string | undefined | null): string | null => (value ? value : null);

export function orderFromSummary(summary: CmOrderSummary): Order {
  return Object.assign(new Order(), {
    id: summary.orderId,
    status: status(summary.status),
    statusMessage: orNull(summary.statusMessage),
    partnerId: summary.partnerId,
    sellToOrderReference: summary.sellToOrderReference,
    receivedAt: new Date(summary.receivedAt),
    sellToEmail: orNull(summary.sellToEmail),
    sellToName: orNull(summary.sellToName),
    sellToLanguage: orNull(summary.sellToLanguage),
    paymentReference: orNull(summary.paymentReference),
    jobId: orNull(summary.jobId),
    manifestUrl: orNull(summary.manifestUrl),
  });
}

export function orderFromVendor(order: CmOrder): Order {
  const mapped = orderFromSummary({ ...order, statusMessage: order.statusMessage ?? '' });
  mapped.items = order.items.map((item) => itemFromVendor(item, order.orderId));
  return mapped;
}

/** `orderId` rides along on every ticket, so `Ticket.order` can find the order it came in. */
function itemFromVendor(item: CmOrderItem, orderId: string): OrderItem {
  return {
    lineNo: item.lineNo,
    itemNumber: item.itemNumber,
    quantity: item.quantity,
    visitDate: item.visitDate,
    visitTime: item.visitTime,
    isPackage: item.isPackage,
    wallets: item.wallets.map((wallet) => walletFromVendor(wallet, orderId)),
  };
}

function walletFromVendor(wallet: CmWallet, orderId: string): Wallet {
  return {
    id: wallet.walletId,
    seqNo: wallet.seqNo,
    name: orNull(wallet.name),
    externalReferenceNumber: orNull(wallet.externalReferenceNumber),
    walletReferenceNumber: wallet.walletReferenceNumber,
    manifestUrl: wallet.manifestUrl,
    issuedAt: new Date(wallet.issuedAt),
    unitPriceExclVat: { amount: wallet.unitPriceExclVat, currency: wallet.currencyCode },
    unitPriceInclVat: { amount: wallet.unitPriceInclVat, currency: wallet.currencyCode },
    tickets: wallet.assets.map((asset) => ({
      id: asset.id,
      referenceNumber: asset.referenceNumber,
      type: asset.type,
      itemNumber: asset.itemNumber,
      orderId,
    })),
  };
}

export function orderRequestFromInput(input: OrderInput): CmOrderRequest {
  return {
    partnerId: input.partnerId,
    sellToOrderReference: input.sellToOrderReference,
    items: input.items.map((item) => ({
      itemNumber: item.itemNumber,
      visitDate: item.visitDate,
      visitTime: item.visitTime,
      quantity: item.quantity,
      ...(item.wallet
        ? {
            wallet: {
              ...(item.wallet.names ? { names: item.wallet.names } : {}),
              ...(item.wallet.externalReferenceNumbers
                ? { externalReferenceNumbers: item.wallet.externalReferenceNumbers }
                : {}),
            },
          }
        : {}),
    })),
    ...(input.sellToEmail !== undefined && input.sellToEmail !== null
      ? { sellToEmail: input.sellToEmail }
      : {}),
    ...(input.sellToName !== undefined && input.sellToName !== null ? { sellToName: input.sellToName } : {}),
    ...(input.sellToLanguage !== undefined && input.sellToLanguage !== null
      ? { sellToLanguage: input.sellToLanguage }
      : {}),
    ...(input.paymentReference !== undefined && input.paymentReference !== null
      ? { paymentReference: input.paymentReference }
      : {}),
  };
}

export function listQueryFromFilter(filter: OrderFilter | undefined | null): CmListOrdersQuery {
  if (!filter) return {};
  return {
    ...(filter.status ? { status: STATUS_TO_VENDOR[filter.status] } : {}),
    ...(filter.sellToOrderReference ? { sellToOrderReference: filter.sellToOrderReference } : {}),
    ...(filter.receivedAtFrom ? { receivedAtFrom: filter.receivedAtFrom.toISOString() } : {}),
    ...(filter.receivedAtTo ? { receivedAtTo: filter.receivedAtTo.toISOString() } : {}),
  };
}

/**
 * Whether an existing order is what this request would have created: how a retried createOrder tells "my
 * own earlier attempt" from "someone else's order with the same reference". Holder names are compared only
 * where the vendor shows them (issued wallets); a draft does not echo them back.
 */
export function orderMatchesRequest(order: CmOrder, request: CmOrderRequest): boolean {
  const header =
    order.partnerId === request.partnerId &&
    order.sellToOrderReference === request.sellToOrderReference &&
    (order.sellToEmail ?? '') === (request.sellToEmail ?? '') &&
    (order.sellToName ?? '') === (request.sellToName ?? '') &&
    (order.sellToLanguage ?? '') === (request.sellToLanguage ?? '') &&
    (order.paymentReference ?? '') === (request.paymentReference ?? '') &&
    order.items.length === request.items.length;
  return (
    header &&
    request.items.every((wanted, index) => {
      const item = order.items[index];
      if (!item) return false;
      const same =
        item.itemNumber === wanted.itemNumber &&
        item.visitDate === wanted.visitDate &&
        item.visitTime === wanted.visitTime &&
        item.quantity === wanted.quantity;
      if (!same || item.wallets.length === 0) return same;
      const names = item.wallets.map((wallet) => wallet.name ?? '');
      const refs = item.wallets.map((wallet) => wallet.externalReferenceNumber ?? '');
      return (
        (wanted.wallet?.names ?? names.map(() => '')).join('\u0000') === names.join('\u0000') &&
        (wanted.wallet?.externalReferenceNumbers ?? refs.map(() => '')).join('\u0000') === refs.join('\u0000')
      );
    })
  );
}

/** `items[0].visitDate` → `["input", "items", "0", "visitDate"]`. */
export function fieldPath(argument: string | undefined, vendorField: string): string[] {
  return [...(argument ? [argument] : []), ...vendorField.split(/[.[\]]/).filter((part) => part.length > 0)];
}

/**
 * A vendor 4xx about the request, as user errors. Field details name our argument paths; the vendor's wording
 * is kept only for field messages and the status message, which the document defines as human-readable.
 */
export function userErrorsFromVendor(error: ChannelManagerRequestError, argument?: string): UserError[] {
  switch (error.code) {
    case 'VALIDATION':
      return error.details.length > 0
        ? error.details.map((detail) =>
            userError(
              UserErrorCode.VALIDATION,
              `${detail.field}: ${detail.message}`,
              fieldPath(argument, detail.field),
            ),
          )
        : [userError(UserErrorCode.VALIDATION, error.vendorMessage, argument ? [argument] : undefined)];
    case 'NOT_FOUND':
      return [userError(UserErrorCode.NOT_FOUND, 'No ticket order with this id exists.', ['id'])];
    case 'DUPLICATE_ORDER':
      return [
        userError(
          UserErrorCode.DUPLICATE,
          'An order with this sellToOrderReference already exists for this partner, with different content.',
          fieldPath(argument, 'sellToOrderReference'),
        ),
      ];
    case 'INVALID_STATE':
      return [
        userError(
          UserErrorCode.INVALID_STATE,
          `The order cannot change in its current state: ${error.vendorMessage}`,
        ),
      ];
    case 'ISSUANCE_FAILED':
      return [userError(UserErrorCode.ISSUANCE_FAILED, error.vendorMessage)];
    default:
      return [
        userError(UserErrorCode.REJECTED, `The Channel Manager rejected the request (HTTP ${error.status}).`),
      ];
  }
}
