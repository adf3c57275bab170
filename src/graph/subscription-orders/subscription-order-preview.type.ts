import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Money } from '../common/money.type.js';
import { SubscriptionInterval } from './subscription-interval.enum.js';

@ObjectType({ simpleResolvers: true, description: 'One plan of a previewed order, priced.' })
export class SubscriptionOrderPreviewLine {
  @Field(() => ID, { description: 'The plan.' })
  planId!: string;

  @Field({
    description: "The billing provider's wording of the line, e.g. `2 × Basic (at GBP 9.99 / month)`.",
  })
  description!: string;

  @Field(() => Int, { description: 'Seats.' })
  quantity!: number;

  @Field(() => Money, { description: 'Price of one seat per interval, before tax.' })
  unitAmount!: Money;

  @Field(() => Money, { description: '`unitAmount × quantity`, before tax.' })
  amount!: Money;

  @Field(() => Money, { description: 'Tax on `amount` (VAT at `taxRate`, rounded per line).' })
  tax!: Money;

  @Field(() => SubscriptionInterval, { description: 'How often the line is charged.' })
  interval!: SubscriptionInterval;
}

@ObjectType({
  simpleResolvers: true,
  description: 'One charge date with everything due that day, tax included.',
})
export class ScheduledCharge {
  @Field({ description: 'The charge date, `YYYY-MM-DD` (UTC).' })
  date!: string;

  @Field(() => Money, { description: 'What is charged that day, tax included.' })
  amount!: Money;
}

@ObjectType({
  simpleResolvers: true,
  description: 'What an order would cost, as the billing provider prices it. Nothing is created or charged.',
})
export class SubscriptionOrderPreview {
  @Field(() => Money, { description: 'Due today: `subtotal + tax`, the first invoice.' })
  total!: Money;

  @Field(() => Money, { description: 'The first invoice before tax: the sum of the line amounts.' })
  subtotal!: Money;

  @Field(() => Money, { description: 'Tax on the first invoice: the sum of the line taxes.' })
  tax!: Money;

  @Field(() => Float, { description: 'The tax rate applied to every line, in percent (UK VAT, 20).' })
  taxRate!: number;

  @Field(() => [SubscriptionOrderPreviewLine], { description: 'The lines, in the order they were sent.' })
  lines!: SubscriptionOrderPreviewLine[];

  @Field(() => [ScheduledCharge], {
    description:
      'Every charge of the 12 months from today, by date; charges due the same day are merged. The first is ' +
      '`total`.',
  })
  billingSchedule!: ScheduledCharge[];

  @Field(() => String, {
    nullable: true,
    description:
      'The billing provider that priced the order (`stripe`); null if Partner Orders does not say.',
  })
  billingProvider!: string | null;
}
