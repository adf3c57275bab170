import {
  ArrayMaxSize,
  ArrayUnique,
  IsOptional,
  Matches,
  MaxLength,
  Validate,
  ValidateIf,
  ValidatorConstraint,
} from 'class-validator';
import type { ValidationArguments, ValidatorConstraintInterface } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';

/** PartnerPortal's rules for partner fields (its README), checked here so that a broken one never goes upstream. */
const EXTERNAL_ID = /^[A-Za-z0-9._-]{1,64}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_EMAIL = 254;
const PHONE = /^\+?\d[\d -]*\d$/;
const PHONE_DIGITS = { min: 7, max: 15 };

/** A string that is not only blanks, of at most `constraints[0]` characters. Null breaks it too. */
@ValidatorConstraint({ name: 'isNonBlankText' })
export class IsNonBlankText implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const max = args.constraints[0] as number;
    return typeof value === 'string' && value.trim() !== '' && value.length <= max;
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must be a non-blank string of at most ${String(args.constraints[0])} characters`;
  }
}

/** Digits, spaces and hyphens with an optional leading +, starting and ending with a digit; 7–15 digits (E.164). */
@ValidatorConstraint({ name: 'isPhone' })
class IsPhone implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string' || !PHONE.test(value)) return false;
    const digits = value.replace(/\D/g, '').length;
    return digits >= PHONE_DIGITS.min && digits <= PHONE_DIGITS.max;
  }
  defaultMessage(args: ValidationArguments): string {
    return (
      `${args.property} must be digits, spaces and hyphens with an optional leading +, ` +
      `${PHONE_DIGITS.min} to ${PHONE_DIGITS.max} digits in all`
    );
  }
}

const emailMessage = { message: 'email must be an address like name@example.com, without blanks' };

@InputType({
  description: 'A new partner. Safe to resubmit: the externalId makes a second create find the first.',
})
export class PartnerInput {
  @Field({
    description:
      'Our own key for the partner, unique and immutable: 1 to 64 characters of `A–Z a–z 0–9 . _ -`. A repeat with the same content answers the existing partner; with other content it is a DUPLICATE.',
  })
  @Matches(EXTERNAL_ID, {
    message: "externalId must be 1 to 64 characters of A–Z, a–z, 0–9, '.', '_' or '-'",
  })
  externalId!: string;

  @Field({ description: 'Display name: not only blanks, at most 200 characters.' })
  @Validate(IsNonBlankText, [200])
  name!: string;

  @Field(() => String, { nullable: true, description: 'Contact email, at most 254 characters.' })
  @IsOptional()
  @MaxLength(MAX_EMAIL)
  @Matches(EMAIL, emailMessage)
  email?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Contact phone: digits, spaces and hyphens with an optional leading `+`, 7 to 15 digits. Kept as given.',
  })
  @IsOptional()
  @Validate(IsPhone)
  phone?: string | null;
}

@InputType({
  description:
    'Changes to a partner. Omitted fields stay as they are; an explicit null clears email or phone.',
})
export class PartnerUpdateInput {
  @Field(() => String, {
    nullable: true,
    description: 'New display name: not only blanks, at most 200 characters. Cannot be cleared.',
  })
  // Null is checked too: a name can change but not go away.
  @ValidateIf((input: PartnerUpdateInput) => input.name !== undefined)
  @Validate(IsNonBlankText, [200])
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'New contact email; null clears it.' })
  @IsOptional()
  @MaxLength(MAX_EMAIL)
  @Matches(EMAIL, emailMessage)
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'New contact phone; null clears it.' })
  @IsOptional()
  @Validate(IsPhone)
  phone?: string | null;
}

@InputType({
  description: "Links of a partner to other vendors' ids. An omitted link stays as it is; null removes it.",
})
export class PartnerLinksInput {
  @Field(() => ID, {
    nullable: true,
    description:
      'The Channel Manager partnerId whose ticket orders belong to this partner; null unlinks. One Channel Manager partner belongs to at most one partner.',
  })
  @IsOptional()
  @Matches(/^\S{1,100}$/, { message: 'channelManagerPartnerId must be 1 to 100 characters without blanks' })
  channelManagerPartnerId?: string | null;

  @Field(() => [ID], {
    nullable: true,
    description:
      "The National Express accounts that belong to this partner: the list replaces the partner's accounts " +
      '(an empty list removes them all; omitted or null leaves them). At most 100, each `NXA-` and six digits, ' +
      'each an existing account that belongs to no other partner.',
  })
  @IsOptional()
  @ArrayMaxSize(100)
  @ArrayUnique({ message: 'nationalExpressAccountIds must name each account at most once' })
  @Matches(/^NXA-\d{6}$/, {
    each: true,
    message: 'nationalExpressAccountIds must hold National Express account ids (NXA- and six digits)',
  })
  nationalExpressAccountIds?: string[] | null;
}
