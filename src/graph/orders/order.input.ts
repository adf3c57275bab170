import {
  ArrayMaxSize,
  ArrayMinSize,
  IsEmail,
  IsInt,
  IsOptional,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
  ValidationArguments,
  ValidatorConstraint,
  Validate,
} from 'class-validator';
import type { ValidatorConstraintInterface } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';

/** A real calendar date: the pattern alone would let 2026-02-30 through. */
@ValidatorConstraint({ name: 'isCalendarDate' })
class IsCalendarDate implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must be a calendar date written YYYY-MM-DD`;
  }
}

/** One entry per ticket: a wallet list that does not match the quantity cannot be issued. */
@ValidatorConstraint({ name: 'matchesQuantity' })
class MatchesQuantity implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const item = (args.object as WalletHoldersInput & { quantity?: unknown }).quantity;
    return !Array.isArray(value) || typeof item !== 'number' || value.length === item;
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must have exactly one entry per ticket (quantity)`;
  }
}

@InputType({ description: 'Ticket holders of an order line: one wallet is issued per holder.' })
export class WalletHoldersInput {
  @Field(() => [String], {
    nullable: true,
    description: 'Holder names, one per ticket (as many as `quantity`).',
  })
  @IsOptional()
  @Length(1, 100, { each: true })
  @Validate(MatchesQuantity)
  names?: string[];

  @Field(() => [String], {
    nullable: true,
    description: "The sales channel's reference per holder, one per ticket (as many as `quantity`).",
  })
  @IsOptional()
  @Length(1, 50, { each: true })
  @Validate(MatchesQuantity)
  externalReferenceNumbers?: string[];

  /** Copied from the enclosing line by `OrderItemInput` so the per-holder rule can see it. */
  quantity?: number;
}

@InputType({ description: 'One line of a ticket order.' })
export class OrderItemInput {
  @Field({ description: 'Item number of the admission, e.g. `31001`.' })
  @Length(1, 20)
  itemNumber!: string;

  @Field({ description: 'Visit date, `YYYY-MM-DD`. Must not be in the past when the order is issued.' })
  @Validate(IsCalendarDate)
  visitDate!: string;

  @Field({ description: "Visit time, `HH:MM:SS`, within the item's bookable hours." })
  @Matches(/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/, { message: 'visitTime must be a time written HH:MM:SS' })
  visitTime!: string;

  @Field(() => Int, { description: 'Number of tickets, 1 to 100; one wallet is issued per ticket.' })
  @IsInt()
  @Min(1)
  @Max(100)
  quantity!: number;

  @Field(() => WalletHoldersInput, {
    nullable: true,
    description: 'Holder names and references, one per ticket.',
  })
  @IsOptional()
  @ValidateNested()
  wallet?: WalletHoldersInput;
}

@InputType({ description: 'A ticket order as the Channel Manager takes it (createOrder and replaceOrder).' })
export class OrderInput {
  @Field(() => ID, { description: 'The Channel Manager partner placing the order.' })
  @Length(1, 100)
  partnerId!: string;

  @Field({ description: "The sales channel's own order reference, unique per partner (1 to 50 characters)." })
  @Length(1, 50)
  sellToOrderReference!: string;

  @Field(() => [OrderItemInput], { description: 'The order lines, 1 to 50.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  items!: OrderItemInput[];

  @Field({ nullable: true, description: 'Email of the buyer.' })
  @IsOptional()
  @IsEmail()
  sellToEmail?: string;

  @Field({ nullable: true, description: 'Name of the buyer.' })
  @IsOptional()
  @Length(1, 100)
  sellToName?: string;

  @Field({ nullable: true, description: 'Language code of the buyer: three capital letters, e.g. `ENU`.' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'sellToLanguage must be three capital letters, e.g. ENU' })
  sellToLanguage?: string;

  @Field({
    nullable: true,
    description:
      'Reference of a captured payment. With it the order is issued at once; without it, it stays DRAFT.',
  })
  @IsOptional()
  @Length(1, 50)
  paymentReference?: string;
}

/**
 * The per-holder rule compares a wallet list with its line's quantity; class-validator validates each object on
 * its own, so the line's quantity is handed down before validation. Call before `validateInput`.
 */
export function prepareOrderInput(input: OrderInput): OrderInput {
  for (const item of input.items ?? []) {
    if (item.wallet) item.wallet.quantity = item.quantity;
  }
  return input;
}
