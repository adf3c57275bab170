import { Field, ObjectType } from 'type-graphql';
import { UserError } from '../common/user-error.type.js';
import { CardOrder } from './card-order.type.js';

@ObjectType({ simpleResolvers: true, description: 'Result of createCardOrder.' })
export class CardOrderPayload {
  @Field(() => CardOrder, {
    nullable: true,
    description: 'The order as it now stands; null when it was not placed (see `userErrors`).',
  })
  cardOrder!: CardOrder | null;

  @Field(() => [UserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: UserError[];
}
