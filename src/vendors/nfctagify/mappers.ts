import { BadUserInputError, UpstreamBadResponseError } from '../../errors/gateway-errors.js';
import { CardOrderStatus } from '../../graph/card-orders/card-order-status.enum.js';
import type { CardOrderFilter } from '../../graph/card-orders/card-order-filter.input.js';
import type { CardOrderInput } from '../../graph/card-orders/card-order.input.js';
import { CardOrder, CardOrderLine } from '../../graph/card-orders/card-order.type.js';
import { Shipping } from '../../graph/card-orders/shipping.type.js';
import { UserErrorCode, userError } from '../../graph/common/user-error.type.js';
import type { UserError } from '../../graph/common/user-error.type.js';
import { Vendor } from '../../graph/common/vendor.enum.js';
import { Product } from '../../graph/products/product.type.js';
import type { NfcTagifyRequestError } from './client.js';
import type {
  NtCreateOrderRequest,
  NtLineItem,
  NtOrder,
  NtOrderStatus,
  NtProduct,
  NtShipping,
} from './contract.js';
import type { NtOrderFilterQuery } from './loaders.js';

/** The edge of NFC Tagify's dialect: snake_case, lower-case statuses and wire names stop here. */

const STATUS_FROM_VENDOR: Record<NtOrderStatus, CardOrderStatus> = {
  pending: CardOrderStatus.PENDING,
  processing: CardOrderStatus.PROCESSING,
  dispatched: CardOrderStatus.DISPATCHED,
  delivered: CardOrderStatus.DELIVERED,
  cancelled: CardOrderStatus.CANCELLED,
};

const STATUS_TO_VENDOR: Record<CardOrderStatus, NtOrderStatus> = {
  [CardOrderStatus.PENDING]: 'pending',
  [CardOrderStatus.PROCESSING]: 'processing',
  [CardOrderStatus.DISPATCHED]: 'dispatched',
  [CardOrderStatus.DELIVERED]: 'delivered',
  [CardOrderStatus.CANCELLED]: 'cancelled',
};

function status(value: string): CardOrderStatus {
  const mapped = STATUS_FROM_VENDOR[value as NtOrderStatus] as CardOrderStatus | undefined;
  if (!mapped) throw new UpstreamBadResponseError('NFC Tagify', 'an order status its document does not list');
  return mapped;
}

/** A catalogue product at our price: the vendor gives major units (`3.5` is £3.50) and has no SKU. */
export function productFromNfcTagify(product: NtProduct): Product {
  return Object.assign(new Product(), {
    id: product.product_id,
    vendor: Vendor.NFC_TAGIFY,
    sku: null,
    name: product.name,
    description: product.description === '' ? null : product.description,
    price: { amount: product.price, currency: product.currency },
    minQuantity: product.min_quantity,
  });
}

export function cardOrderFromNfcTagify(order: NtOrder): CardOrder {
  return Object.assign(new CardOrder(), {
    id: order.order_id,
    status: status(order.status),
    customerReference: order.customer_reference,
    quantity: order.quantity,
    productId: order.product_id,
    shipping: shippingFromVendor(order.shipping),
    createdAt: new Date(order.created_at),
    updatedAt: new Date(order.updated_at),
    trackingNumber: order.tracking_number ?? null,
    total: { amount: order.total, currency: order.currency },
    lines: order.line_items.map((line) => lineFromVendor(line, order.currency)),
  });
}

function lineFromVendor(line: NtLineItem, currency: string): CardOrderLine {
  return Object.assign(new CardOrderLine(), {
    id: line.line_id,
    name: line.name,
    quantity: line.quantity,
    unitPrice: { amount: line.unit_price, currency },
    status: status(line.status),
    productId: line.product_id,
  });
}

function shippingFromVendor(shipping: NtShipping): Shipping {
  return Object.assign(new Shipping(), {
    name: shipping.name,
    addressLine1: shipping.address_line1,
    addressLine2: shipping.address_line2 ?? null,
    city: shipping.city,
    postcode: shipping.postcode,
    country: shipping.country,
  });
}

