import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { callsSince, upstreamCalls } from '../support/upstream-calls.js';
import { startStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

const CM_PARTNER = '21e8c1d2-3f4a-4c5b-9e6d-7f8a9b0c1d2e';
const SEEDED_ORDER = '9c6b2f4e-2b71-4d23-9d6a-a3b4c5d6e7f8';

interface ProductShape {
  id: string;
  vendor: string;
  sku: string | null;
  name: string;
  price: { amount: number; currency: string };
  minQuantity: number;
}
interface ProductsShape {
  products: {
    totalCount: number;
    nodes: ProductShape[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}
const PRODUCTS = `query ($vendor: Vendor, $first: Int, $after: String) {
  products(vendor: $vendor, first: $first, after: $after) {
    totalCount nodes { id vendor sku name price { amount currency } minQuantity }
    pageInfo { hasNextPage endCursor } } }`;

describe('products across both catalogues, and what ticket orders lead to', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ seed: true });
  });
  after(async () => {
    await stack.close();
  });

  async function allProducts(vendor?: string, first = 100): Promise<ProductShape[]> {
    const seen: ProductShape[] = [];
    let after: string | null = null;
    do {
      const response: Awaited<ReturnType<TestStack['gql']>> & { body: { data?: ProductsShape | null } } =
        await stack.gql<ProductsShape>(PRODUCTS, { vendor, first, after });
      assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
      const page = response.body.data!.products;
      seen.push(...page.nodes);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    return seen;
  }

  it('merges both catalogues into one connection, and filters by vendor', async () => {
    const everything = await allProducts();
    const portal = await allProducts('PARTNER_PORTAL');
    const cards = await allProducts('NFC_TAGIFY');
    assert.ok(portal.length > 0 && cards.length > 0);
    assert.equal(everything.length, portal.length + cards.length);
    assert.deepEqual(
      new Set(everything.map((product) => product.vendor)),
      new Set(['PARTNER_PORTAL', 'NFC_TAGIFY']),
    );
    const total = await stack.gql<ProductsShape>(PRODUCTS, { first: 1 });
    assert.equal(total.body.data?.products.totalCount, everything.length);
  });

  it('pages through the merged list with any page size, without gaps or repeats', async () => {
    const whole = (await allProducts(undefined, 100)).map((product) => product.id);
    for (const first of [1, 3, 7]) {
      assert.deepEqual(
        (await allProducts(undefined, first)).map((product) => product.id),
        whole,
        `first: ${first}`,
      );
    }
  });

  it('shows the ticket item as a catalogue product, and NFC prices with our override', async () => {
    const portal = await allProducts('PARTNER_PORTAL');
    const ticket = portal.find((product) => product.sku === '31001');
    assert.deepEqual(ticket?.price, { amount: 100, currency: 'DKK' });
    const cards = await allProducts('NFC_TAGIFY');
    const card = cards.find((product) => product.id === 'prod_abc123');
    assert.equal(card?.name, 'NFC Business Card — Standard');
    // The sandbox account the gateway uses has a negotiated 3.10 instead of the published 3.50.
    assert.deepEqual(card?.price, { amount: 3.1, currency: 'GBP' });
  });

  it('finds a product by id in either catalogue, and answers null for none', async () => {
    const portal = await allProducts('PARTNER_PORTAL');
    const ids = { portal: portal[0]!.id, card: 'prod_abc123' };
    const response = await stack.gql<{
      a: { vendor: string } | null;
      b: { vendor: string } | null;
      c: null;
    }>(
      `query ($a: ID!, $b: ID!) { a: product(id: $a) { vendor } b: product(id: $b) { vendor } c: product(id: "nope") { vendor } }`,
      {
        a: ids.portal,
        b: ids.card,
      },
    );
    assert.deepEqual(response.body, {
      data: { a: { vendor: 'PARTNER_PORTAL' }, b: { vendor: 'NFC_TAGIFY' }, c: null },
    });
  });

  it('leads from a ticket order to its partner and from lines and tickets to products, in batched calls', async () => {
    // A few more issued orders with repeated items, so products repeat across orders and tickets.
    for (const reference of ['P-REL-1', 'P-REL-2', 'P-REL-3']) {
      const created = await stack.gql<{ createOrder: { userErrors: unknown[] } }>(
        `mutation ($input: OrderInput!) { createOrder(input: $input) { userErrors { code } } }`,
        {
          input: {
            partnerId: CM_PARTNER,
            sellToOrderReference: reference,
            paymentReference: `PAY-${reference}`,
            items: [
              { itemNumber: '31001', visitDate: '2099-05-01', visitTime: '10:00:00', quantity: 2 },
              { itemNumber: '31002', visitDate: '2099-05-01', visitTime: '18:00:00', quantity: 1 },
            ],
          },
        },
      );
      assert.deepEqual(created.body.data?.createOrder.userErrors, []);
    }
    const before = await upstreamCalls(stack.gateway);
    const response = await stack.gql<{
      orders: {
        nodes: {
          partner: { externalId: string } | null;
          items: {
            itemNumber: string;
            product: { sku: string } | null;
            wallets: { tickets: { product: { sku: string } | null }[] }[];
          }[];
        }[];
      };
    }>(
      `query ($p: ID!) { orders(partnerId: $p) { nodes {
          partner { externalId }
          items { itemNumber product { sku } wallets { tickets { product { sku } } } } } } }`,
      { p: CM_PARTNER },
    );
    assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
    const nodes = response.body.data!.orders.nodes;
    assert.equal(nodes.length, 4);
    for (const node of nodes) {
      assert.equal(node.partner?.externalId, 'ACME-001');
      for (const item of node.items) {
        assert.equal(item.product?.sku, item.itemNumber);
        for (const wallet of item.wallets)
          for (const ticket of wallet.tickets) assert.equal(ticket.product?.sku, item.itemNumber);
      }
    }
    // One list, one getOrder per order (no batch read at that vendor), one partner lookup, one product lookup.
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'channel_manager.listOrdersByPartner': 1,
      'channel_manager.getOrder': 4,
      'partner_portal.listPartners': 1,
      'partner_portal.listProducts': 1,
    });
  });

  it('answers a null partner for an order whose Channel Manager partner is linked to nobody', async () => {
    await stack.gql(`mutation ($input: OrderInput!) { createOrder(input: $input) { userErrors { code } } }`, {
      input: {
        partnerId: 'unlinked-cm-partner',
        sellToOrderReference: 'NOLINK-1',
        items: [{ itemNumber: '31001', visitDate: '2099-05-01', visitTime: '10:00:00', quantity: 1 }],
      },
    });
    const response = await stack.gql(
      `{ orders(partnerId: "unlinked-cm-partner") { nodes { partner { id } } } }`,
    );
    assert.deepEqual(response.body, { data: { orders: { nodes: [{ partner: null }] } } });
  });

  it('reads the seeded order with its partner', async () => {
    const response = await stack.gql(`{ order(id: "${SEEDED_ORDER}") { partner { externalId name } } }`);
    assert.deepEqual(response.body, {
      data: { order: { partner: { externalId: 'ACME-001', name: 'ACME Supplies' } } },
    });
  });
});
