import { Field, Float, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'An amount of money in one currency.' })
export class Money {
  @Field(() => Float, { description: 'Amount in major units (e.g. 100 means DKK 100.00).' })
  amount!: number;

  @Field({ description: 'ISO 4217 currency code, e.g. `DKK`.' })
  currency!: string;
}
