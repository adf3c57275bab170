import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../../context.js';
import { partnerFromVendor } from '../../vendors/partnerportal/mappers.js';
import { Partner } from '../partners/partner.type.js';
import { Product } from '../products/product.type.js';
import { Order, OrderItem, Ticket } from './order.type.js';

/**
 * Where a ticket order meets the other vendors: its partner (through the gateway's own partner links) and its
 * catalogue products (Channel Manager item numbers are PartnerPortal skus). Every hop is a per-request loader,
 * so a page of orders costs one link query, one partner call and one product call, however many repeat.
 */
@Resolver(() => Order)
export class OrderRelationsResolver {
  @FieldResolver(() => Partner, {
    nullable: true,
    description:
      'The partner the order belongs to; null when its Channel Manager partner is linked to no partner (or to ' +
      'one the API key may not see).',
  })
  async partner(@Root() order: Order, @Ctx() ctx: GatewayContext): Promise<Partner | null> {
    const { loaders } = ctx.partnerPortal;
    const partnerId = await loaders.partnerIdByChannelManagerId.load(order.partnerId);
    if (!partnerId || !ctx.access.mayUsePartner(partnerId)) return null;
    const partner = await loaders.partnerById.load(partnerId);
    return partner ? partnerFromVendor(partner) : null;
  }
}

@Resolver(() => OrderItem)
export class OrderItemRelationsResolver {
  @FieldResolver(() => Product, {
    nullable: true,
    description:
      'The catalogue product of this line (its item number as a PartnerPortal sku); null when none.',
  })
  product(@Root() item: OrderItem, @Ctx() ctx: GatewayContext): Product | null | Promise<Product | null> {
    return ctx.products.bySku(item.itemNumber);
  }
}

@Resolver(() => Ticket)
export class TicketRelationsResolver {
  @FieldResolver(() => Product, {
    nullable: true,
    description: 'The catalogue product this ticket admits to; null when the catalogue has no such item.',
  })
  product(@Root() ticket: Ticket, @Ctx() ctx: GatewayContext): Product | null | Promise<Product | null> {
    return ctx.products.bySku(ticket.itemNumber);
  }
}
