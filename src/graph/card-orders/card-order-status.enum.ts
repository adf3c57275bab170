import { registerEnumType } from 'type-graphql';

/** Where a card order is in NFC Tagify's fulfilment: it moves forward on its own, as the vendor works on it. */
export enum CardOrderStatus {
  PENDING = 'PENDING',
  PROCESSING = 'PROCESSING',
  DISPATCHED = 'DISPATCHED',
  DELIVERED = 'DELIVERED',
  CANCELLED = 'CANCELLED',
}

registerEnumType(CardOrderStatus, {
  name: 'CardOrderStatus',
  description:
    'Where an NFC card order is in fulfilment: PENDING → PROCESSING → DISPATCHED → DELIVERED, or CANCELLED.',
  valuesConfig: {
    PENDING: { description: 'Accepted by NFC Tagify; production has not started.' },
    PROCESSING: { description: 'The cards are being produced.' },
    DISPATCHED: { description: 'Handed to the carrier; `trackingNumber` is set.' },
    DELIVERED: { description: 'Delivered to the shipping address.' },
    CANCELLED: { description: 'Cancelled before dispatch (through NFC Tagify support); final.' },
  },
});
