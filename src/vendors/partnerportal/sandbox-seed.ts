/**
 * What a PartnerPortal sandbox starts with. The catalogue is the vendor's own data and is always loaded; partners
 * and orders are loaded only with `seed: true`. Only ACME-001 comes from the vendor document; the rest is ours, so
 * that lists have pages and orders have every status. README.md ("Seed") lists it all.
 */
import { CHANNEL_MANAGER_CATALOGUE } from '../navipartner/sandbox-catalogue.js';
import type { PpOrderLineRequest, PpOrderStatus, PpPartner, PpPriceTier, PpProduct } from './contract.js';

/**
 * Seeded ids keep the shape of generated ones (prefix + 26 Crockford base32 characters) but are fixed, so tests
 * and the README can name them. Generated ULIDs start with the time, so they never take this form.
 */
function seedId(prefix: string, n: number): string {
  return `${prefix}_01JSEED${String(n).padStart(19, '0')}`;
}

export const SEEDED_PARTNER_EXTERNAL_ID = 'ACME-001';
export const SEEDED_PARTNER_ID = seedId('ptn', 1);
/** ACME-001 plus PARTNER-002 … PARTNER-025. */
export const SEEDED_PARTNER_COUNT = 25;

/** A product together with what the wire's product leaves out: its volume tiers, shown by `GET /v1/pricing`. */
export interface SeedProduct {
  product: PpProduct;
  tiers: PpPriceTier[];
}

export interface SeedOrder {
  id: string;
  partner_id: string;
  external_reference: string;
  status: PpOrderStatus;
  lines: PpOrderLineRequest[];
  created_at: string;
  updated_at: string;
}

/** The document's example partner, exactly. Created at 11:00 IST on the document's date. */
const ACME: PpPartner = {
  id: SEEDED_PARTNER_ID,
  external_id: SEEDED_PARTNER_EXTERNAL_ID,
  name: 'ACME Supplies',
  email: 'ops@acme.example',
  phone: '+91 98765 43210',
  created_at: '2026-05-22T05:30:00Z',
  updated_at: '2026-05-22T05:30:00Z',
};

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

const PARTNER_KINDS = ['Travel', 'Tours', 'Events', 'Schools'] as const;

/** Partner n (2–25): one minute after the previous; every fifth has no email, every odd one no phone. */
function seededPartner(n: number): PpPartner {
  const number = String(n).padStart(3, '0');
  const at = isoSeconds(Date.parse(ACME.created_at) + (n - 1) * MINUTE_MS);
  return {
    id: seedId('ptn', n),
    external_id: `PARTNER-${number}`,
    name: `Partner ${number} ${PARTNER_KINDS[n % PARTNER_KINDS.length]}`,
    email: n % 5 === 0 ? null : `bookings@partner-${number}.example`,
    phone: n % 2 === 1 ? null : `+45 33 12 34 ${String(n).padStart(2, '0')}`,
    created_at: at,
    updated_at: at,
  };
}

