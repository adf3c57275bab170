import { BadUserInputError, UpstreamBadResponseError } from '../../errors/gateway-errors.js';
import { pageSize } from '../../graph/common/connection.js';
import type { Connection, Edge } from '../../graph/common/connection.js';
import type { Money } from '../../graph/common/money.type.js';
import { UserErrorCode, userError } from '../../graph/common/user-error.type.js';
import type { UserError } from '../../graph/common/user-error.type.js';
import { Vendor } from '../../graph/common/vendor.enum.js';
import type { PartnerInput, PartnerUpdateInput } from '../../graph/partners/partner.input.js';
import { Partner, PartnerLinks } from '../../graph/partners/partner.type.js';
import { PortalOrderStatus } from '../../graph/portal-orders/portal-order-status.enum.js';
import type { PortalOrderInput } from '../../graph/portal-orders/portal-order.input.js';
import { PortalOrder, PortalOrderLine } from '../../graph/portal-orders/portal-order.type.js';
import { Product } from '../../graph/products/product.type.js';
import type { PartnerLinkRow } from '../../store/schema.js';
import { moneyFromMinorUnits } from '../money.js';
import { PartnerPortalRequestError } from './client.js';
import { PP_MAX_LIMIT } from './contract.js';
import type {
  PpCreateOrderRequest,
  PpCreatePartnerRequest,
  PpList,
  PpMoney,
  PpOrder,
  PpOrderLine,
  PpOrderStatus,
  PpPageQuery,
  PpPartner,
  PpProduct,
  PpUpdatePartnerRequest,
} from './contract.js';

/** The edge of PartnerPortal's dialect: snake_case, minor units, vendor status words and cursors stop here. */

// ---------------------------------------------------------------------------------------------------------------
// Money

/** `{ amount: 10000, currency: 'DKK' }` (øre) → `{ amount: 100, currency: 'DKK' }`. */
export function moneyFromVendor(money: PpMoney): Money {
  return moneyFromMinorUnits(money.amount, money.currency, 'PartnerPortal');
}

// ---------------------------------------------------------------------------------------------------------------
// Partners

export function partnerFromVendor(partner: PpPartner): Partner {
  return Object.assign(new Partner(), {
    id: partner.id,
    externalId: partner.external_id,
    name: partner.name,
    email: partner.email,
    phone: partner.phone,
    createdAt: new Date(partner.created_at),
    updatedAt: new Date(partner.updated_at),
  });
}

/** The gateway's own row; a partner without one has no links. */
export function linksFromRow(
  row: PartnerLinkRow | null,
  nationalExpressAccountIds: string[] = [],
): PartnerLinks {
  return Object.assign(new PartnerLinks(), {
    channelManagerPartnerId: row?.channel_manager_partner_id ?? null,
    nationalExpressAccountIds,
  });
}

export function partnerRequestFromInput(input: PartnerInput): PpCreatePartnerRequest {
  return {
    external_id: input.externalId,
    name: input.name,
    email: input.email ?? null,
    phone: input.phone ?? null,
  };
}

/** Absent fields stay absent (left as they are); an explicit null clears email or phone. */
export function partnerUpdateFromInput(input: PartnerUpdateInput): PpUpdatePartnerRequest {
  return {
    ...(input.name !== undefined && input.name !== null ? { name: input.name } : {}),
    ...(input.email !== undefined ? { email: input.email } : {}),
    ...(input.phone !== undefined ? { phone: input.phone } : {}),
  };
}

/**
 * Whether an existing partner is what this create would have made: how a retried createPartner tells "my own
 * earlier attempt" from "another partner under the same external_id". The vendor stores values as sent.
 */
