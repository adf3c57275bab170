import { Field, ObjectType } from 'type-graphql';
import { UserError } from '../common/user-error.type.js';
import { PortalOrder } from './portal-order.type.js';

@ObjectType({ simpleResolvers: true, description: 'Result of a portal-order mutation.' })
export class PortalOrderPayload {
  @Field(() => PortalOrder, {
    nullable: true,
    description: 'The order as it now stands; null when the mutation could not act on one.',
  })
  portalOrder!: PortalOrder | null;

  @Field(() => [UserError], { description: 'Problems with the input or the order; empty on success.' })
  userErrors!: UserError[];
}
