import { Field, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'Where a card order is shipped.' })
export class Shipping {
  @Field({ description: 'Recipient name.' })
  name!: string;

  @Field({ description: 'First address line.' })
  addressLine1!: string;

  @Field(() => String, { nullable: true, description: 'Second address line; null when none was given.' })
  addressLine2!: string | null;

  @Field({ description: 'City or town.' })
  city!: string;

  @Field({ description: 'Postcode, as given (its format per country is not checked).' })
  postcode!: string;

  @Field({ description: 'ISO 3166-1 alpha-2 country code in upper case, e.g. `GB`.' })
  country!: string;
}
