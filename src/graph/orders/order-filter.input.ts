import { Field, InputType } from 'type-graphql';
import { OrderStatus } from './order-status.enum.js';

@InputType({ description: "Narrows a partner's ticket orders; all given conditions must hold." })
export class OrderFilter {
  @Field(() => OrderStatus, { nullable: true, description: 'Only orders in this status.' })
  status?: OrderStatus;

  @Field({ nullable: true, description: 'Only the order with this sales-channel reference.' })
  sellToOrderReference?: string;

  @Field(() => Date, { nullable: true, description: 'Only orders received at or after this instant.' })
  receivedAtFrom?: Date;

  @Field(() => Date, { nullable: true, description: 'Only orders received at or before this instant.' })
  receivedAtTo?: Date;
}
