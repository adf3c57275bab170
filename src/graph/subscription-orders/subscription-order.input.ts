import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsInt,
  IsOptional,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';

/**
 * Partner Orders' rules (its README, "The order body"), checked here so a broken rule never costs a token or a
 * vendor call. The limits mirror `PO_MAX_*` in the vendor's contract.
 */
const NOT_BLANK = /\S/;
const notBlank = { message: '$property must not be blank' };
/** The vendor's own test for an address (`x@y.z`); anything it would refuse is refused here first. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

@InputType({ description: 'One plan in a subscription order, with how many seats of it.' })
export class SubscriptionLineInput {
  @Field(() => ID, { description: 'The plan, e.g. `plan-basic-monthly` (see the Partner Orders README).' })
  @Matches(NOT_BLANK, notBlank)
  @MaxLength(100)
  planId!: string;

  @Field(() => Int, { description: 'Seats, from 1 to 1000.' })
  @IsInt()
  @Min(1)
  @Max(1000)
  quantity!: number;
}

@InputType({
  description: 'A subscription order as Partner Orders takes it: a customer and the plans ordered.',
})
export class SubscriptionOrderInput {
  @Field(() => String, {
    nullable: true,
    description:
      'Your own reference, 1 to 100 characters, echoed back on the order. Partner Orders does not deduplicate ' +
      'on it: `idempotencyKey` is what makes a retry safe.',
  })
  @IsOptional()
  @Matches(NOT_BLANK, notBlank)
  @MaxLength(100)
  externalId?: string | null;

  @Field({
    description:
      'The customer, by email address (at most 254 characters); the same address, in any case, is always the ' +
      'same `owner`.',
  })
  @Matches(EMAIL, { message: 'customerEmail must be an email address' })
  @MaxLength(254)
  customerEmail!: string;

  @Field(() => String, { nullable: true, description: "The customer's name, 1 to 200 characters." })
  @IsOptional()
  @Matches(NOT_BLANK, notBlank)
  @MaxLength(200)
  customerName?: string | null;

  @Field(() => [SubscriptionLineInput], {
    description:
      'The plans ordered: 1 to 20 lines, each plan at most once (more seats is a larger quantity).',
  })
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique((line: SubscriptionLineInput) => line.planId, {
    message: 'lines must name each planId at most once',
  })
  @ValidateNested()
  lines!: SubscriptionLineInput[];
}
