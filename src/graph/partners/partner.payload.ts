import { Field, ObjectType } from 'type-graphql';
import { UserError } from '../common/user-error.type.js';
import { Partner } from './partner.type.js';

@ObjectType({ simpleResolvers: true, description: 'Result of a partner mutation.' })
export class PartnerPayload {
  @Field(() => Partner, {
    nullable: true,
    description: 'The partner as it now stands; null when the mutation could not act on one.',
  })
  partner!: Partner | null;

  @Field(() => [UserError], { description: 'Problems with the input or the partner; empty on success.' })
  userErrors!: UserError[];
}
