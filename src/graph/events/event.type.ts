import { Field, ID, InterfaceType, ObjectType } from 'type-graphql';
import type { GatewayContext } from '../../context.js';
import { Vendor } from '../common/vendor.enum.js';

/**
 * One event of the inbox. `context` is not a field: a subscription sets it to a context made for this one event,
 * and the field resolvers use it instead of the subscription's (see `LiveEvents.freshContext`).
 */
@InterfaceType('Event', {
  description:
    "A change to an object of the graph, as the gateway's event inbox holds it: vendor webhooks and the gateway's " +
    'own mutations, each once, in the order the gateway received them.',
  resolveType: (value: GatewayEvent) => resolveEventType(value),
})
export class GatewayEvent {
  @Field(() => ID, {
    description:
      "The event's id as its sender gave it (PartnerPortal's `evt_…`; `gw_evt_…` for changes made through the " +
      "gateway's own mutations). Also its cursor: pass it as `after` to continue after this event.",
  })
  id!: string;

  @Field({ description: 'What happened: `order.created`, `order.updated` or `partner.updated`.' })
  type!: string;

  @Field(() => Date, { description: "When it happened, by the sender's clock (not when it was received)." })
  createdAt!: Date;

  /** The operation context for this event's object; undefined for `Query.events` (the request's own serves). */
  context?: GatewayContext;
}

/** `order` is resolved by `OrderEventResolver`, through the vendor the event came from. */
@ObjectType({
  simpleResolvers: true,
  implements: GatewayEvent,
  description:
    'A portal order (PartnerPortal) or a ticket order (Channel Manager) was created or changed. The flat fields ' +
    'are what the event itself says; `order` is the order as it is now.',
})
export class OrderEvent extends GatewayEvent {
  @Field(() => ID, { description: "The order's id at its vendor (`ord_…` at PartnerPortal, an orderId)." })
  orderId!: string;

  @Field(() => String, {
    nullable: true,
    description:
      "The order's status the event reports, upper case (`PENDING`, `SHIPPED`, `ISSUED`, `CANCELLED`, `REMOVED` " +
      'for a draft that was deleted, …); null when the event carries none.',
  })
  status!: string | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'The PartnerPortal partner the order belongs to (for a ticket order, the partner linked to its Channel ' +
      'Manager partner); null when unknown.',
  })
  partnerId!: string | null;

  @Field(() => Vendor, { description: 'Where the order lives: PARTNER_PORTAL or CHANNEL_MANAGER.' })
  vendor!: Vendor;
}

/** `partner` is resolved by `PartnerEventResolver` through the PartnerPortal partner loader. */
@ObjectType({
  simpleResolvers: true,
  implements: GatewayEvent,
  description: 'A PartnerPortal partner was changed.',
})
export class PartnerEvent extends GatewayEvent {
  @Field(() => ID, {
    nullable: true,
    description: "The partner's PartnerPortal id (`ptn_…`); null when the event names none.",
  })
  partnerId!: string | null;
}

/** Which event type an inbox event is (the class tells). */
export function resolveEventType(value: unknown): 'OrderEvent' | 'PartnerEvent' {
  return value instanceof OrderEvent ? 'OrderEvent' : 'PartnerEvent';
}
