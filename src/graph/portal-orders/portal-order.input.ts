import {
  ArrayMaxSize,
  ArrayMinSize,
  IsInt,
  IsNotEmpty,
  Max,
  Min,
  Validate,
  ValidateNested,
} from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { IsNonBlankText } from '../partners/partner.input.js';

@InputType({ description: 'One line of a portal order.' })
export class PortalOrderLineInput {
  @Field(() => ID, { description: 'An active PartnerPortal catalogue product (`prd_…`).' })
  @IsNotEmpty()
  productId!: string;

  @Field(() => Int, {
    description: "Number of units, 1 to 10000 and at least the product's `minQuantity`.",
  })
  @IsInt()
  @Min(1)
  @Max(10_000)
  quantity!: number;
}

@InputType({
  description:
    'An order to push to PartnerPortal. Safe to resubmit: the partner and externalReference make a second create find the first.',
})
export class PortalOrderInput {
  @Field(() => ID, { description: 'The PartnerPortal partner the order is for.' })
  @IsNotEmpty()
  partnerId!: string;

  @Field({
    description:
      'Our own reference for the order, unique per partner: not only blanks, at most 100 characters. A repeat with the same lines answers the existing order; with other lines it is a DUPLICATE.',
  })
  @Validate(IsNonBlankText, [100])
  externalReference!: string;

  @Field(() => [PortalOrderLineInput], {
    description:
      'The order lines, 1 to 50, all priced in one currency. A product may appear on several lines.',
  })
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  lines!: PortalOrderLineInput[];
}
