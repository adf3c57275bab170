import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  SEEDED_ORDERS,
  SEEDED_PARTNER_ID as ACME,
  SEEDED_PRODUCT_IDS,
} from '../../src/vendors/partnerportal/sandbox.js';
import { callsSince, upstreamCalls } from '../support/upstream-calls.js';
import { startStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

const PRODUCT = (sku: string) => SEEDED_PRODUCT_IDS[sku] ?? `no product ${sku}`;
const PARTNER_2 = 'ptn_01JSEED0000000000000000002';

const ORDER_FIELDS = `id externalReference status createdAt updatedAt total { amount currency }
  partner { id externalId }
  lines { sku name quantity unitPrice { amount currency } lineTotal { amount currency }
    product { id vendor sku name description price { amount currency } minQuantity } }`;
const CREATE = `mutation ($input: PortalOrderInput!) {
  createPortalOrder(input: $input) { portalOrder { ${ORDER_FIELDS} } userErrors { field message code } } }`;

interface OrderShape {
  id: string;
  externalReference: string;
  status: string;
  total: { amount: number; currency: string };
  lines: { sku: string; quantity: number; unitPrice: { amount: number }; lineTotal: { amount: number } }[];
}
interface Payload {
  portalOrder: OrderShape | null;
  userErrors: { field: string[] | null; message: string; code: string }[];
}

const dkk = (amount: number) => ({ amount, currency: 'DKK' });

describe('portal orders through the gateway over HTTP', () => {
  let stack: TestStack;
  const clock = new Date('2026-12-01T10:00:00Z');

  before(async () => {
    stack = await startStack({ seed: true, now: () => clock });
  });
  after(async () => {
    await stack.close();
  });

  async function create(input: Record<string, unknown>): Promise<Payload> {
    const response = await stack.gql<{ createPortalOrder: Payload }>(CREATE, { input });
    assert.equal(response.status, 200);
    assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
    const payload = response.body.data?.createPortalOrder;
    assert.ok(payload);
    return payload;
  }

  it('reads a seeded order with its partner, group-rate line and catalogue product, in major units', async () => {
    const response = await stack.gql(`query ($id: ID!) { portalOrder(id: $id) { ${ORDER_FIELDS} } }`, {
      id: SEEDED_ORDERS[2]?.id,
    });
    assert.deepEqual(response.body, {
      data: {
        portalOrder: {
          id: 'ord_01JSEED0000000000000000003',
          externalReference: 'ACME-PO-1003',
          status: 'PROCESSING',
          createdAt: '2026-05-22T08:00:00.000Z',
          updatedAt: '2026-05-22T08:30:00.000Z',
          total: dkk(2700),
          partner: { id: ACME, externalId: 'ACME-001' },
          lines: [
            {
              sku: '31003',
              name: 'Behind-the-scenes shark tank tour',
              quantity: 12,
              unitPrice: dkk(225),
              lineTotal: dkk(2700),
              product: {
                id: PRODUCT('31003'),
                vendor: 'PARTNER_PORTAL',
                sku: '31003',
                name: 'Behind-the-scenes shark tank tour',
                description:
                  'Behind-the-scenes shark tank tour, bookable 10:00–15:00 every day. Tickets are issued through the NaviPartner Channel Manager.',
                price: dkk(250),
                minQuantity: 1,
              },
            },
          ],
        },
      },
    });
  });

  it('answers null for an order the vendor does not have', async () => {
    const response = await stack.gql(`{ portalOrder(id: "ord_01JNOSUCHORDER000000000000") { id } }`);
    assert.deepEqual(response.body, { data: { portalOrder: null } });
  });

  it('batches orders, their partners and their products into one call each', async () => {
    const before = await upstreamCalls(stack.gateway);
    const ids = SEEDED_ORDERS.map((order) => order.id);
    const response = await stack.gql<Record<string, { externalReference: string; partner: { id: string } }>>(
      `query ($a: ID!, $b: ID!, $c: ID!, $d: ID!, $e: ID!) {
        a: portalOrder(id: $a) { externalReference partner { id } lines { product { sku } } }
        b: portalOrder(id: $b) { externalReference partner { id } lines { product { sku } } }
        c: portalOrder(id: $c) { externalReference partner { id } lines { product { sku } } }
        d: portalOrder(id: $d) { externalReference partner { id } lines { product { sku } } }
        e: portalOrder(id: $e) { externalReference partner { id } lines { product { sku } } } }`,
      { a: ids[0], b: ids[1], c: ids[2], d: ids[3], e: ids[4] },
    );
    assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
    assert.deepEqual(
      Object.values(response.body.data ?? {}).map((order) => order.externalReference),
      ['ACME-PO-1001', 'ACME-PO-1002', 'ACME-PO-1003', 'ACME-PO-1004', 'ACME-PO-1005'],
    );
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'partner_portal.listOrders': 1,
      'partner_portal.listPartners': 1,
      'partner_portal.listProducts': 1,
    });
  });

  it("lists a partner's portal orders oldest first, across pages", async () => {
    const LIST = `query ($id: ID!, $first: Int, $after: String) { partner(id: $id) {
      portalOrders(first: $first, after: $after) { totalCount nodes { externalReference status }
        pageInfo { hasNextPage hasPreviousPage } } } }`;
    interface ListShape {
      partner: {
        portalOrders: {
          totalCount: number;
          nodes: { externalReference: string; status: string }[];
          pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor?: string };
        };
      };
    }
    const all = await stack.gql<ListShape>(LIST, { id: ACME });
    assert.deepEqual(all.body, {
      data: {
        partner: {
          portalOrders: {
            totalCount: 5,
            nodes: [
              { externalReference: 'ACME-PO-1001', status: 'DELIVERED' },
              { externalReference: 'ACME-PO-1002', status: 'SHIPPED' },
              { externalReference: 'ACME-PO-1003', status: 'PROCESSING' },
              { externalReference: 'ACME-PO-1004', status: 'PENDING' },
              { externalReference: 'ACME-PO-1005', status: 'CANCELLED' },
            ],
            pageInfo: { hasNextPage: false, hasPreviousPage: false },
          },
        },
      },
    });

    const PAGE = LIST.replace('hasPreviousPage }', 'hasPreviousPage endCursor }');
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 3; page++) {
      const response = await stack.gql<ListShape>(PAGE, { id: ACME, first: 2, after });
      assert.equal(response.body.errors, undefined);
      const connection = response.body.data?.partner.portalOrders;
      assert.ok(connection);
      seen.push(...connection.nodes.map((node) => node.externalReference));
      assert.equal(connection.totalCount, 5);
      assert.equal(connection.pageInfo.hasPreviousPage, page > 0);
      assert.equal(connection.pageInfo.hasNextPage, page < 2);
      after = connection.pageInfo.endCursor;
    }
    assert.deepEqual(seen, ['ACME-PO-1001', 'ACME-PO-1002', 'ACME-PO-1003', 'ACME-PO-1004', 'ACME-PO-1005']);

    // A cursor of ACME's orders is not one of another partner's.
    const foreign = await stack.gql(PAGE, { id: PARTNER_2, after });
    assert.equal(foreign.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    const none = await stack.gql(LIST, { id: PARTNER_2 });
    assert.deepEqual(none.body, {
      data: {
        partner: {
          portalOrders: {
            totalCount: 0,
            nodes: [],
            pageInfo: { hasNextPage: false, hasPreviousPage: false },
          },
        },
      },
    });
  });

  it('creates a PENDING order priced with volume tiers: one write, and one batched read each for the partner and products selected', async () => {
    const before = await upstreamCalls(stack.gateway);
    const payload = await create({
      partnerId: PARTNER_2,
      externalReference: 'P2-PO-1',
      lines: [
        { productId: PRODUCT('31001'), quantity: 10 },
        { productId: PRODUCT('MERCH-TSHIRT'), quantity: 1 },
      ],
    });
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'partner_portal.createOrder': 1,
      'partner_portal.listPartners': 1,
      'partner_portal.listProducts': 1,
    });
    assert.deepEqual(payload.userErrors, []);
    assert.match(payload.portalOrder?.id ?? '', /^ord_[0-9A-Z]{26}$/);
    assert.deepEqual(payload.portalOrder, {
      id: payload.portalOrder?.id,
      externalReference: 'P2-PO-1',
      status: 'PENDING',
      createdAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T10:00:00.000Z',
      total: dkk(1099),
      partner: { id: PARTNER_2, externalId: 'PARTNER-002' },
      lines: [
        {
          sku: '31001',
          name: 'Aquarium day admission',
          quantity: 10,
          unitPrice: dkk(90),
          lineTotal: dkk(900),
          product: {
            id: PRODUCT('31001'),
            vendor: 'PARTNER_PORTAL',
            sku: '31001',
            name: 'Aquarium day admission',
            description:
              'Aquarium day admission, bookable 09:00–17:00 every day. Tickets are issued through the NaviPartner Channel Manager.',
            price: dkk(100),
            minQuantity: 1,
          },
        },
        {
          sku: 'MERCH-TSHIRT',
          name: 'Aquarium T-shirt',
          quantity: 1,
          unitPrice: dkk(199),
          lineTotal: dkk(199),
          product: {
            id: PRODUCT('MERCH-TSHIRT'),
            vendor: 'PARTNER_PORTAL',
            sku: 'MERCH-TSHIRT',
            name: 'Aquarium T-shirt',
            description: 'Organic cotton T-shirt with the aquarium logo.',
            price: dkk(199),
            minQuantity: 1,
          },
        },
      ],
    });
  });

  it('answers a resubmitted identical order with the existing one, and other lines with DUPLICATE', async () => {
    const input = {
      partnerId: PARTNER_2,
      externalReference: 'P2-PO-RETRY',
      lines: [{ productId: PRODUCT('31002'), quantity: 2 }],
    };
    const first = await create(input);
    const before = await upstreamCalls(stack.gateway);
    const second = await create(input);
    // The 409 names the existing order; one batched read fetches it (and the selected partner and product).
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'partner_portal.createOrder': 1,
      'partner_portal.listOrders': 1,
      'partner_portal.listPartners': 1,
      'partner_portal.listProducts': 1,
    });
    assert.deepEqual(second, first);
    assert.deepEqual(second.userErrors, []);

    const different = await create({ ...input, lines: [{ productId: PRODUCT('31002'), quantity: 3 }] });
    assert.deepEqual(different, {
      portalOrder: null,
      userErrors: [
        {
          code: 'DUPLICATE',
          field: ['input', 'externalReference'],
          message:
            'This partner already has a portal order with this externalReference, with different lines.',
        },
      ],
    });
    // The same reference under another partner is another order.
    const elsewhere = await create({ ...input, partnerId: ACME });
    assert.deepEqual(elsewhere.userErrors, []);
    assert.notEqual(elsewhere.portalOrder?.id, first.portalOrder?.id);
  });

  it('rejects broken input with VALIDATION errors naming each field, without calling the vendor', async () => {
    const before = await upstreamCalls(stack.gateway);
    const payload = await create({
      partnerId: '',
      externalReference: '   ',
      lines: [
        { productId: PRODUCT('31001'), quantity: 0 },
        { productId: '', quantity: 10_001 },
      ],
    });
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {});
    assert.equal(payload.portalOrder, null);
    assert.deepEqual(payload.userErrors.map((error) => [error.code, error.field?.join('.')]).sort(), [
      ['VALIDATION', 'input.externalReference'],
      ['VALIDATION', 'input.lines.0.quantity'],
      ['VALIDATION', 'input.lines.1.productId'],
      ['VALIDATION', 'input.lines.1.quantity'],
      ['VALIDATION', 'input.partnerId'],
    ]);
    const empty = await create({ partnerId: ACME, externalReference: 'EMPTY', lines: [] });
    assert.deepEqual(
      empty.userErrors.map((error) => [error.code, error.field]),
      [['VALIDATION', ['input', 'lines']]],
    );
  });

  it("maps the vendor's own checks (unknown partner and product, inactive product, minimum quantity) to input paths", async () => {
    const payload = await create({
      partnerId: 'ptn_01JNOSUCHPARTNER0000000000',
      externalReference: 'VENDOR-CHECKS',
      lines: [
        { productId: 'prd_01JNOSUCHPRODUCT0000000000', quantity: 1 },
        { productId: PRODUCT('MERCH-MUG'), quantity: 1 },
        { productId: PRODUCT('MERCH-GUIDEBOOK'), quantity: 2 },
      ],
    });
    assert.equal(payload.portalOrder, null);
    assert.deepEqual(
      payload.userErrors.map((error) => [error.code, error.field?.join('.')]),
      [
        ['VALIDATION', 'input.partnerId'],
        ['VALIDATION', 'input.lines.0.productId'],
        ['VALIDATION', 'input.lines.1.productId'],
        ['VALIDATION', 'input.lines.2.quantity'],
      ],
    );
    assert.match(payload.userErrors[3]?.message ?? '', /^lines\.2\.quantity: must be at least 5/);
  });
});
