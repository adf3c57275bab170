import { Field, InputType } from 'type-graphql';
import { ACCOUNT_STATUS_HELP } from './account-status.enum.js';

@InputType({ description: 'Narrows the National Express accounts; all given conditions must hold.' })
export class AccountFilter {
  @Field({
    nullable: true,
    description:
      'Only the account with this email address (exact, case-insensitive; at most 254 characters).',
  })
  email?: string;

  @Field({ nullable: true, description: `Only accounts in this status, one of: ${ACCOUNT_STATUS_HELP}` })
  status?: string;

  @Field({
    nullable: true,
    description:
      'Only accounts whose first, last, full or chosen name, or email, contains this text (case-insensitive; ' +
      '1 to 100 characters, not only blanks).',
  })
  search?: string;
}
