import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../../context.js';
import { CLAIM_KIND, ClaimConflictError } from '../../store/partner-claims.js';
import type { PartnerLinksChange } from '../../store/partner-links.js';
import {
  connectionFromVendor,
  linksFromRow,
  partnerFromVendor,
  partnerRequestFromInput,
  partnerUpdateFromInput,
  portalOrderFromVendor,
} from '../../vendors/partnerportal/mappers.js';
import { emptyConnection, pageOfList } from '../common/connection.js';
import type { Connection } from '../common/connection.js';
import { UserErrorCode, userError } from '../common/user-error.type.js';
import type { UserError } from '../common/user-error.type.js';
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

/** Oldest first, as PartnerPortal lists them; ties broken by id so cursors are stable. */
const partnerKey = (partner: Partner): string => `${partner.createdAt.toISOString()}|${partner.id}`;

/** The answer to a partner id the key may not see: the same as for an id PartnerPortal does not know. */
const NO_SUCH_PARTNER: PartnerPayload = {
  partner: null,
  userErrors: [userError(UserErrorCode.NOT_FOUND, 'No partner with this id exists.', ['id'])],
};

/**
 * National Express accounts for `linkPartner`: each must exist and belong to no other partner. Problems as
 * user errors at `links.nationalExpressAccountIds.<index>`.
 */
