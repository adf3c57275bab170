import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../../context.js';
import {
  partnerFromVendor,
  portalOrderFromVendor,
  portalOrderRequestFromInput,
  productFromPartnerPortal,
} from '../../vendors/partnerportal/mappers.js';
import { validateInput } from '../common/validate-input.js';
import { Partner } from '../partners/partner.type.js';
import { Product } from '../products/product.type.js';
import { PortalOrderInput } from './portal-order.input.js';
import { PortalOrderPayload } from './portal-order.payload.js';
import { PortalOrder, PortalOrderLine } from './portal-order.type.js';

@Resolver(() => PortalOrder)
export class PortalOrderResolver {
  @Query(() => PortalOrder, {
    nullable: true,
    description:
      "A portal order by its PartnerPortal id; null when there is none or when the API key may not see the order's partner.",
  })
  async portalOrder(
    @Arg('id', () => ID, { description: "PartnerPortal's order id (`ord_…`)." }) id: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<PortalOrder | null> {
    const order = await ctx.partnerPortal.loaders.orderById.load(id);
    return ctx.access.portalOrder(order ? portalOrderFromVendor(order) : null);
  }

  @FieldResolver(() => Partner, {
    nullable: true,
    description: 'The partner the order is for (batched with every other partner of the answer).',
  })
  async partner(@Root() order: PortalOrder, @Ctx() ctx: GatewayContext): Promise<Partner | null> {
    if (!ctx.access.mayUsePartner(order.partnerId)) return null;
    const partner = await ctx.partnerPortal.loaders.partnerById.load(order.partnerId);
    return partner ? partnerFromVendor(partner) : null;
  }

  @Mutation(() => PortalOrderPayload, {
    description:
      'Pushes an order to PartnerPortal (status PENDING, lines priced with volume tiers). Safe to retry: the same ' +
      'partnerId + externalReference with the same lines answers the existing order (also after a lost response); ' +
      'with other lines it is a DUPLICATE user error. A partnerId the API key is not bound to is FORBIDDEN.',
  })
  async createPortalOrder(
    @Arg('input', () => PortalOrderInput, { description: 'The order.' }) input: PortalOrderInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<PortalOrderPayload> {
    const problems = await validateInput('input', input);
    if (problems.length > 0) return { portalOrder: null, userErrors: problems };
    ctx.access.requirePartner(input.partnerId, 'input.partnerId');
    return ctx.partnerPortal.portalOrders.create(portalOrderRequestFromInput(input));
  }
}

@Resolver(() => PortalOrderLine)
export class PortalOrderLineResolver {
  @FieldResolver(() => Product, {
    nullable: true,
    description: 'The catalogue product as it is now (batched with every other product of the answer).',
  })
  async product(@Root() line: PortalOrderLine, @Ctx() ctx: GatewayContext): Promise<Product | null> {
    const product = await ctx.partnerPortal.loaders.productById.load(line.productId);
    return product ? productFromPartnerPortal(product) : null;
  }
}
