import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Money } from '../common/money.type.js';
import { CardOrderStatus } from './card-order-status.enum.js';
import { Shipping } from './shipping.type.js';

@ObjectType({ simpleResolvers: true, description: 'One line of a card order: a product and how many of it.' })
export class CardOrderLine {
  @Field(() => ID, { description: "NFC Tagify's id of the line (`li_…`)." })
  id!: string;

  @Field({ description: 'Product name as it stood when the order was placed.' })
  name!: string;

  @Field(() => Int, { description: 'Number of units (cards, stickers, …).' })
  quantity!: number;

  @Field(() => Money, {
    description: 'Price per unit, fixed when the order was placed (our price at the time).',
  })
  unitPrice!: Money;

  @Field(() => CardOrderStatus, {
    description: "The line's status; NFC Tagify keeps it equal to the order's.",
  })
  status!: CardOrderStatus;

  /** Resolved to `product` through the per-request catalogue loader. */
  productId!: string;
}

@ObjectType({
  simpleResolvers: true,
  description: 'An order of NFC cards (or stickers, fobs, wristbands) placed with NFC Tagify.',
})
@Directive('@key(fields: "id")')
export class CardOrder {
  @Field(() => ID, { description: "NFC Tagify's order id (`ord_…`)." })
  id!: string;

  @Field(() => CardOrderStatus, {
    description: 'Where the order is in fulfilment; moves on by itself over time.',
  })
  status!: CardOrderStatus;

  @Field({
    description:
      'Our own reference for the order, as given to `createCardOrder` (retries are matched on it).',
  })
  customerReference!: string;

  @Field(() => Int, { description: 'Number of units ordered.' })
  quantity!: number;

  @Field(() => Shipping, { description: 'Where the order is shipped.' })
  shipping!: Shipping;

  @Field(() => Date, { description: 'When NFC Tagify accepted the order (whole seconds).' })
  createdAt!: Date;

  @Field(() => Date, { description: 'When the order entered its current status.' })
  updatedAt!: Date;

  @Field(() => String, {
    nullable: true,
    description: "The carrier's tracking number, once DISPATCHED (kept when DELIVERED); null before.",
  })
  trackingNumber!: string | null;

  @Field(() => Money, { description: 'What the order costs: unit price × quantity over its lines.' })
  total!: Money;

  @Field(() => [CardOrderLine], { description: 'The order lines (NFC Tagify takes one product per order).' })
  lines!: CardOrderLine[];

  /** Resolved to `product` through the per-request catalogue loader. */
  productId!: string;
}
