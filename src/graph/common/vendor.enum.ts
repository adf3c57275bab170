import { registerEnumType } from 'type-graphql';

/** The vendors behind the graph. */
export enum Vendor {
  PARTNER_PORTAL = 'PARTNER_PORTAL',
  CHANNEL_MANAGER = 'CHANNEL_MANAGER',
  NFC_TAGIFY = 'NFC_TAGIFY',
  NATIONAL_EXPRESS = 'NATIONAL_EXPRESS',
  PARTNER_ORDERS = 'PARTNER_ORDERS',
}

registerEnumType(Vendor, {
  name: 'Vendor',
  description: 'A vendor whose partner API the graph spans.',
  valuesConfig: {
    PARTNER_PORTAL: {
      description: 'PartnerPortal: partners, portal orders, the ticket catalogue and pricing.',
    },
    CHANNEL_MANAGER: { description: 'NaviPartner Channel Manager: ticket orders, wallets and tickets.' },
    NFC_TAGIFY: { description: 'NFC Tagify: NFC card products and card orders.' },
    NATIONAL_EXPRESS: {
      description: 'National Express Accounts: customer accounts and their linked tickets.',
    },
    PARTNER_ORDERS: { description: 'Partner Orders: subscription orders, priced by the billing provider.' },
  },
});
