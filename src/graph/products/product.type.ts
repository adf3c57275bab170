import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Money } from '../common/money.type.js';
import { Vendor } from '../common/vendor.enum.js';

/** A product from one vendor's catalogue, at the price that vendor charges us. */
@ObjectType({
  simpleResolvers: true,
  description: "A product in a vendor's catalogue (PartnerPortal tickets and goods, NFC Tagify cards).",
})
@Directive('@key(fields: "id")')
export class Product {
  @Field(() => ID, { description: "The vendor's product id (PartnerPortal `prd_…`, NFC Tagify `prod_…`)." })
  id!: string;

  @Field(() => Vendor, { description: 'The vendor whose catalogue the product is in.' })
  vendor!: Vendor;

  @Field(() => String, {
    nullable: true,
    description: 'Stock-keeping unit; for tickets, the Channel Manager item number (e.g. `31001`).',
  })
  sku!: string | null;

  @Field({ description: 'Product name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Product description.' })
  description!: string | null;

  @Field(() => Money, { description: 'Unit price for us, with any partner-specific override applied.' })
  price!: Money;

  @Field(() => Int, { description: 'Smallest quantity one order line may carry.' })
  minQuantity!: number;
}
