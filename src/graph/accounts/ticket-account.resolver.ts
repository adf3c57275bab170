import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../../context.js';
import { accountFromVendor } from '../../vendors/nationalexpress/mappers.js';
import { orderFromVendor } from '../../vendors/navipartner/mappers.js';
import { Order, Ticket } from '../orders/order.type.js';
import { Account } from './account.type.js';

/**
 * Where a ticket meets its order and its account. Both hops are per-request loaders: the tickets of a whole
 * answer cost one reverse lookup per 100 references, and the order one read per distinct order (usually
 * already loaded, since the ticket was reached through it).
 */
@Resolver(() => Ticket)
export class TicketAccountResolver {
  @FieldResolver(() => Order, {
    nullable: true,
    description:
      'The Channel Manager order the ticket was issued in, for a ticket reached through its order. Null for a ' +
      'ticket reached through a National Express account: the Channel Manager has no lookup by ticket ' +
      'reference, and the gateway keeps no copy of its tickets.',
  })
  async order(@Root() ticket: Ticket, @Ctx() ctx: GatewayContext): Promise<Order | null> {
    if (!ticket.orderId) return null;
    const order = await ctx.access.ticketOrder(
      await ctx.channelManager.loaders.orderById.load(ticket.orderId),
    );
    return order ? orderFromVendor(order) : null;
  }

  @FieldResolver(() => Account, {
    nullable: true,
    description:
      'The National Express account the ticket is linked to; null when it is linked to none (or to one the API ' +
      'key may not see). One vendor call per 100 tickets of an answer.',
  })
  async account(@Root() ticket: Ticket, @Ctx() ctx: GatewayContext): Promise<Account | null> {
    const { loaders } = ctx.nationalExpress;
    const found = ticket.accountId
      ? await loaders.accountById.load(ticket.accountId)
      : await loaders.accountByTicketReference.load(ticket.referenceNumber);
    const account = found ? accountFromVendor(found) : null;
    return ctx.access.account(account);
  }
}
