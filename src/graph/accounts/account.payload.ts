import { Field, ObjectType } from 'type-graphql';
import { UserError } from '../common/user-error.type.js';
import { Account } from './account.type.js';

@ObjectType({ simpleResolvers: true, description: 'Result of linking or unlinking a ticket.' })
export class AccountPayload {
  @Field(() => Account, {
    nullable: true,
    description:
      'The account as it now stands, with its tickets; null when the mutation could not act on it.',
  })
  account!: Account | null;

  @Field(() => [UserError], { description: 'Problems with the arguments or the account; empty on success.' })
  userErrors!: UserError[];
}
