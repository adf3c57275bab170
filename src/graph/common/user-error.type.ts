import { Field, ObjectType, registerEnumType } from 'type-graphql';

/** What went wrong with a mutation's input or the state it met. Clients switch on these exhaustively. */
export enum UserErrorCode {
  VALIDATION = 'VALIDATION',
  DUPLICATE = 'DUPLICATE',
  INVALID_STATE = 'INVALID_STATE',
  NOT_FOUND = 'NOT_FOUND',
  ISSUANCE_FAILED = 'ISSUANCE_FAILED',
  REJECTED = 'REJECTED',
}

registerEnumType(UserErrorCode, {
  name: 'UserErrorCode',
  description: 'Machine-readable kind of a user error.',
  valuesConfig: {
    VALIDATION: { description: 'The input broke a rule; `field` names it. Nothing was sent to the vendor.' },
    DUPLICATE: {
      description: 'An object with the same natural key already exists with different content.',
    },
    INVALID_STATE: { description: 'The object is in a state that does not allow this change.' },
    NOT_FOUND: { description: 'The object the mutation refers to does not exist.' },
    ISSUANCE_FAILED: {
      description: "The vendor could not issue the tickets; the message is the vendor's status message.",
    },
    REJECTED: { description: 'The vendor refused the request for a reason no other code describes.' },
  },
});

@ObjectType({
  simpleResolvers: true,
  description: 'A problem with a mutation that the client can show or act on.',
})
export class UserError {
  @Field(() => [String], {
    nullable: true,
    description:
      'Path to the offending argument or input field, e.g. `["input", "items", "0", "visitDate"]`.',
  })
  field?: string[];

  @Field({ description: 'Human-readable explanation, naming the field and the rule.' })
  message!: string;

  @Field(() => UserErrorCode, { description: 'Machine-readable kind of the problem.' })
  code!: UserErrorCode;
}

export function userError(code: UserErrorCode, message: string, field?: string[]): UserError {
  return Object.assign(new UserError(), { code, message, ...(field ? { field } : {}) });
}
