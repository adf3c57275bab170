import { Field, ObjectType } from 'type-graphql';
import { UserError } from '../common/user-error.type.js';
import { SubscriptionOrder } from './subscription-order.type.js';

@ObjectType({ simpleResolvers: true, description: 'Result of submitSubscriptionOrder.' })
export class SubscriptionOrderPayload {
  @Field(() => SubscriptionOrder, {
    nullable: true,
    description:
      'The order placed (on a repeat with the same idempotencyKey: the order the first submission placed); null ' +
      'when none was placed (see `userErrors`).',
  })
  order!: SubscriptionOrder | null;

  @Field(() => [UserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: UserError[];
}
