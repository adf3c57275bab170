import { Field, ObjectType } from 'type-graphql';
import { UserError } from '../common/user-error.type.js';
import { Order } from './order.type.js';

@ObjectType({ simpleResolvers: true, description: 'Result of a ticket-order mutation.' })
export class OrderPayload {
  @Field(() => Order, {
    nullable: true,
    description: 'The order as it now stands; null when the mutation could not act on one.',
  })
  order!: Order | null;

  @Field(() => [UserError], { description: 'Problems with the input or the order state; empty on success.' })
  userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true, description: 'Result of cancelOrder.' })
export class CancelOrderPayload {
  @Field(() => Order, {
    nullable: true,
    description: 'The cancelled order (status CANCELLED); null when the order was removed or not found.',
  })
  order!: Order | null;

  @Field({ description: 'True when a DRAFT or ERROR order was removed outright (it no longer exists).' })
  removed!: boolean;

  @Field(() => [UserError], { description: 'Problems with the request; empty on success.' })
  userErrors!: UserError[];
}