async function accountProblems(ctx: GatewayContext, partnerId: string, ids: string[]): Promise<UserError[]> {
  const [accounts, owners] = await Promise.all([
    ctx.nationalExpress.loaders.accountById.loadMany(ids),
    ctx.store.claims.owners(CLAIM_KIND.nationalExpressAccount, ids),
  ]);
  const problems: UserError[] = [];
  for (const [index, id] of ids.entries()) {
    const account = accounts[index];
    if (account instanceof Error) throw account;
    const path = ['links', 'nationalExpressAccountIds', String(index)];
    if (!account) {
      problems.push(
        userError(UserErrorCode.NOT_FOUND, 'No National Express account with this id exists.', path),
      );
    } else if (owners.has(id) && owners.get(id) !== partnerId) {
      problems.push(
        userError(UserErrorCode.DUPLICATE, 'This National Express account belongs to another partner.', path),
      );
    }
  }
  return problems;
}

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
    description:
      'A partner by its PartnerPortal id; null when there is none or when the API key may not see this partner.',
  })
  async partner(
    @Arg('id', () => ID, { description: "PartnerPortal's partner id (`ptn_…`)." }) id: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<Partner | null> {
    // A partner the key may not see is not even asked for: the answer is the same as for a missing one.
    if (!ctx.access.mayUsePartner(id)) return null;
    const partner = await ctx.partnerPortal.loaders.partnerById.load(id);
    return partner ? partnerFromVendor(partner) : null;
  }

  @Query(() => PartnerConnection, {
    nullable: true,
    description:
      'All partners at PartnerPortal, oldest first. One vendor call per page. A key bound to partners lists ' +
      'only its own. Null, with an UPSTREAM_UNAVAILABLE error at this field, while PartnerPortal cannot answer.',
  })
  async partners(
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 0 to 100 (default 20).' })
    first: number | undefined,
    @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after.' })
    after: string | undefined,
    @Ctx() ctx: GatewayContext,
  ): Promise<Connection<Partner>> {
    const bound = ctx.access.partnerIds;
    if (bound) {
      // A bound key's partners are known by id: one batched read, no walk through everybody else's.
      const found = await ctx.partnerPortal.loaders.partnerById.loadMany(bound);
      const partners = found.map((partner) => {
        if (partner instanceof Error) throw partner;
        return partner ? partnerFromVendor(partner) : null;
      });
      const keyed = partners
        .filter((partner): partner is Partner => partner !== null)
        .map((partner) => ({ key: partnerKey(partner), partner }));
      keyed.sort((a, b) => (a.key < b.key ? -1 : 1));
      return pageOfList(
        keyed,
        (entry) => entry.key,
        (entry) => entry.partner,
        first,
        after,
        (cursor, entry) => (entry.key > cursor ? -1 : 1),
      );
    }
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
    if (!ctx.access.mayUsePartner(partner.id)) return linksFromRow(null);
    const [row, accounts] = await Promise.all([
      ctx.partnerPortal.loaders.linksByPartnerId.load(partner.id),
      ctx.access.accountIdsOf(partner.id),
    ]);
    return linksFromRow(row, accounts);
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
    const links = ctx.access.mayUsePartner(partner.id)
      ? linksFromRow(await ctx.partnerPortal.loaders.linksByPartnerId.load(partner.id))
      : linksFromRow(null);
    // Still checks first and after, so a bad argument is refused whether or not the partner is linked.
    if (links.channelManagerPartnerId === null) return emptyConnection<Order>(first, after);
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
    if (!ctx.access.mayUsePartner(partner.id)) return emptyConnection<PortalOrder>(first, after);
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
      'existing partner (also after a lost response); with other content it is a DUPLICATE user error. Only a ' +
      'key for all partners may create partners (FORBIDDEN otherwise).',
  })
  async createPartner(
    @Arg('input', () => PartnerInput, { description: 'The partner.' }) input: PartnerInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<PartnerPayload> {
    // A bound key could never see the partner it made.
    ctx.access.requireAllPartners('create partners');
    const problems = await validateInput('input', input);
    if (problems.length > 0) return { partner: null, userErrors: problems };
    return ctx.partnerPortal.partners.create(partnerRequestFromInput(input));
  }

  @Mutation(() => PartnerPayload, {
    description:
      "Changes a partner's name, email or phone. Omitted fields stay; null clears email or phone. Safe to retry. " +
      'A partner the key may not see is NOT_FOUND, as a missing one.',
  })
  async updatePartner(
    @Arg('id', () => ID, { description: "PartnerPortal's partner id." }) id: string,
    @Arg('input', () => PartnerUpdateInput, { description: 'The changes.' }) input: PartnerUpdateInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<PartnerPayload> {
    const problems = await validateInput('input', input);
    if (problems.length > 0) return { partner: null, userErrors: problems };
    if (!ctx.access.mayUsePartner(id)) return NO_SUCH_PARTNER;
    return ctx.partnerPortal.partners.update(id, partnerUpdateFromInput(input));
  }

  @Mutation(() => PartnerPayload, {
    description:
      "Links a partner to its ids at other vendors (the gateway's own data), e.g. its Channel Manager partnerId, " +
      'which makes `ticketOrders` its ticket orders, and its National Express accounts. Answers the partner with ' +
      'its new links. Links decide what a key bound to partners sees, so only a key for all partners may change ' +
      'them (FORBIDDEN otherwise).',
  })
  async linkPartner(
    @Arg('id', () => ID, { description: "PartnerPortal's partner id." }) id: string,
    @Arg('links', () => PartnerLinksInput, { description: 'The links to set or remove.' })
    links: PartnerLinksInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<PartnerPayload> {
    // Links decide which data a bound key sees: only a key for all partners may change them.
    ctx.access.requireAllPartners('change partner links');
    const problems = await validateInput('links', links);
    if (problems.length > 0) return { partner: null, userErrors: problems };
    const accounts = links.nationalExpressAccountIds ?? undefined;
    if (accounts) {
      const accountErrors = await accountProblems(ctx, id, accounts);
      if (accountErrors.length > 0) return { partner: null, userErrors: accountErrors };
    }
    const outcome = await ctx.partnerPortal.partners.link(id, linksChangeFromInput(links));
    if (!outcome.partner || !accounts) return outcome;
    try {
      await ctx.store.claims.replace(CLAIM_KIND.nationalExpressAccount, id, accounts);
    } catch (error) {
      if (!(error instanceof ClaimConflictError)) throw error;
      // Lost a race with a concurrent assignment of the same account.
      const index = accounts.indexOf(error.objectId);
      return {
        partner: null,
        userErrors: [
          userError(UserErrorCode.DUPLICATE, 'This National Express account belongs to another partner.', [
            'links',
            'nationalExpressAccountIds',
            String(index),
          ]),
        ],
      };
    }
    return outcome;
  }
}
