import { Field, ID, ObjectType } from 'type-graphql';
import { SubscriptionOrderStatus } from './subscription-order-status.enum.js';

@ObjectType({
  simpleResolvers: true,
  description: 'A subscription order placed with Partner Orders: one new subscription.',
})
export class SubscriptionOrder {
  @Field(() => ID, { description: "Partner Orders' id of the order (`order-…`)." })
  id!: string;

  @Field({ description: "Partner Orders' human-readable order reference (12 letters and digits)." })
  orderReference!: string;

  @Field(() => SubscriptionOrderStatus, { description: 'Where the order stands with the billing provider.' })
  status!: SubscriptionOrderStatus;

  @Field(() => String, {
    nullable: true,
    description: 'Your `externalId`, as sent; null when none was given.',
  })
  externalId!: string | null;

  @Field({ description: 'The subscription this order created (12 letters and digits); a new one per order.' })
  subscriptionReference!: string;

  @Field({
    description:
      "Partner Orders' identity of the customer (`id-…`), the same for every order with that email.",
  })
  owner!: string;
}
