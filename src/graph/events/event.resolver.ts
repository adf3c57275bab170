import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import type { GatewayContext } from '../../context.js';
import { BadUserInputError } from '../../errors/gateway-errors.js';
import { latestSeq } from '../../events/live-subscriptions.js';
import type { EventSubject, WebhookInbox } from '../../store/webhook-inbox.js';
import { orderFromVendor } from '../../vendors/navipartner/mappers.js';
import { partnerFromVendor, portalOrderFromVendor } from '../../vendors/partnerportal/mappers.js';
import type { Connection } from '../common/connection.js';
import { pageSize } from '../common/connection.js';
import { Vendor } from '../common/vendor.enum.js';
import type { Order } from '../orders/order.type.js';
import { Partner } from '../partners/partner.type.js';
import type { PortalOrder } from '../portal-orders/portal-order.type.js';
import type { SubscriptionContext } from './event-context.js';
import { EventConnection } from './event-connection.type.js';
import { eventFromRow } from './event-from-row.js';
import { EventOrder } from './event-order.union.js';
import { GatewayEvent, OrderEvent, PartnerEvent } from './event.type.js';

interface SubscriptionArgs {
  partnerId?: string | null;
  after?: string | null;
}

const OVER_WEBSOCKET = 'Subscriptions are served over graphql-ws (WebSocket) on /graphql, not over HTTP.';

/** Over HTTP a subscription field is merely executed once, with no event: say where subscriptions live. */
function delivered<T extends GatewayEvent>(event: T | undefined): T {
  if (!event) throw new BadUserInputError(OVER_WEBSOCKET);
  return event;
}

/** An event id as a position in the inbox; an id the inbox does not hold is the client's mistake. */
async function seqOfCursor(inbox: WebhookInbox, after: string): Promise<string> {
  const seq = await inbox.seqOf(after);
  if (seq === undefined) {
    throw new BadUserInputError(`after: no event with id ${JSON.stringify(after)} is stored.`, 'after');
  }
  return seq;
}

/**
 * The stream behind a subscription: replay after `after` (or start from now), then live. Each event gets its
 * own context, so its object is read fresh however long the subscription has been open.
 */
async function liveEvents(
  { args, context }: SubscribeResolverData<unknown, SubscriptionArgs, SubscriptionContext>,
  subject: EventSubject,
): Promise<AsyncIterable<GatewayEvent>> {
  const { live, store } = context;
  if (!live) {
    throw new BadUserInputError(OVER_WEBSOCKET);
  }
  const afterSeq = args.after ? await seqOfCursor(store.inbox, args.after) : await latestSeq(store.db);
  const partnerIds = context.access.partnerIds;
  return live.subscriptions.stream(
    {
      subject,
      afterSeq,
      ...(args.partnerId ? { partnerId: args.partnerId } : {}),
      // A bound key hears only of its partners (a partnerId of another partner: nothing at all).
      ...(partnerIds ? { partnerIds } : {}),
    },
    (row) => eventFromRow(row, live.freshContext()),
  );
}

const PARTNER_ID_ARG = {
  nullable: true,
  description:
    'Only events about this PartnerPortal partner (`ptn_…`); all partners when omitted. A key bound to partners ' +
    'hears only of its own partners, whatever is given here.',
} as const;
const AFTER_ARG = {
  nullable: true,
  description:
    'Resume after this event id: the stored events after it are replayed in order, then new ones follow. ' +
    'Without it, only events from now on.',
} as const;

