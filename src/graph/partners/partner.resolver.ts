import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../../context.js';
import type { PartnerLinksChange } from '../../store/partner-links.js';
import {
  connectionFromVendor,
  linksFromRow,
  partnerFromVendor,
  partnerRequestFromInput,
  partnerUpdateFromInput,
  portalOrderFromVendor,
} from '../../vendors/partnerportal/mappers.js';
import { pageOfList } from '../common/connection.js';
import type { Connection } from '../common/connection.js';
import { validateInput } from '../common/validate-input.js';
import { OrderConnection } from '../orders/order-connection.type.js';
import { OrderFilter } from '../orders/order-filter.input.js';
import { ticketOrdersOfPartner } from '../orders/order.resolver.js';
import type { Order } from '../orders/order.type.js';
import { PortalOrderConnection } from '../portal-orders/portal-order-connection.type.js';
import type { PortalOrder } from '../portal-orders/portal-order.type.js';
import { PartnerConnection } from './partner-connection.type.js';
import { PartnerInput, PartnerLinksInput, PartnerUpdateInput } from './partner.input.js';
import { PartnerPayload } from './partner.payload.js';
import { Partner, PartnerLinks } from './partner.type.js';

/** An omitted link stays as it is, null removes it, a value sets it. */
function linksChangeFromInput(links: PartnerLinksInput): PartnerLinksChange {
  return links.channelManagerPartnerId === undefined
    ? {}
    : { channelManagerPartnerId: links.channelManagerPartnerId };
}

@Resolver(() => Partner)
export class PartnerResolver {
  @Query(() => Partner, {
    nullable: true,
    description: 'A partner by its PartnerPortal id; null when there is none.',
  })
  async partner(
    @Arg('id', () => ID, { description: "PartnerPortal's partner id (`ptn_…`)." }) id: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<Partner | null> {
    const partner = await ctx.partnerPortal.loaders.partnerById.load(id);
    return partner ? partnerFromVendor(partner) : null;
  }

  @Query(() => PartnerConnection, {
    nullable: true,
    description:
      'All partners at PartnerPortal, oldest first. One vendor call per page. Null, with an UPSTREAM_UNAVAILABLE ' +
      'error at this field, while PartnerPortal cannot answer.',
  })
  async partners(
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 0 to 100 (default 20).' })
    first: number | undefined,
    @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after.' })
    after: string | undefined,
    @Ctx() ctx: GatewayContext,
  ): Promise<Connection<Partner>> {
    return connectionFromVendor(
      'partners',
      first,
      after,
      (page) => ctx.partnerPortal.loaders.partnerPages.load(page),
      partnerFromVendor,
    );
  }

  @FieldResolver(() => PartnerLinks, {
    description: "The partner's links to other vendors (one store query for all partners of an answer).",
  })
  async links(@Root() partner: Partner, @Ctx() ctx: GatewayContext): Promise<PartnerLinks> {
    return linksFromRow(await ctx.partnerPortal.loaders.linksByPartnerId.load(partner.id));
  }

  @FieldResolver(() => OrderConnection, {
    nullable: true,
    description:
      "The partner's ticket orders at the Channel Manager, newest first, through `links.channelManagerPartnerId`; empty when unlinked. " +
      'Null, with an UPSTREAM_UNAVAILABLE error at this field, while the Channel Manager cannot answer: the partner stands.',
  })
  async ticketOrders(
    @Root() partner: Partner,
    @Arg('filter', () => OrderFilter, { nullable: true, description: 'Conditions the orders must meet.' })
    filter: OrderFilter | undefined,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 0 to 100 (default 20).' })
    first: number | undefined,
    @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after.' })
    after: string | undefined,
    @Ctx() ctx: GatewayContext,
  ): Promise<Connection<Order>> {
    const links = linksFromRow(await ctx.partnerPortal.loaders.linksByPartnerId.load(partner.id));
    if (links.channelManagerPartnerId === null) {
      // Still checks first and after, so a bad argument is refused whether or not the partner is linked.
      return pageOfList<Order, Order>(
        [],
        (order) => order.id,
        (order) => order,
        first,
        after,
        () => 1,
      );
    }
    return ticketOrdersOfPartner(ctx, links.channelManagerPartnerId, filter, first, after);
  }

  @FieldResolver(() => PortalOrderConnection, {
    nullable: true,
    description:
      "The partner's portal orders at PartnerPortal, oldest first. One vendor call per page. Null, with an " +
      'UPSTREAM_UNAVAILABLE error at this field, when that call fails: the partner stands.',
  })
  async portalOrders(
    @Root() partner: Partner,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 0 to 100 (default 20).' })
    first: number | undefined,
    @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after.' })
    after: string | undefined,
    @Ctx() ctx: GatewayContext,
  ): Promise<Connection<PortalOrder>> {
    return connectionFromVendor(
      `portal-orders/${partner.id}`,
      first,
      after,
      (page) => ctx.partnerPortal.loaders.ordersByPartner.load({ partnerId: partner.id, page }),
      portalOrderFromVendor,
    );
  }

  @Mutation(() => PartnerPayload, {
    description:
      'Creates a partner at PartnerPortal. Safe to retry: the same externalId with the same content answers the ' +
      'existing partner (also after a lost response); with other content it is a DUPLICATE user error.',
  })
  async createPartner(
    @Arg('input', () => PartnerInput, { description: 'The partner.' }) input: PartnerInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<PartnerPayload> {
    const problems = await validateInput('input', input);
    if (problems.length > 0) return { partner: null, userErrors: problems };
    return ctx.partnerPortal.partners.create(partnerRequestFromInput(input));
  }

  @Mutation(() => PartnerPayload, {
    description:
      "Changes a partner's name, email or phone. Omitted fields stay; null clears email or phone. Safe to retry.",
  })
  async updatePartner(
    @Arg('id', () => ID, { description: "PartnerPortal's partner id." }) id: string,
    @Arg('input', () => PartnerUpdateInput, { description: 'The changes.' }) input: PartnerUpdateInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<PartnerPayload> {
    const problems = await validateInput('input', input);
    if (problems.length > 0) return { partner: null, userErrors: problems };
    return ctx.partnerPortal.partners.update(id, partnerUpdateFromInput(input));
  }

  @Mutation(() => PartnerPayload, {
    description:
      "Links a partner to its ids at other vendors (the gateway's own data), e.g. its Channel Manager partnerId, " +
      'which makes `ticketOrders` its ticket orders. Answers the partner with its new links.',
  })
  async linkPartner(
    @Arg('id', () => ID, { description: "PartnerPortal's partner id." }) id: string,
    @Arg('links', () => PartnerLinksInput, { description: 'The links to set or remove.' })
    links: PartnerLinksInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<PartnerPayload> {
    const problems = await validateInput('links', links);
    if (problems.length > 0) return { partner: null, userErrors: problems };
    return ctx.partnerPortal.partners.link(id, linksChangeFromInput(links));
  }
}
