import { Directive, Field, ID, ObjectType } from 'type-graphql';

@ObjectType({
  simpleResolvers: true,
  description: "Which other vendors' ids belong to a partner (kept by the gateway, not a vendor).",
})
export class PartnerLinks {
  @Field(() => ID, {
    nullable: true,
    description:
      "The partner's Channel Manager partnerId, whose ticket orders are the partner's; null when unlinked.",
  })
  channelManagerPartnerId!: string | null;

  @Field(() => [ID], {
    description:
      'The National Express accounts that belong to the partner (National Express names no partner itself): ' +
      'a key bound to the partner sees exactly these accounts. Empty when none.',
  })
  nationalExpressAccountIds!: string[];
}

/**
 * A partner as PartnerPortal keeps it. `links`, `ticketOrders` and `portalOrders` are resolved by
 * `PartnerResolver` through per-request loaders, only when selected.
 */
@ObjectType({
  simpleResolvers: true,
  description:
    'A partner (reseller, travel agent, school…) at PartnerPortal, leading to its ticket orders and portal orders.',
})
@Directive('@key(fields: "id")')
export class Partner {
  @Field(() => ID, { description: "PartnerPortal's partner id (`ptn_…`)." })
  id!: string;

  @Field({ description: 'Our own key for the partner: unique at PartnerPortal and immutable.' })
  externalId!: string;

  @Field({ description: 'Display name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Contact email; null when there is none.' })
  email!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Contact phone, as it was given (not normalised); null when there is none.',
  })
  phone!: string | null;

  @Field(() => Date, { description: 'When the partner was created at PartnerPortal.' })
  createdAt!: Date;

  @Field(() => Date, { description: 'When the partner last changed at PartnerPortal.' })
  updatedAt!: Date;
}