@Resolver(() => GatewayEvent)
export class EventResolver {
  @Query(() => EventConnection, {
    description:
      "The gateway's events, oldest first: PartnerPortal webhooks and ticket-order changes made through the " +
      'gateway. Events superseded by a newer one about the same order are left out. A key bound to partners ' +
      'sees only events about its partners.',
  })
  async events(
    @Arg('after', () => String, { nullable: true, description: 'An event id; the page starts after it.' })
    after: string | undefined,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 0 to 100 (default 20).' })
    first: number | undefined,
    @Ctx() ctx: GatewayContext,
  ): Promise<Connection<GatewayEvent>> {
    const size = pageSize(first);
    const { inbox } = ctx.store;
    const afterSeq = after ? await seqOfCursor(inbox, after) : undefined;
    const partnerIds = ctx.access.partnerIds;
    const mine = partnerIds ? { partnerIds } : {};
    const [rows, totalCount] = await Promise.all([
      // One more than asked tells whether another page follows.
      inbox.list({ ...(afterSeq === undefined ? {} : { afterSeq }), ...mine, limit: size + 1 }),
      inbox.count(mine),
    ]);
    const nodes = rows.slice(0, size).map((row) => eventFromRow(row));
    const edges = nodes.map((node) => ({ cursor: node.id, node }));
    return {
      nodes,
      edges,
      pageInfo: {
        hasNextPage: rows.length > size,
        hasPreviousPage: afterSeq !== undefined,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
      totalCount,
    };
  }

  @Subscription(() => OrderEvent, {
    description:
      'Portal orders (PartnerPortal webhooks) and ticket orders (changed through this gateway) as they are ' +
      'created and change, over graphql-ws on /graphql. A status never moves backwards: an event older than ' +
      'one already published about the same order is left out. Resumable with `after`.',
    subscribe: (data: SubscribeResolverData<unknown, SubscriptionArgs, SubscriptionContext>) =>
      liveEvents(data, 'order'),
  })
  orderUpdated(
    @Root() event: OrderEvent | undefined,
    @Arg('partnerId', () => ID, PARTNER_ID_ARG) _partnerId: string | undefined,
    @Arg('after', () => String, AFTER_ARG) _after: string | undefined,
  ): OrderEvent {
    return delivered(event);
  }

  @Subscription(() => PartnerEvent, {
    description:
      'PartnerPortal partners as they change, over graphql-ws on /graphql. Resumable with `after`.',
    subscribe: (data: SubscribeResolverData<unknown, SubscriptionArgs, SubscriptionContext>) =>
      liveEvents(data, 'partner'),
  })
  partnerUpdated(
    @Root() event: PartnerEvent | undefined,
    @Arg('partnerId', () => ID, PARTNER_ID_ARG) _partnerId: string | undefined,
    @Arg('after', () => String, AFTER_ARG) _after: string | undefined,
  ): PartnerEvent {
    return delivered(event);
  }
}

@Resolver(() => OrderEvent)
export class OrderEventResolver {
  @FieldResolver(() => EventOrder, {
    nullable: true,
    description:
      'The order as it is now at its vendor (not as it was when the event happened); null when it no longer ' +
      'exists.',
  })
  async order(@Root() event: OrderEvent, @Ctx() ctx: GatewayContext): Promise<Order | PortalOrder | null> {
    const context = event.context ?? ctx;
    if (event.vendor === Vendor.PARTNER_PORTAL) {
      const order = await context.partnerPortal.loaders.orderById.load(event.orderId);
      return context.access.portalOrder(order ? portalOrderFromVendor(order) : null);
    }
    if (event.vendor === Vendor.CHANNEL_MANAGER) {
      const order = await context.channelManager.loaders.orderById.load(event.orderId);
      return context.access.ticketOrder(order ? orderFromVendor(order) : null);
    }
    return null;
  }
}

@Resolver(() => PartnerEvent)
export class PartnerEventResolver {
  @FieldResolver(() => Partner, {
    nullable: true,
    description: 'The partner as it is now at PartnerPortal; null when it no longer exists.',
  })
  async partner(@Root() event: PartnerEvent, @Ctx() ctx: GatewayContext): Promise<Partner | null> {
    const context = event.context ?? ctx;
    if (!event.partnerId || !context.access.mayUsePartner(event.partnerId)) return null;
    const partner = await context.partnerPortal.loaders.partnerById.load(event.partnerId);
    return partner ? partnerFromVendor(partner) : null;
  }
}
