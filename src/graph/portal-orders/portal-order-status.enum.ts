import { registerEnumType } from 'type-graphql';

/** Fulfilment status of a portal order at PartnerPortal. */
export enum PortalOrderStatus {
  PENDING = 'PENDING',
  PROCESSING = 'PROCESSING',
  SHIPPED = 'SHIPPED',
  DELIVERED = 'DELIVERED',
  CANCELLED = 'CANCELLED',
}

registerEnumType(PortalOrderStatus, {
  name: 'PortalOrderStatus',
  description:
    'Where a portal order is in its fulfilment: PENDING → PROCESSING → SHIPPED → DELIVERED (steps may be skipped), or CANCELLED before shipping.',
  valuesConfig: {
    PENDING: { description: 'Received by the portal; fulfilment has not started.' },
    PROCESSING: { description: 'Being prepared for shipping.' },
    SHIPPED: { description: 'On its way; can no longer be cancelled.' },
    DELIVERED: { description: 'Delivered to the partner. Final.' },
    CANCELLED: { description: 'Cancelled before it shipped. Final.' },
  },
});
