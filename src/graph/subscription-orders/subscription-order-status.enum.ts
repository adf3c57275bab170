import { registerEnumType } from 'type-graphql';

/** Where a subscription order stands with Partner Orders' billing. */
export enum SubscriptionOrderStatus {
  COMPLETE = 'COMPLETE',
  PENDING = 'PENDING',
  FAILED = 'FAILED',
}

registerEnumType(SubscriptionOrderStatus, {
  name: 'SubscriptionOrderStatus',
  description:
    'Where a subscription order stands with the billing provider. Partner Orders documents no values; these ' +
    'are the ones it is known to answer.',
  valuesConfig: {
    COMPLETE: { description: 'Billed: the subscription exists and the first invoice was charged.' },
    PENDING: {
      description:
        'Accepted, billing still in progress (also any status word Partner Orders has not documented).',
    },
    FAILED: { description: 'Accepted, but billing failed.' },
  },
});
