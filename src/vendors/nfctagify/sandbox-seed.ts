/**
 * What an NFC Tagify sandbox starts with: the catalogue (the document's one product plus ours) and an order
 * history for the first account. Plain data and pure functions; sandbox.ts owns the state they end up in.
 * README.md ("Seed") lists both.
 */
import type { NtShipping } from './contract.js';

/** One catalogue entry with its published (standard) unit price. */
export interface NfcTagifyCatalogueProduct {
  product_id: string;
  name: string;
  description: string;
  standard_price: number;
  currency: string;
  min_quantity: number;
}

/** The document's example product, verbatim. */
export const DOC_PRODUCT_ID = 'prod_abc123';
export const PREMIUM_METAL_PRODUCT_ID = 'prod_mtl456';
export const STICKER_PACK_PRODUCT_ID = 'prod_stk789';
export const KEY_FOB_PRODUCT_ID = 'prod_fob321';
export const WRISTBAND_PRODUCT_ID = 'prod_wrb654';

export const NFC_TAGIFY_CATALOGUE: readonly NfcTagifyCatalogueProduct[] = Object.freeze([
  Object.freeze({
    product_id: DOC_PRODUCT_ID,
    name: 'NFC Business Card — Standard',
    description: '85.6 × 54 mm PVC card with NFC chip',
    standard_price: 3.5,
    currency: 'GBP',
    min_quantity: 1,
  }),
  Object.freeze({
    product_id: PREMIUM_METAL_PRODUCT_ID,
    name: 'NFC Business Card — Premium Metal',
    description: '85.6 × 54 mm brushed stainless steel card with NFC chip',
    standard_price: 24,
    currency: 'GBP',
    min_quantity: 1,
  }),
  Object.freeze({
    product_id: STICKER_PACK_PRODUCT_ID,
    name: 'NFC Sticker — 25 mm Round',
    description: '25 mm round adhesive NFC sticker (NTAG213), sold in multiples from 10',
    standard_price: 0.8,
    currency: 'GBP',
    min_quantity: 10,
  }),
  Object.freeze({
    product_id: KEY_FOB_PRODUCT_ID,
    name: 'NFC Key Fob',
    description: 'ABS key fob with NFC chip and split ring',
    standard_price: 2.75,
    currency: 'GBP',
    min_quantity: 5,
  }),
  Object.freeze({
    product_id: WRISTBAND_PRODUCT_ID,
    name: 'NFC Wristband — Silicone',
    description: 'Adjustable silicone wristband with NFC chip',
    standard_price: 1.95,
    currency: 'GBP',
    min_quantity: 10,
  }),
]);

export function findCatalogueProduct(productId: string): NfcTagifyCatalogueProduct | undefined {
  return NFC_TAGIFY_CATALOGUE.find((product) => product.product_id === productId);
}

/**
 * An order as the sandbox stores it. Status, updated_at and the visible tracking number are not stored: they are
 * derived on every read from created_at, cancelled_at and the sandbox clock, so a test moves an order along by
 * moving the clock.
 */
export interface SandboxOrderRecord {
  order_id: string;
  account_id: string;
  line_id: string;
  product_id: string;
  /** Snapshots at creation: a later catalogue or override change does not reprice an order. */
  product_name: string;
  unit_price: number;
  currency: string;
  quantity: number;
  customer_reference: string;
  shipping: NtShipping;
  created_at: string;
  cancelled_at: string | null;
  /** Assigned at creation, shown only from dispatch on. */
  tracking_number: string;
}

export interface FulfilmentMinutes {
  processing: number;
  dispatched: number;
  delivered: number;
}

/** Seeded order ids, oldest first. */
export const SEEDED_ORDER_IDS: readonly string[] = Object.freeze(
  Array.from({ length: 13 }, (_, i) => `ord_seed${String(i + 1).padStart(6, '0')}`),
);

/** Seeded customer references, in the same order as SEEDED_ORDER_IDS. */
export const SEEDED_CUSTOMER_REFERENCES: readonly string[] = Object.freeze(
  SEEDED_ORDER_IDS.map((_, i) => `SEED-REF-${String(i + 1).padStart(3, '0')}`),
);

const SEED_ADDRESSES: readonly NtShipping[] = [
  {
    name: 'Jane Smith',
    address_line1: '12 Example Street',
    address_line2: null,
    city: 'London',
    postcode: 'EC1A 1BB',
    country: 'GB',
  },
  {
    name: 'Marcus Reid',
    address_line1: 'Unit 4, Harbour Works',
    address_line2: 'Dock Road',
    city: 'Leith',
    postcode: 'EH6 6RA',
    country: 'GB',
  },
  {
    name: 'Aoife Byrne',
    address_line1: '3 Quay Lane',
    address_line2: null,
    city: 'Dublin',
    postcode: 'D02 X285',
    country: 'IE',
  },
  {
    name: 'Priya Patel',
    address_line1: 'Flat 7',
    address_line2: '88 Broad Street',
    city: 'Birmingham',
    postcode: 'B1 2HF',
    country: 'GB',
  },
];

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * How each seeded order was placed, oldest first: its age at seed time, product, quantity and, for cancelled
 * ones, that it was cancelled while still pending. Ages of the live orders are midpoints of the fulfilment
 * schedule so that, at seed time, every status is present.
 */
