import { registerEnumType } from 'type-graphql';

/** Lifecycle of a ticket order at the Channel Manager. */
export enum OrderStatus {
  DRAFT = 'DRAFT',
  ISSUED = 'ISSUED',
  ERROR = 'ERROR',
  CANCELLED = 'CANCELLED',
}

registerEnumType(OrderStatus, {
  name: 'OrderStatus',
  description: 'Where a ticket order is in its lifecycle.',
  valuesConfig: {
    DRAFT: { description: 'Accepted without payment; `confirmOrder` issues it. Can be replaced or removed.' },
    ISSUED: { description: 'Paid and issued: wallets and tickets exist. Can only be cancelled.' },
    ERROR: {
      description: 'Issuance failed (see `statusMessage`); fix it with `replaceOrder`, or cancel it.',
    },
    CANCELLED: { description: 'Cancelled after issuance; its wallets and tickets were torn down.' },
  },
});