export function partnerMatchesRequest(partner: PpPartner, request: PpCreatePartnerRequest): boolean {
  return (
    partner.external_id === request.external_id &&
    partner.name === request.name &&
    partner.email === (request.email ?? null) &&
    partner.phone === (request.phone ?? null)
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Catalogue

/** A catalogue product as the merged `products` query and order lines show it. */
export function productFromPartnerPortal(product: PpProduct): Product {
  return Object.assign(new Product(), {
    id: product.id,
    vendor: Vendor.PARTNER_PORTAL,
    sku: product.sku,
    name: product.name,
    description: product.description ? product.description : null,
    price: moneyFromVendor(product.price),
    minQuantity: product.min_quantity,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Portal orders

const STATUS_FROM_VENDOR: Record<PpOrderStatus, PortalOrderStatus> = {
  pending: PortalOrderStatus.PENDING,
  processing: PortalOrderStatus.PROCESSING,
  shipped: PortalOrderStatus.SHIPPED,
  delivered: PortalOrderStatus.DELIVERED,
  cancelled: PortalOrderStatus.CANCELLED,
};

function status(value: string): PortalOrderStatus {
  const mapped = STATUS_FROM_VENDOR[value as PpOrderStatus] as PortalOrderStatus | undefined;
  if (!mapped)
    throw new UpstreamBadResponseError('PartnerPortal', 'an order status its document does not list');
  return mapped;
}

function lineFromVendor(line: PpOrderLine): PortalOrderLine {
  return Object.assign(new PortalOrderLine(), {
    productId: line.product_id,
    sku: line.sku,
    name: line.name,
    quantity: line.quantity,
    unitPrice: moneyFromVendor(line.unit_price),
    lineTotal: moneyFromVendor(line.line_total),
  });
}

export function portalOrderFromVendor(order: PpOrder): PortalOrder {
  return Object.assign(new PortalOrder(), {
    id: order.id,
    partnerId: order.partner_id,
    externalReference: order.external_reference,
    status: status(order.status),
    lines: order.lines.map(lineFromVendor),
    total: moneyFromVendor(order.total),
    createdAt: new Date(order.created_at),
    updatedAt: new Date(order.updated_at),
  });
}

export function portalOrderRequestFromInput(input: PortalOrderInput): PpCreateOrderRequest {
  return {
    partner_id: input.partnerId,
    external_reference: input.externalReference,
    lines: input.lines.map((line) => ({ product_id: line.productId, quantity: line.quantity })),
  };
}

/** Same partner, reference and lines (products and quantities, in order): the order this create would make. */
export function portalOrderMatchesRequest(order: PpOrder, request: PpCreateOrderRequest): boolean {
  return (
    order.partner_id === request.partner_id &&
    order.external_reference === request.external_reference &&
    order.lines.length === request.lines.length &&
    request.lines.every((wanted, index) => {
      const line = order.lines[index];
      return line?.product_id === wanted.product_id && line.quantity === wanted.quantity;
    })
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Vendor errors → user errors

/** Top-level request fields whose vendor name maps onto an input field of ours. */
const INPUT_FIELDS = new Set([
  'external_id',
  'name',
  'email',
  'phone',
  'partner_id',
  'external_reference',
  'lines',
]);

const camel = (name: string): string =>
  name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/**
 * `lines[0].product_id` → `["input", "lines", "0", "productId"]`. Undefined for what is not an input field of ours
 * (`body`, `content-type`): that would be the gateway's own mistake, not something the client can fix by field.
 */
export function inputPath(argument: string, vendorField: string | undefined): string[] | undefined {
  if (vendorField === undefined) return undefined;
  const parts = vendorField.split(/[.[\]]/).filter((part) => part.length > 0);
  if (!parts[0] || !INPUT_FIELDS.has(parts[0])) return undefined;
  return [argument, ...parts.map(camel)];
}

/**
 * A vendor 4xx about the request, as user errors. `what` names the object for NOT_FOUND ("partner"). Field details
 * name our input paths; the vendor's own wording is kept for the rule, which its document makes human-readable.
 */
export function userErrorsFromVendor(
  error: PartnerPortalRequestError,
  what: string,
  argument = 'input',
): UserError[] {
  switch (error.code) {
    case 'validation_error': {
      const details =
        error.details.length > 0
          ? error.details
          : [{ field: error.field ?? '', message: error.vendorMessage }];
      return details.map((detail) => {
        const field = inputPath(argument, detail.field);
        return userError(
          UserErrorCode.VALIDATION,
          field ? `${field.slice(1).join('.')}: ${detail.message}` : error.vendorMessage,
          field,
        );
      });
    }
    case 'not_found':
      return [userError(UserErrorCode.NOT_FOUND, `No ${what} with this id exists.`, ['id'])];
    case 'conflict':
      if (error.field === 'status') {
        return [
          userError(
            UserErrorCode.INVALID_STATE,
            `The ${what} cannot change in its current state (${error.currentStatus ?? 'unknown'}).`,
          ),
        ];
      }
      return [
        userError(
          UserErrorCode.DUPLICATE,
          error.field === 'external_reference'
            ? 'This partner already has a portal order with this externalReference, with different content.'
            : 'A partner with this externalId already exists, with different content.',
          inputPath(argument, error.field),
        ),
      ];
    default:
      return [
        userError(UserErrorCode.REJECTED, `PartnerPortal rejected the request (HTTP ${error.status}).`),
      ];
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Paging over the vendor's cursors

/**
 * Where a page starts: after `skip` items of the vendor page that starts at vendor cursor `from` (null: the
 * list's beginning). The vendor hands out a cursor only for the end of each page, so an edge inside a page is
 * named by that page's start and its position in it. Positions are stable: the vendor's cursor names an item
 * (keyset, by `created_at` then id) and new items only ever join the end.
 */
interface PageStart {
  from: string | null;
  skip: number;
}

const CURSOR_VERSION = 1;

function encodePageCursor(list: string, start: PageStart): string {
  return Buffer.from(
    JSON.stringify({ v: CURSOR_VERSION, l: list, c: start.from, s: start.skip }),
    'utf8',
  ).toString('base64url');
}

const badCursor = () => new BadUserInputError('after is not a cursor this list gave out.', 'after');

/** Ours, for this list (a partner's orders cursor is refused for another partner), and well formed. */
function decodePageCursor(list: string, cursor: string): PageStart {
  if (!/^[A-Za-z0-9_-]{1,2000}$/.test(cursor)) throw badCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  const { v, l, c, s } = (parsed ?? {}) as { v?: unknown; l?: unknown; c?: unknown; s?: unknown };
  if (
    v !== CURSOR_VERSION ||
    l !== list ||
    !(c === null || (typeof c === 'string' && c.length > 0)) ||
    typeof s !== 'number' ||
    !Number.isInteger(s) ||
    s < 0 ||
    s > PP_MAX_LIMIT
  ) {
    throw badCursor();
  }
  return { from: c, skip: s };
}

/**
 * A Relay page of a vendor list. `list` names the list inside our cursors; `fetch` asks the vendor (through a
 * loader) for one of its pages. Usually one vendor call; two when a page starts deep inside a vendor page.
 */
export async function connectionFromVendor<TItem, TNode>(
  list: string,
  first: number | undefined | null,
  after: string | undefined | null,
  fetch: (page: PpPageQuery) => Promise<PpList<TItem>>,
  toNode: (item: TItem) => TNode,
): Promise<Connection<TNode>> {
  const size = pageSize(first);
  const start =
    after === undefined || after === null ? { from: null, skip: 0 } : decodePageCursor(list, after);
  const fetchPage = async (page: PpPageQuery): Promise<PpList<TItem>> => {
    try {
      return await fetch(page);
    } catch (error) {
      // Our envelope was intact but the vendor's cursor inside it was not.
      if (error instanceof PartnerPortalRequestError && error.field === 'cursor') throw badCursor();
      throw error;
    }
  };
  const query = (from: string | null, limit: number): PpPageQuery => ({
    limit,
    ...(from === null ? {} : { cursor: from }),
  });

  let { from, skip } = start;
  // Skipping and reading must fit in one vendor page (size 0 still reads one item, to know if any follow).
  if (skip + Math.max(size, 1) > PP_MAX_LIMIT) {
    const skipped = await fetchPage(query(from, skip));
    if (!skipped.has_more || skipped.next_cursor === null) {
      return page([], false, after !== undefined && after !== null, skipped.total_count);
    }
    from = skipped.next_cursor;
    skip = 0;
  }
  const answer = await fetchPage(query(from, skip + Math.max(size, 1)));
  const items = answer.data.slice(skip, skip + size);
  const hasNextPage = answer.data.length > skip + size || answer.has_more;
  const endsVendorPage = answer.data.length === skip + size && answer.has_more && answer.next_cursor;
  const edges = items.map((item, index) => ({
    cursor: encodePageCursor(
      list,
      index === items.length - 1 && endsVendorPage
        ? { from: answer.next_cursor, skip: 0 }
        : { from, skip: skip + index + 1 },
    ),
    node: toNode(item),
  }));
  return page(edges, hasNextPage, after !== undefined && after !== null, answer.total_count);
}

function page<TNode>(
  edges: Edge<TNode>[],
  hasNextPage: boolean,
  hasPreviousPage: boolean,
  totalCount: number,
): Connection<TNode> {
  return {
    nodes: edges.map((edge) => edge.node),
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}
