import { registerEnumType } from 'type-graphql';

/** How often a subscription plan is charged. */
export enum SubscriptionInterval {
  MONTH = 'MONTH',
  YEAR = 'YEAR',
}

registerEnumType(SubscriptionInterval, {
  name: 'SubscriptionInterval',
  description: 'How often a subscription plan is charged.',
  valuesConfig: {
    MONTH: { description: 'Every month, on the same day as the first charge (clamped to the month end).' },
    YEAR: { description: 'Once a year, on the date of the first charge.' },
  },
});