function seedPlan(
  minutes: FulfilmentMinutes,
): { ageMs: number; productId: string; quantity: number; cancelled?: true }[] {
  const midpoint = (a: number, b: number): number => ((a + b) / 2) * MINUTE_MS;
  return [
    { ageMs: 9 * DAY_MS + 3 * HOUR_MS, productId: DOC_PRODUCT_ID, quantity: 250 },
    { ageMs: 8 * DAY_MS + 5 * HOUR_MS, productId: PREMIUM_METAL_PRODUCT_ID, quantity: 5 },
    { ageMs: 7 * DAY_MS + 2 * HOUR_MS, productId: DOC_PRODUCT_ID, quantity: 40, cancelled: true },
    { ageMs: 6 * DAY_MS + 1 * HOUR_MS, productId: STICKER_PACK_PRODUCT_ID, quantity: 100 },
    { ageMs: 5 * DAY_MS + 4 * HOUR_MS, productId: KEY_FOB_PRODUCT_ID, quantity: 20 },
    { ageMs: 4 * DAY_MS + 6 * HOUR_MS, productId: DOC_PRODUCT_ID, quantity: 50 },
    { ageMs: 3 * DAY_MS + 2 * HOUR_MS, productId: WRISTBAND_PRODUCT_ID, quantity: 200 },
    { ageMs: 2 * DAY_MS + 7 * HOUR_MS, productId: STICKER_PACK_PRODUCT_ID, quantity: 30, cancelled: true },
    { ageMs: 2 * DAY_MS + 3 * HOUR_MS, productId: DOC_PRODUCT_ID, quantity: 500 },
    { ageMs: 1 * DAY_MS + 2 * HOUR_MS, productId: PREMIUM_METAL_PRODUCT_ID, quantity: 2 },
    { ageMs: midpoint(minutes.dispatched, minutes.delivered), productId: KEY_FOB_PRODUCT_ID, quantity: 10 },
    { ageMs: midpoint(minutes.processing, minutes.dispatched), productId: DOC_PRODUCT_ID, quantity: 75 },
    { ageMs: 0, productId: WRISTBAND_PRODUCT_ID, quantity: 25 },
  ];
}

/**
 * The first account's order history relative to `now`. With the default schedule (1 / 10 / 60 minutes) it holds
 * 8 delivered, 2 cancelled, 1 dispatched, 1 processing and 1 pending order.
 */
export function seedOrders(
  accountId: string,
  now: Date,
  minutes: FulfilmentMinutes,
  priceOf: (productId: string) => number,
): SandboxOrderRecord[] {
  return seedPlan(minutes).map((plan, index) => {
    const product = findCatalogueProduct(plan.productId) as NfcTagifyCatalogueProduct;
    const created = new Date(now.getTime() - plan.ageMs);
    const orderId = SEEDED_ORDER_IDS[index] ?? '';
    return {
      order_id: orderId,
      account_id: accountId,
      line_id: `li_seed${String(index + 1).padStart(6, '0')}`,
      product_id: product.product_id,
      product_name: product.name,
      unit_price: priceOf(product.product_id),
      currency: product.currency,
      quantity: plan.quantity,
      customer_reference: SEEDED_CUSTOMER_REFERENCES[index] ?? '',
      shipping: { ...(SEED_ADDRESSES[index % SEED_ADDRESSES.length] as NtShipping) },
      created_at: isoSeconds(created),
      cancelled_at: plan.cancelled
        ? isoSeconds(new Date(created.getTime() + (minutes.processing / 2) * MINUTE_MS))
        : null,
      tracking_number: trackingNumber(10_000_000 + index + 1),
    };
  });
}

/**
 * A UPU S10 tracking number (`NT` + 8-digit serial + check digit + `GB`), the form UK carriers print, so a
 * client that validates or links tracking numbers sees a realistic one.
 */
export function trackingNumber(serial: number): string {
  const digits = String(serial % 100_000_000).padStart(8, '0');
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  const sum = [...digits].reduce((acc, digit, i) => acc + Number(digit) * (weights[i] ?? 0), 0);
  const check = 11 - (sum % 11);
  const checkDigit = check === 10 ? 0 : check === 11 ? 5 : check;
  return `NT${digits}${checkDigit}GB`;
}

/** `YYYY-MM-DDTHH:MM:SSZ`, no fraction, as the document's created_at. */
export function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
