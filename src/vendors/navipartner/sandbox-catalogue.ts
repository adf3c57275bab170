/**
 * The items the Channel Manager sandbox can issue tickets for. The vendor document shows only item 31001 at
 * DKK 80 / 100; the others are ours, so that tests can exercise other schedules and prices. README.md lists them.
 */

/** One bookable item: its daily schedule and unit price. Every item is bookable every day. */
export interface SandboxCatalogueItem {
  itemNumber: string;
  description: string;
  /** First bookable visitTime, `HH:MM:SS`, inclusive. */
  opensAt: string;
  /** End of the bookable window, `HH:MM:SS`, exclusive. */
  closesAt: string;
  unitPriceExclVat: number;
  unitPriceInclVat: number;
  currencyCode: string;
}

export const CHANNEL_MANAGER_CATALOGUE: readonly SandboxCatalogueItem[] = Object.freeze([
  Object.freeze({
    itemNumber: '31001',
    description: 'Aquarium day admission',
    opensAt: '09:00:00',
    closesAt: '17:00:00',
    unitPriceExclVat: 80,
    unitPriceInclVat: 100,
    currencyCode: 'DKK',
  }),
  Object.freeze({
    itemNumber: '31002',
    description: 'Aquarium evening admission',
    opensAt: '17:00:00',
    closesAt: '22:00:00',
    unitPriceExclVat: 120,
    unitPriceInclVat: 150,
    currencyCode: 'DKK',
  }),
  Object.freeze({
    itemNumber: '31003',
    description: 'Behind-the-scenes shark tank tour',
    opensAt: '10:00:00',
    closesAt: '15:00:00',
    unitPriceExclVat: 200,
    unitPriceInclVat: 250,
    currencyCode: 'DKK',
  }),
]);

export function findCatalogueItem(itemNumber: string): SandboxCatalogueItem | undefined {
  return CHANNEL_MANAGER_CATALOGUE.find((item) => item.itemNumber === itemNumber);
}
