import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../../context.js';
import type { CmOrderSummary } from '../../vendors/navipartner/contract.js';
import {
  listQueryFromFilter,
  orderFromSummary,
  orderFromVendor,
  orderRequestFromInput,
} from '../../vendors/navipartner/mappers.js';
import { BadUserInputError } from '../../errors/gateway-errors.js';
import { emptyConnection, pageOfList } from '../common/connection.js';
import type { Connection } from '../common/connection.js';
import { UserErrorCode, userError } from '../common/user-error.type.js';
import { validateInput } from '../common/validate-input.js';
import { OrderConnection } from './order-connection.type.js';
import { OrderFilter } from './order-filter.input.js';
import { OrderInput, prepareOrderInput } from './order.input.js';
import { CancelOrderPayload, OrderPayload } from './order.payload.js';
import { Order, OrderItem } from './order.type.js';

/** The answer to an order id the key may not see: the same as for an id the Channel Manager does not know. */
const NO_SUCH_ORDER = {
  order: null,
  userErrors: [userError(UserErrorCode.NOT_FOUND, 'No ticket order with this id exists.', ['id'])],
};

/** Does the order exist and belong to one of the key's partners? Asked before a write by id. */
async function mayChangeOrder(ctx: GatewayContext, id: string): Promise<boolean> {
  if (ctx.access.allPartners) return true;
  const order = await ctx.channelManager.loaders.orderById.load(channelManagerId('id', id));
  return (await ctx.access.ticketOrder(order)) !== null;
}

/** Channel Manager identifiers: a partnerId is 1 to 100 characters (its document); orderIds are UUIDs. */
const MAX_ID_LENGTH = 100;

/**
 * Refuses an identifier the Channel Manager cannot hold before it reaches a vendor URL: an empty one would name
 * another route, and one of thousands of characters would be refused for its size (HTTP 414/431), not as input.
 */
function channelManagerId(argument: string, value: string): string {
  if (value.length === 0 || value.length > MAX_ID_LENGTH) {
    throw new BadUserInputError(
      `${argument} must be between 1 and ${MAX_ID_LENGTH} characters, got ${value.length}.`,
      argument,
    );
  }
  return value;
}

/** Newest first; ties broken by id so the order is total and cursors are stable. */
const sortKey = (summary: CmOrderSummary): string =>
  `${new Date(summary.receivedAt).toISOString()}|${summary.orderId}`;

/**
 * A Channel Manager partner's ticket orders as a connection, newest first: `Query.orders`, and
 * `Partner.ticketOrders` through the partner's link. One vendor list call per partner and filter per operation.
 */
export async function ticketOrdersOfPartner(
  ctx: GatewayContext,
  partnerId: string,
  filter: OrderFilter | undefined | null,
  first: number | undefined | null,
  after: string | undefined | null,
): Promise<Connection<Order>> {
  // The vendor refuses an inverted range with a 400 about its own query parameters: refused here, by our names.
  if (filter?.receivedAtFrom && filter.receivedAtTo && filter.receivedAtTo < filter.receivedAtFrom) {
    throw new BadUserInputError('filter.receivedAtTo must not be before filter.receivedAtFrom.', 'filter');
  }
  // Another partner's orders read as an unknown partner's: none.
  if (!(await ctx.access.mayUseChannelManagerPartner(partnerId))) {
    listQueryFromFilter(filter);
    return emptyConnection<Order>(first, after);
  }
  const summaries = await ctx.channelManager.loaders.ordersByPartner.load({
    partnerId,
    query: listQueryFromFilter(filter),
  });
  // Keys once per order, not once per comparison: a partner may have thousands of orders.
  const keyed = summaries.map((summary) => ({ key: sortKey(summary), summary }));
  keyed.sort((a, b) => (a.key < b.key ? 1 : -1));
  return pageOfList(
    keyed,
    (entry) => entry.key,
    (entry) => orderFromSummary(entry.summary),
    first,
    after,
    (cursor, entry) => (entry.key < cursor ? -1 : 1),
  );
}

