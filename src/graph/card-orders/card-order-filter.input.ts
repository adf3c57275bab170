import { Field, InputType } from 'type-graphql';
import { CardOrderStatus } from './card-order-status.enum.js';

@InputType({ description: 'Narrows the card orders; all given conditions must hold.' })
export class CardOrderFilter {
  @Field(() => CardOrderStatus, { nullable: true, description: 'Only orders in this status now.' })
  status?: CardOrderStatus;

  @Field(() => Date, { nullable: true, description: 'Only orders created at or after this instant.' })
  createdFrom?: Date;

  @Field(() => Date, { nullable: true, description: 'Only orders created at or before this instant.' })
  createdTo?: Date;

  @Field({
    nullable: true,
    description: 'Only orders with exactly this customer reference (case-sensitive).',
  })
  customerReference?: string;
}