export function seedPartners(): PpPartner[] {
  return [
    { ...ACME },
    ...Array.from({ length: SEEDED_PARTNER_COUNT - 1 }, (_, index) => seededPartner(index + 2)),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Catalogue

const CATALOGUE_AT = '2026-05-01T00:00:00Z';
/** Group rate for ticket products, from 10 tickets on one line. */
const GROUP_MIN_QUANTITY = 10;
const GROUP_DISCOUNT = 0.1;

/** Minor units per major unit; every seeded currency (DKK) has two decimals. */
const MINOR_PER_MAJOR = 100;

const TICKET_COUNT = CHANNEL_MANAGER_CATALOGUE.length;

/**
 * Product ids by sku. Tickets come first, in Channel Manager catalogue order, so their names and prices (VAT
 * included, as a partner pays them) match what the Channel Manager issues.
 */
export const SEEDED_PRODUCT_IDS: Readonly<Record<string, string>> = Object.freeze({
  ...Object.fromEntries(
    CHANNEL_MANAGER_CATALOGUE.map((item, index) => [item.itemNumber, seedId('prd', index + 1)]),
  ),
  'MERCH-TSHIRT': seedId('prd', TICKET_COUNT + 1),
  'MERCH-GUIDEBOOK': seedId('prd', TICKET_COUNT + 2),
  'MERCH-MUG': seedId('prd', TICKET_COUNT + 3),
});

function productId(sku: string): string {
  const id = SEEDED_PRODUCT_IDS[sku];
  if (id === undefined) throw new Error(`No seeded product with sku ${sku}`);
  return id;
}

export function seedCatalogue(): SeedProduct[] {
  const tickets = CHANNEL_MANAGER_CATALOGUE.map((item): SeedProduct => {
    const amount = Math.round(item.unitPriceInclVat * MINOR_PER_MAJOR);
    return {
      product: {
        id: productId(item.itemNumber),
        sku: item.itemNumber,
        name: item.description,
        description:
          `${item.description}, bookable ${item.opensAt.slice(0, 5)}–${item.closesAt.slice(0, 5)} every day. ` +
          'Tickets are issued through the NaviPartner Channel Manager.',
        price: { amount, currency: item.currencyCode },
        min_quantity: 1,
        active: true,
        created_at: CATALOGUE_AT,
        updated_at: CATALOGUE_AT,
      },
      tiers: [{ min_quantity: GROUP_MIN_QUANTITY, unit_price: Math.round(amount * (1 - GROUP_DISCOUNT)) }],
    };
  });
  const merchandise = (
    sku: string,
    name: string,
    description: string,
    amount: number,
    minQuantity: number,
    active: boolean,
    tiers: PpPriceTier[],
  ): SeedProduct => ({
    product: {
      id: productId(sku),
      sku,
      name,
      description,
      price: { amount, currency: 'DKK' },
      min_quantity: minQuantity,
      active,
      created_at: CATALOGUE_AT,
      updated_at: CATALOGUE_AT,
    },
    tiers,
  });
  return [
    ...tickets,
    merchandise(
      'MERCH-TSHIRT',
      'Aquarium T-shirt',
      'Organic cotton T-shirt with the aquarium logo.',
      19900,
      1,
      true,
      [],
    ),
    merchandise(
      'MERCH-GUIDEBOOK',
      'Aquarium guidebook',
      'Illustrated guide to the aquarium, sold to partners in packs of at least five.',
      7900,
      5,
      true,
      [{ min_quantity: 20, unit_price: 6900 }],
    ),
    merchandise(
      'MERCH-MUG',
      'Shark mug',
      'Discontinued: listed for old orders, no longer orderable.',
      8900,
      1,
      false,
      [],
    ),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// ACME-001's orders, one per status

export const SEEDED_ORDERS: readonly Readonly<Pick<SeedOrder, 'id' | 'external_reference' | 'status'>>[] =
  Object.freeze([
    { id: seedId('ord', 1), external_reference: 'ACME-PO-1001', status: 'delivered' },
    { id: seedId('ord', 2), external_reference: 'ACME-PO-1002', status: 'shipped' },
    { id: seedId('ord', 3), external_reference: 'ACME-PO-1003', status: 'processing' },
    { id: seedId('ord', 4), external_reference: 'ACME-PO-1004', status: 'pending' },
    { id: seedId('ord', 5), external_reference: 'ACME-PO-1005', status: 'cancelled' },
  ]);

const SEEDED_ORDER_LINES: readonly (readonly [string, number][])[] = [
  [['31001', 4]],
  [
    ['31002', 2],
    ['MERCH-TSHIRT', 3],
  ],
  [['31003', 12]],
  [['MERCH-GUIDEBOOK', 5]],
  [['31001', 1]],
];

/** Lines as requested; the sandbox prices them with the same code as a POST, so seed and live orders agree. */
export function seedOrders(): SeedOrder[] {
  return SEEDED_ORDERS.map((order, index) => {
    // An hour apart from 06:00 UTC; orders that moved on did so half an hour after creation.
    const created = Date.parse('2026-05-22T06:00:00Z') + index * HOUR_MS;
    const updated = order.status === 'pending' ? created : created + HOUR_MS / 2;
    return {
      ...order,
      partner_id: SEEDED_PARTNER_ID,
      lines: (SEEDED_ORDER_LINES[index] ?? []).map(([sku, quantity]) => ({
        product_id: productId(sku),
        quantity,
      })),
      created_at: isoSeconds(created),
      updated_at: isoSeconds(updated),
    };
  });
}