export function orderRequestFromInput(input: CardOrderInput): NtCreateOrderRequest {
  const { shipping } = input;
  return {
    product_id: input.productId,
    quantity: input.quantity,
    customer_reference: input.customerReference,
    shipping: {
      name: shipping.name,
      address_line1: shipping.addressLine1,
      ...(shipping.addressLine2 !== undefined && shipping.addressLine2 !== null
        ? { address_line2: shipping.addressLine2 }
        : {}),
      city: shipping.city,
      postcode: shipping.postcode,
      country: shipping.country,
    },
  };
}

/**
 * The filter as `GET /orders` parameters. The vendor's `created_at` has whole seconds, so an instant bound is
 * sent as the whole second that selects exactly the same orders (`from` rounded up, `to` down): no fraction goes
 * on the wire.
 */
export function listQueryFromFilter(filter: CardOrderFilter | undefined | null): NtOrderFilterQuery {
  if (!filter) return {};
  const { createdFrom, createdTo } = filter;
  if (createdFrom && createdTo && createdTo < createdFrom) {
    throw new BadUserInputError('filter.createdTo must not be before filter.createdFrom.', 'filter');
  }
  const wholeSecond = (date: Date, round: (seconds: number) => number): string =>
    `${new Date(round(date.getTime() / 1000) * 1000).toISOString().slice(0, 19)}Z`;
  return {
    ...(filter.status ? { status: STATUS_TO_VENDOR[filter.status] } : {}),
    ...(createdFrom ? { from: wholeSecond(createdFrom, Math.ceil) } : {}),
    ...(createdTo ? { to: wholeSecond(createdTo, Math.floor) } : {}),
    ...(filter.customerReference !== undefined && filter.customerReference !== null
      ? { customer_reference: filter.customerReference }
      : {}),
  };
}

/**
 * Whether an existing order is what this request would create: how a resubmit (or a retry after a lost answer)
 * tells "my own earlier order" from "another order under the same reference". `address_line2` absent and null
 * are the same to the vendor.
 */
export function orderMatchesRequest(order: NtOrder, request: NtCreateOrderRequest): boolean {
  const a = order.shipping;
  const b = request.shipping;
  return (
    order.customer_reference === request.customer_reference &&
    order.product_id === request.product_id &&
    order.quantity === request.quantity &&
    a.name === b.name &&
    a.address_line1 === b.address_line1 &&
    (a.address_line2 ?? null) === (b.address_line2 ?? null) &&
    a.city === b.city &&
    a.postcode === b.postcode &&
    a.country === b.country
  );
}

/** `shipping.address_line1` → `["input", "shipping", "addressLine1"]`; `body` is the input as a whole. */
export function inputPath(vendorField: string): string[] {
  const parts = vendorField
    .split('.')
    .filter((part) => part !== '' && part !== 'body')
    .map((part) => part.replace(/_([a-z0-9])/g, (_match, next: string) => next.toUpperCase()));
  return ['input', ...parts];
}

/**
 * A vendor 4xx about a create request, as user errors. Validation details name our input paths; the vendor's
 * wording of each rule is kept, as its document defines it as human-readable.
 */
export function userErrorsFromVendor(error: NfcTagifyRequestError): UserError[] {
  if (error.code === 'VALIDATION_ERROR') {
    if (error.details.length === 0)
      return [userError(UserErrorCode.VALIDATION, error.vendorMessage, ['input'])];
    return error.details.map((detail) => {
      const path = inputPath(detail.field);
      const name = path.slice(1).join('.') || 'input';
      return userError(UserErrorCode.VALIDATION, `${name}: ${detail.message}`, path);
    });
  }
  return [userError(UserErrorCode.REJECTED, `NFC Tagify rejected the order (HTTP ${error.status}).`)];
}
