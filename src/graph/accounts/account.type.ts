import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { ACCOUNT_STATUS_HELP } from './account-status.enum.js';

/**
 * A customer account at National Express. `tickets` is resolved by `AccountResolver` through the per-request
 * loaders, only when selected.
 */
@ObjectType({
  simpleResolvers: true,
  description: 'A National Express customer account, leading to the tickets linked to it.',
})
@Directive('@key(fields: "id")')
export class Account {
  @Field(() => ID, { description: "National Express's account id (`NXA-` and six digits)." })
  id!: string;

  @Field({ description: 'Email address, in lower case.' })
  email!: string;

  @Field({
    description: 'How to greet the customer: the name they chose, or else first and last name.',
  })
  name!: string;

  @Field({ description: `Status of the account: ${ACCOUNT_STATUS_HELP}` })
  status!: string;

  @Field({ description: 'First name.' })
  firstName!: string;

  @Field({ description: 'Last name.' })
  lastName!: string;

  @Field(() => Date, { description: 'When the account was created at National Express.' })
  createdAt!: Date;

  @Field(() => Date, {
    description: 'When the account last changed, linking and unlinking tickets included.',
  })
  updatedAt!: Date;

  @Field(() => Int, { description: 'How many tickets are linked to the account.' })
  linkedTicketCount!: number;
}