@Resolver(() => Order)
export class OrderResolver {
  @Query(() => Order, {
    nullable: true,
    description:
      'A ticket order by its Channel Manager orderId; null when there is none or when the API key may not see ' +
      "the order's partner.",
  })
  async order(
    @Arg('id', () => ID, { description: 'The orderId.' }) id: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<Order | null> {
    const order = await ctx.access.ticketOrder(
      await ctx.channelManager.loaders.orderById.load(channelManagerId('id', id)),
    );
    return order ? orderFromVendor(order) : null;
  }

  @Query(() => OrderConnection, {
    nullable: true,
    description:
      "A partner's ticket orders, newest first. One vendor list call; each order's items are fetched only when " +
      'selected. Empty for a Channel Manager partner the API key may not see (one not linked to its partners). ' +
      'Null, with an UPSTREAM_UNAVAILABLE error at this field, while the Channel Manager cannot answer.',
  })
  async orders(
    @Arg('partnerId', () => ID, { description: 'The Channel Manager partner.' }) partnerId: string,
    @Arg('filter', () => OrderFilter, { nullable: true, description: 'Conditions the orders must meet.' })
    filter: OrderFilter | undefined,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 0 to 100 (default 20).' })
    first: number | undefined,
    @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after.' })
    after: string | undefined,
    @Ctx() ctx: GatewayContext,
  ): Promise<Connection<Order>> {
    return ticketOrdersOfPartner(ctx, channelManagerId('partnerId', partnerId), filter, first, after);
  }

  @FieldResolver(() => [OrderItem], {
    description:
      'The order lines with their wallets and tickets (fetched through the order loader when needed).',
  })
  items(@Root() order: Order, @Ctx() ctx: GatewayContext): OrderItem[] | Promise<OrderItem[]> {
    // Answered as is when the order came with its lines: no promise for the executor to wait on.
    return order.items ?? fullItems(order, ctx);
  }

  @Mutation(() => OrderPayload, {
    description:
      'Submits a ticket order. With a paymentReference it is issued at once (ISSUED, or ERROR with ISSUANCE_FAILED); ' +
      'without, it rests as DRAFT. Safe to retry: the same partnerId + sellToOrderReference with the same content ' +
      'answers the existing order; with other content it is a DUPLICATE user error. A partnerId not linked to ' +
      "one of the API key's partners is FORBIDDEN.",
  })
  async createOrder(
    @Arg('input', () => OrderInput, { description: 'The order.' }) input: OrderInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<OrderPayload> {
    const problems = await validateInput('input', prepareOrderInput(input));
    if (problems.length > 0) return { order: null, userErrors: problems };
    await ctx.access.requireChannelManagerPartner(input.partnerId, 'input.partnerId');
    return ctx.channelManager.commands.create(orderRequestFromInput(input));
  }

  @Mutation(() => OrderPayload, {
    description:
      'Confirms payment of a DRAFT order and issues it. On an ISSUED order it changes nothing. An order the API ' +
      'key may not see is NOT_FOUND, as a missing one.',
  })
  async confirmOrder(
    @Arg('id', () => ID, { description: 'The orderId.' }) id: string,
    @Arg('paymentReference', { description: 'Reference of the captured payment (1 to 50 characters).' })
    paymentReference: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<OrderPayload> {
    if (paymentReference.trim().length === 0 || paymentReference.length > 50) {
      return {
        order: null,
        userErrors: [
          userError(
            UserErrorCode.VALIDATION,
            'paymentReference must be between 1 and 50 characters and not blank',
            ['paymentReference'],
          ),
        ],
      };
    }
    if (!(await mayChangeOrder(ctx, id))) return NO_SUCH_ORDER;
    return ctx.channelManager.commands.confirm(id, paymentReference);
  }

  @Mutation(() => OrderPayload, {
    description:
      'Replaces a DRAFT or ERROR order: header fields and all lines; partnerId and sellToOrderReference cannot change. ' +
      'Wallets are re-issued when the order has a paymentReference (given here, or kept from before). An order ' +
      'the API key may not see is NOT_FOUND, as a missing one; a partnerId not linked to its partners is FORBIDDEN.',
  })
  async replaceOrder(
    @Arg('id', () => ID, { description: 'The orderId.' }) id: string,
    @Arg('input', () => OrderInput, { description: 'The whole new order.' }) input: OrderInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<OrderPayload> {
    const problems = await validateInput('input', prepareOrderInput(input));
    if (problems.length > 0) return { order: null, userErrors: problems };
    await ctx.access.requireChannelManagerPartner(input.partnerId, 'input.partnerId');
    if (!(await mayChangeOrder(ctx, id))) return NO_SUCH_ORDER;
    return ctx.channelManager.commands.replace(id, orderRequestFromInput(input));
  }

  @Mutation(() => CancelOrderPayload, {
    description:
      'Cancels an order. An ISSUED order becomes CANCELLED with its wallets and tickets torn down; a DRAFT or ERROR ' +
      'order is removed outright (`removed: true`). Cancelling a CANCELLED order changes nothing. An order the ' +
      'API key may not see is NOT_FOUND, as a missing one.',
  })
  async cancelOrder(
    @Arg('id', () => ID, { description: 'The orderId.' }) id: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<CancelOrderPayload> {
    if (!(await mayChangeOrder(ctx, id))) return { ...NO_SUCH_ORDER, removed: false };
    return ctx.channelManager.commands.cancel(id);
  }
}

/** The lines of an order that came without them (a list's summary): its full record through the order loader. */
async function fullItems(order: Order, ctx: GatewayContext): Promise<OrderItem[]> {
  const full = await ctx.access.ticketOrder(await ctx.channelManager.loaders.orderById.load(order.id));
  return full ? (orderFromVendor(full).items ?? []) : [];
}
