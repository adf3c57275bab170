import { IsInt, IsOptional, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';

/** NFC Tagify refuses text that is empty or only blanks; the message names the field, as the vendor's does. */
const NOT_BLANK = /\S/;
const notBlank = { message: '$property must not be blank' };

/** The vendor's rules (its README, "Create order"), checked here so a broken rule never costs a vendor call. */
@InputType({ description: 'Where a card order is shipped.' })
export class ShippingInput {
  @Field({ description: 'Recipient name, at most 100 characters.' })
  @Matches(NOT_BLANK, notBlank)
  @MaxLength(100)
  name!: string;

  @Field({ description: 'First address line, at most 100 characters.' })
  @Matches(NOT_BLANK, notBlank)
  @MaxLength(100)
  addressLine1!: string;

  @Field(() => String, { nullable: true, description: 'Second address line, at most 100 characters.' })
  @IsOptional()
  @MaxLength(100)
  addressLine2?: string | null;

  @Field({ description: 'City or town, at most 100 characters.' })
  @Matches(NOT_BLANK, notBlank)
  @MaxLength(100)
  city!: string;

  @Field({ description: 'Postcode, at most 16 characters (its format per country is not checked).' })
  @Matches(NOT_BLANK, notBlank)
  @MaxLength(16)
  postcode!: string;

  @Field({ description: 'ISO 3166-1 alpha-2 country code in upper case, e.g. `GB`.' })
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code in upper case, e.g. GB' })
  country!: string;
}

@InputType({
  description: 'An order of NFC cards as NFC Tagify takes it: one product, a quantity, an address.',
})
export class CardOrderInput {
  @Field(() => ID, { description: 'The NFC Tagify product (`prod_…`, see `products(vendor: NFC_TAGIFY)`).' })
  @Matches(NOT_BLANK, notBlank)
  productId!: string;

  @Field(() => Int, {
    description: "Number of units, from the product's `minQuantity` to 10000.",
  })
  @IsInt()
  @Min(1)
  @Max(10000)
  quantity!: number;

  @Field({
    description:
      'Our own reference for the order, 1 to 100 characters. Resubmitting the same order with it answers the ' +
      'existing order; other content under the same reference is a DUPLICATE.',
  })
  @Matches(NOT_BLANK, notBlank)
  @MaxLength(100)
  customerReference!: string;

  @Field(() => ShippingInput, { description: 'Where the order is shipped.' })
  @ValidateNested()
  shipping!: ShippingInput;

  @Field(() => ID, {
    nullable: true,
    description:
      'The PartnerPortal partner the order is for (NFC Tagify knows no partners: the gateway records it with the ' +
      'customerReference). A key bound to one partner may omit it; a key bound to several must name one of its ' +
      'own (another is FORBIDDEN). Omitted by a key for all partners, the order belongs to no partner and only ' +
      'keys for all partners see it.',
  })
  @IsOptional()
  @Matches(/^\S{1,100}$/, { message: 'partnerId must be 1 to 100 characters without blanks' })
  partnerId?: string | null;
}
