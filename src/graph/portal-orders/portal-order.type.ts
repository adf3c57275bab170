import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Money } from '../common/money.type.js';
import { PortalOrderStatus } from './portal-order-status.enum.js';

/** `product` is resolved by `PortalOrderLineResolver` through the per-request product loader. */
@ObjectType({
  simpleResolvers: true,
  description: 'One line of a portal order, priced when the order was created.',
})
export class PortalOrderLine {
  @Field({ description: "The product's sku when the order was created (for tickets, the item number)." })
  sku!: string;

  @Field({ description: "The product's name when the order was created." })
  name!: string;

  @Field(() => Int, { description: 'Number of units.' })
  quantity!: number;

  @Field(() => Money, { description: 'Price of one unit, VAT included, after volume tiers.' })
  unitPrice!: Money;

  @Field(() => Money, { description: '`unitPrice` × `quantity`.' })
  lineTotal!: Money;

  /** Resolved to a Product by the line resolver; not a field itself. */
  productId!: string;
}

/** `partner` is resolved by `PortalOrderResolver` through the per-request partner loader. */
@ObjectType({
  simpleResolvers: true,
  description: 'An order pushed to PartnerPortal for a partner, tracked through its fulfilment.',
})
@Directive('@key(fields: "id")')
export class PortalOrder {
  @Field(() => ID, { description: "PartnerPortal's order id (`ord_…`)." })
  id!: string;

  @Field({ description: 'Our own reference for the order, unique per partner.' })
  externalReference!: string;

  @Field(() => PortalOrderStatus, { description: 'Where the order is in its fulfilment.' })
  status!: PortalOrderStatus;

  @Field(() => [PortalOrderLine], { description: 'The order lines, as priced at creation.' })
  lines!: PortalOrderLine[];

  @Field(() => Money, { description: 'Sum of the line totals.' })
  total!: Money;

  @Field(() => Date, { description: 'When PartnerPortal received the order.' })
  createdAt!: Date;

  @Field(() => Date, { description: 'When the order last changed (its status).' })
  updatedAt!: Date;

  /** Resolved to a Partner by the order resolver; not a field itself. */
  partnerId!: string;
}
