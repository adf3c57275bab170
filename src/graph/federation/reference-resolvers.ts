import type { GatewayContext } from '../../context.js';
import { accountFromVendor } from '../../vendors/nationalexpress/mappers.js';
import { orderFromVendor } from '../../vendors/navipartner/mappers.js';
import { cardOrderFromNfcTagify } from '../../vendors/nfctagify/mappers.js';
import { partnerFromVendor, portalOrderFromVendor } from '../../vendors/partnerportal/mappers.js';
import type { Account } from '../accounts/account.type.js';
import type { CardOrder } from '../card-orders/card-order.type.js';
import type { Order } from '../orders/order.type.js';
import type { Partner } from '../partners/partner.type.js';
import type { PortalOrder } from '../portal-orders/portal-order.type.js';
import type { Product } from '../products/product.type.js';

/** What a router sends for an entity of ours: every key is `@key(fields: "id")`. */
interface Reference {
  id: string;
}

type ReferenceResolver<T> = (reference: Reference, ctx: GatewayContext) => Promise<T | null>;

/**
 * `__resolveReference` for every entity, through the same per-request loaders and the same access rules as the
 * root queries (an entity the key may not see resolves to null, as a missing one): the
 * representations of one `_entities` call are loaded together, so five partners are one vendor call, not five.
 */
export const referenceResolvers: Record<string, { __resolveReference: ReferenceResolver<unknown> }> = {
  Partner: {
    __resolveReference: (async ({ id }, ctx) => {
      if (!ctx.access.mayUsePartner(id)) return null;
      const partner = await ctx.partnerPortal.loaders.partnerById.load(id);
      return partner ? partnerFromVendor(partner) : null;
    }) satisfies ReferenceResolver<Partner>,
  },
  Order: {
    __resolveReference: (async ({ id }, ctx) => {
      const order = await ctx.channelManager.loaders.orderById.load(id);
      return ctx.access.ticketOrder(order ? orderFromVendor(order) : null);
    }) satisfies ReferenceResolver<Order>,
  },
  Product: {
    __resolveReference: (({ id }, ctx) => ctx.products.byId(id)) satisfies ReferenceResolver<Product>,
  },
  Account: {
    __resolveReference: (async ({ id }, ctx) => {
      if (!(await ctx.access.mayUseAccount(id))) return null;
      const account = await ctx.nationalExpress.loaders.accountById.load(id);
      return account ? accountFromVendor(account) : null;
    }) satisfies ReferenceResolver<Account>,
  },
  CardOrder: {
    __resolveReference: (async ({ id }, ctx) => {
      const order = await ctx.nfcTagify.loaders.orderById.load(id);
      return ctx.access.cardOrder(order ? cardOrderFromNfcTagify(order) : null);
    }) satisfies ReferenceResolver<CardOrder>,
  },
  PortalOrder: {
    __resolveReference: (async ({ id }, ctx) => {
      const order = await ctx.partnerPortal.loaders.orderById.load(id);
      return ctx.access.portalOrder(order ? portalOrderFromVendor(order) : null);
    }) satisfies ReferenceResolver<PortalOrder>,
  },
};
