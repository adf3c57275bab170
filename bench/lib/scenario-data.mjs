// Sizes shared by the seeding and the scenarios.
export const DASHBOARD = {
  /** Issued ticket orders seeded for the dashboard partner (the dashboard shows the latest 50). */
  orders: 60,
  /** Orders the dashboard asks for. */
  latest: 50,
  /** NFC Tagify card orders the dashboard asks for. */
  cardOrders: 20,
};
