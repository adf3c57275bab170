import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NfcTagifyRequestError } from '../../src/vendors/nfctagify/client.js';
import type { NtCreateOrderRequest, NtOrder, NtPage } from '../../src/vendors/nfctagify/contract.js';
import { inputPath, userErrorsFromVendor } from '../../src/vendors/nfctagify/mappers.js';
import { SEEDED_ORDER_IDS } from '../../src/vendors/nfctagify/sandbox.js';
import type { Transport } from '../../src/vendors/transport.js';
import { callsSince, upstreamCalls } from '../support/upstream-calls.js';
import { startStack } from '../support/stack.js';
import type { GraphQLResponse, TestStack } from '../support/stack.js';

const MINUTE = 60_000;

const PRODUCT_FIELDS = 'id vendor sku name description price { amount currency } minQuantity';
const CARD_ORDER_FIELDS = `
  id status customerReference quantity createdAt updatedAt trackingNumber
  total { amount currency }
  shipping { name addressLine1 addressLine2 city postcode country }
  product { ${PRODUCT_FIELDS} }
  lines { id name quantity unitPrice { amount currency } status product { id } }`;

const CREATE = `mutation ($input: CardOrderInput!) {
  createCardOrder(input: $input) { cardOrder { ${CARD_ORDER_FIELDS} } userErrors { field message code } } }`;
const GET = `query ($id: ID!) { cardOrder(id: $id) { ${CARD_ORDER_FIELDS} } }`;

interface UserErrorShape {
  field: string[] | null;
  message: string;
  code: string;
}
interface CardOrderShape {
  id: string;
  status: string;
  customerReference: string;
  quantity: number;
  createdAt: string;
  updatedAt: string;
  trackingNumber: string | null;
  total: { amount: number; currency: string };
  shipping: Record<string, string | null>;
  product: { id: string } | null;
  lines: { id: string; status: string }[];
}
interface Payload {
  cardOrder: CardOrderShape | null;
  userErrors: UserErrorShape[];
}
interface ListShape {
  cardOrders: {
    totalCount: number;
    nodes: { id: string; status: string; customerReference: string }[];
    edges: { cursor: string; node: { id: string } }[];
    pageInfo: {
      hasNextPage: boolean;
      hasPreviousPage: boolean;
      startCursor: string | null;
      endCursor: string | null;
    };
  };
}
const LIST = `query ($filter: CardOrderFilter, $first: Int, $after: String) {
  cardOrders(filter: $filter, first: $first, after: $after) {
    totalCount nodes { id status customerReference } edges { cursor node { id } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;

const STANDARD_CARD = {
  id: 'prod_abc123',
  vendor: 'NFC_TAGIFY',
  sku: null,
  name: 'NFC Business Card — Standard',
  description: '85.6 × 54 mm PVC card with NFC chip',
  // The stack's account has a negotiated price on this card (3.50 standard).
  price: { amount: 3.1, currency: 'GBP' },
  minQuantity: 1,
};
const KEY_FOB = {
  id: 'prod_fob321',
  vendor: 'NFC_TAGIFY',
  sku: null,
  name: 'NFC Key Fob',
  description: 'ABS key fob with NFC chip and split ring',
  price: { amount: 2.75, currency: 'GBP' },
  minQuantity: 5,
};

function cardInput(reference: string, overrides: Record<string, unknown> = {}) {
  return {
    productId: 'prod_abc123',
    quantity: 50,
    customerReference: reference,
    shipping: {
      name: 'Jane Smith',
      addressLine1: '12 Example Street',
      addressLine2: 'Floor 2',
      city: 'London',
      postcode: 'EC1A 1BB',
      country: 'GB',
    },
    ...overrides,
  };
}

async function createdOrders(stack: TestStack, reference: string): Promise<number> {
  const list = await stack.gql<ListShape>(LIST, { filter: { customerReference: reference } });
  assert.equal(list.body.errors, undefined, JSON.stringify(list.body.errors));
  return list.body.data?.cardOrders.totalCount ?? -1;
}

describe('card orders through the gateway over HTTP', () => {
  let stack: TestStack;
  const start = Date.parse('2026-12-01T10:00:00Z');
  let clock = new Date(start);

  before(async () => {
    stack = await startStack({ seed: true, now: () => clock });
  });
  after(async () => {
    await stack.close();
  });

  async function create(input: Record<string, unknown>): Promise<Payload> {
    const response = await stack.gql<{ createCardOrder: Payload }>(CREATE, { input });
    assert.equal(response.status, 200);
    assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
    const payload = response.body.data?.createCardOrder;
    assert.ok(payload);
    return payload;
  }

  it('reads a seeded dispatched order whole, with its product and lines', async () => {
    const response = await stack.gql(GET, { id: SEEDED_ORDER_IDS[10] });
    // Seeded 35 minutes before start, dispatched 10 minutes after creation.
    assert.deepEqual(response.body, {
      data: {
        cardOrder: {
          id: 'ord_seed000011',
          status: 'DISPATCHED',
          customerReference: 'SEED-REF-011',
          quantity: 10,
          createdAt: '2026-12-01T09:25:00.000Z',
          updatedAt: '2026-12-01T09:35:00.000Z',
          trackingNumber: 'NT100000119GB',
          total: { amount: 27.5, currency: 'GBP' },
          shipping: {
            name: 'Aoife Byrne',
            addressLine1: '3 Quay Lane',
            addressLine2: null,
            city: 'Dublin',
            postcode: 'D02 X285',
            country: 'IE',
          },
          product: KEY_FOB,
          lines: [
            {
              id: 'li_seed000011',
              name: 'NFC Key Fob',
              quantity: 10,
              unitPrice: { amount: 2.75, currency: 'GBP' },
              status: 'DISPATCHED',
              product: { id: 'prod_fob321' },
            },
          ],
        },
      },
    });
  });

  it('answers null, without errors, for an order the vendor does not have', async () => {
    const response = await stack.gql(`{ cardOrder(id: "ord_doesnotexist") { id } }`);
    assert.deepEqual(response.body, { data: { cardOrder: null } });
  });

  it('creates an order: a reference check, the create and one read of the new order', async () => {
    const before = await upstreamCalls(stack.gateway);
    const payload = await create(cardInput('CARD-NEW-1'));
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'nfc_tagify.listOrders': 1,
      'nfc_tagify.createOrder': 1,
      'nfc_tagify.getOrder': 1,
      'nfc_tagify.listProducts': 1,
    });
    const order = payload.cardOrder;
    assert.ok(order);
    assert.match(order.id, /^ord_[a-z0-9]{10}$/);
    assert.match(order.lines[0]?.id ?? '', /^li_[a-z0-9]{10}$/);
    assert.deepEqual(payload, {
      cardOrder: {
        id: order.id,
        status: 'PENDING',
        customerReference: 'CARD-NEW-1',
        quantity: 50,
        createdAt: '2026-12-01T10:00:00.000Z',
        updatedAt: '2026-12-01T10:00:00.000Z',
        trackingNumber: null,
        total: { amount: 155, currency: 'GBP' },
        shipping: {
          name: 'Jane Smith',
          addressLine1: '12 Example Street',
          addressLine2: 'Floor 2',
          city: 'London',
          postcode: 'EC1A 1BB',
          country: 'GB',
        },
        product: STANDARD_CARD,
        lines: [
          {
            id: order.lines[0]?.id,
            name: 'NFC Business Card — Standard',
            quantity: 50,
            unitPrice: { amount: 3.1, currency: 'GBP' },
            status: 'PENDING',
            product: { id: 'prod_abc123' },
          },
        ],
      },
      userErrors: [],
    });
  });

  it('rejects invalid input with VALIDATION errors naming each field, without calling the vendor', async () => {
    const before = await upstreamCalls(stack.gateway);
    const payload = await create({
      productId: ' ',
      quantity: 0,
      customerReference: 'x'.repeat(101),
      shipping: {
        name: '   ',
        addressLine1: '1 Road',
        addressLine2: 'y'.repeat(101),
        city: '',
        postcode: 'EC1A 1BB EC1A 1BB',
        country: 'gb',
      },
    });
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {});
    assert.equal(payload.cardOrder, null);
    assert.ok(payload.userErrors.every((error) => error.code === 'VALIDATION'));
    assert.deepEqual(payload.userErrors.map((error) => (error.field ?? []).join('.')).sort(), [
      'input.customerReference',
      'input.productId',
      'input.quantity',
      'input.shipping.addressLine2',
      'input.shipping.city',
      'input.shipping.country',
      'input.shipping.name',
      'input.shipping.postcode',
    ]);
    const postcode = payload.userErrors.find((error) => error.field?.join('.') === 'input.shipping.postcode');
    assert.match(postcode?.message ?? '', /^shipping\.postcode: .*16 characters/);
  });

  it("maps the vendor's own validation (min quantity, unknown product) onto the input's fields", async () => {
    const tooFew = await create(cardInput('CARD-MIN-1', { productId: 'prod_stk789', quantity: 3 }));
    assert.deepEqual(tooFew, {
      cardOrder: null,
      userErrors: [
        {
          code: 'VALIDATION',
          field: ['input', 'quantity'],
          message: 'quantity: must be at least 10 (min_quantity of prod_stk789)',
        },
      ],
    });
    const unknown = await create(cardInput('CARD-UNKNOWN-1', { productId: 'prod_nope' }));
    assert.deepEqual(
      unknown.userErrors.map((error) => [error.code, error.field]),
      [['VALIDATION', ['input', 'productId']]],
    );
    assert.equal(await createdOrders(stack, 'CARD-MIN-1'), 0);
  });

  it('answers a resubmitted identical order with the existing one, and other content with DUPLICATE', async () => {
    const input = cardInput('CARD-RETRY-1', { quantity: 20 });
    const first = await create(input);
    const before = await upstreamCalls(stack.gateway);
    const second = await create({ ...input, shipping: { ...input.shipping } });
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'nfc_tagify.listOrders': 1,
      'nfc_tagify.listProducts': 1,
    });
    assert.deepEqual(second, first);
    assert.equal(await createdOrders(stack, 'CARD-RETRY-1'), 1);

    const different = await create({ ...input, quantity: 21 });
    assert.deepEqual(different, {
      cardOrder: null,
      userErrors: [
        {
          code: 'DUPLICATE',
          field: ['input', 'customerReference'],
          message: 'A card order with this customerReference already exists, with different content.',
        },
      ],
    });
    const otherAddress = await create({ ...input, shipping: { ...input.shipping, addressLine2: null } });
    assert.deepEqual(
      otherAddress.userErrors.map((error) => error.code),
      ['DUPLICATE'],
    );
    assert.equal(await createdOrders(stack, 'CARD-RETRY-1'), 1);
  });

  it('advances the status with the vendor clock: processing, dispatched with tracking, delivered', async () => {
    clock = new Date(start + 5 * MINUTE);
    const created = await create(
      cardInput('CARD-CLOCK-1', { shipping: { ...cardInput('').shipping, addressLine2: null } }),
    );
    const id = created.cardOrder?.id;
    assert.ok(id);
    assert.equal(created.cardOrder?.shipping.addressLine2, null);
    const seen = async (minutes: number) => {
      clock = new Date(start + (5 + minutes) * MINUTE);
      const response = await stack.gql<{ cardOrder: CardOrderShape }>(GET, { id });
      assert.equal(response.body.errors, undefined);
      const order = response.body.data?.cardOrder;
      return [order?.status, order?.lines[0]?.status, order?.updatedAt, order?.trackingNumber !== null];
    };
    assert.deepEqual(await seen(0.5), ['PENDING', 'PENDING', '2026-12-01T10:05:00.000Z', false]);
    assert.deepEqual(await seen(1), ['PROCESSING', 'PROCESSING', '2026-12-01T10:06:00.000Z', false]);
    assert.deepEqual(await seen(10), ['DISPATCHED', 'DISPATCHED', '2026-12-01T10:15:00.000Z', true]);
    assert.deepEqual(await seen(75), ['DELIVERED', 'DELIVERED', '2026-12-01T11:05:00.000Z', true]);
  });

  it('lists newest first, filters by status, reference and an inclusive created window', async () => {
    const all = await stack.gql<{
      cardOrders: { totalCount: number; nodes: { id: string; createdAt: string }[] };
    }>(`{ cardOrders(first: 100) { totalCount nodes { id createdAt } } }`);
    assert.equal(all.body.errors, undefined);
    const nodes = all.body.data?.cardOrders.nodes ?? [];
    assert.equal(all.body.data?.cardOrders.totalCount, nodes.length);
    const times = nodes.map((node) => node.createdAt);
    assert.deepEqual(times, [...times].sort().reverse());
    assert.deepEqual(
      nodes.map((node) => node.id).filter((id) => id.startsWith('ord_seed')),
      [...SEEDED_ORDER_IDS].reverse(),
    );

    const refs = async (filter: Record<string, unknown>) => {
      const response = await stack.gql<ListShape>(LIST, { filter, first: 100 });
      assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
      return response.body.data?.cardOrders.nodes.map((node) => node.customerReference);
    };
    assert.deepEqual(await refs({ status: 'CANCELLED' }), ['SEED-REF-008', 'SEED-REF-003']);
    assert.deepEqual(await refs({ customerReference: 'SEED-REF-004' }), ['SEED-REF-004']);
    assert.deepEqual(await refs({ customerReference: 'seed-ref-004' }), []);
    // Seeded #9 at start − 2 d 3 h, #10 at start − 1 d 2 h: both bounds inclusive, to the second.
    const window = { createdFrom: '2026-11-29T07:00:00Z', createdTo: '2026-11-30T08:00:00.999Z' };
    assert.deepEqual(await refs(window), ['SEED-REF-010', 'SEED-REF-009']);
    assert.deepEqual(
      await refs({ createdFrom: '2026-11-29T07:00:00.001Z', createdTo: '2026-11-30T08:00:00Z' }),
      ['SEED-REF-010'],
    );
    assert.deepEqual(await refs({ ...window, status: 'CANCELLED' }), []);
  });

  it('answers one list call and one catalogue call for a page of orders with their products', async () => {
    const before = await upstreamCalls(stack.gateway);
    const response = await stack.gql<ListShape>(
      `{ cardOrders(first: 13) { nodes { id product { id price { amount } } lines { product { id name } } } } }`,
    );
    assert.equal(response.body.errors, undefined);
    assert.equal(response.body.data?.cardOrders.nodes.length, 13);
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'nfc_tagify.listOrders': 1,
      'nfc_tagify.listProducts': 1,
    });
  });

  it('refuses a foreign cursor, a cursor of another filter, a bad page size and a reversed window', async () => {
    const codes = async (variables: Record<string, unknown>) => {
      const response = await stack.gql(LIST, variables);
      return response.body.errors?.map((error) => [error.extensions?.code, error.message]);
    };
    const page = await stack.gql<ListShape>(LIST, { first: 2 });
    const cursor = page.body.data?.cardOrders.pageInfo.endCursor;
    assert.ok(cursor);
    assert.deepEqual(await codes({ after: 'bm90LW91cnM' }), [
      ['BAD_USER_INPUT', 'after is not a cursor this list gave out.'],
    ]);
    assert.deepEqual(await codes({ after: cursor, filter: { status: 'PENDING' } }), [
      ['BAD_USER_INPUT', 'after belongs to a cardOrders list with another filter.'],
    ]);
    assert.deepEqual(await codes({ first: 101 }), [
      ['BAD_USER_INPUT', 'first must be between 0 and 100, got 101.'],
    ]);
    assert.deepEqual(
      await codes({ filter: { createdFrom: '2026-12-02T00:00:00Z', createdTo: '2026-12-01T00:00:00Z' } }),
      [['BAD_USER_INPUT', 'filter.createdTo must not be before filter.createdFrom.']],
    );
  });
});

describe('walking cardOrders across vendor pages', () => {
  let stack: TestStack;
  let clock = new Date('2026-12-01T10:00:00Z');
  /** Every order, newest first, as the vendor lists it. */
  const truth: NtOrder[] = [];
  const EXTRA = 120;

  before(async () => {
    stack = await startStack({
      seed: true,
      now: () => clock,
      sandboxes: { nfcTagify: { requestsPerMinute: 100_000, ordersPerDay: 10_000 } },
      env: { NFC_TAGIFY_REQUESTS_PER_MINUTE: '100000' },
    });
    const { baseUrl } = stack.nfcTagify;
    const headers = {
      authorization: `Bearer ${stack.endpoints.nfcTagify.apiKey}`,
      'content-type': 'application/json',
    };
    // Straight at the vendor: the gateway's pacing is not what this walk is about.
    for (let index = 0; index < EXTRA; index++) {
      // 24 s in all: every one is still pending, several share a second (the vendor breaks ties by id).
      clock = new Date(clock.getTime() + 200);
      const body: NtCreateOrderRequest = {
        product_id: index % 2 ? 'prod_abc123' : 'prod_mtl456',
        quantity: 1 + index,
        customer_reference: `WALK-${index}`,
        shipping: { name: 'W', address_line1: 'A', city: 'C', postcode: 'P', country: 'GB' },
      };
      const response = await fetch(`${baseUrl}/orders`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
      assert.equal(response.status, 201);
    }
    for (let page = 1; ; page++) {
      const response = await fetch(`${baseUrl}/orders?per_page=100&page=${page}`, { headers });
      const body = (await response.json()) as NtPage<NtOrder>;
      truth.push(...body.data);
      if (page >= body.meta.total_pages) break;
    }
    assert.equal(truth.length, EXTRA + SEEDED_ORDER_IDS.length);
  });
  after(async () => {
    await stack.close();
  });

  /** Walks the whole list with the given page sizes (cycled), checking every page's shape and call count. */
  async function walk(sizes: number[], filter?: Record<string, unknown>) {
    const ids: string[] = [];
    const callsPerPage: number[] = [];
    let after: string | null = null;
    for (let index = 0; ; index++) {
      const first = sizes[index % sizes.length]!;
      const before = await upstreamCalls(stack.gateway);
      const response: GraphQLResponse<ListShape> = await stack.gql<ListShape>(LIST, { first, after, filter });
      const calls = callsSince(before, await upstreamCalls(stack.gateway));
      assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
      assert.deepEqual(Object.keys(calls), ['nfc_tagify.listOrders']);
      callsPerPage.push(calls['nfc_tagify.listOrders']!);
      const connection = response.body.data!.cardOrders;
      const expectedTotal = filter ? connection.totalCount : truth.length;
      assert.equal(connection.totalCount, expectedTotal);
      assert.equal(connection.pageInfo.hasPreviousPage, ids.length > 0);
      assert.deepEqual(
        connection.edges.map((edge) => edge.node.id),
        connection.nodes.map((node) => node.id),
      );
      assert.equal(connection.pageInfo.startCursor, connection.edges[0]?.cursor ?? null);
      assert.equal(connection.pageInfo.endCursor, connection.edges.at(-1)?.cursor ?? null);
      ids.push(...connection.nodes.map((node) => node.id));
      assert.equal(connection.pageInfo.hasNextPage, ids.length < expectedTotal);
      if (!connection.pageInfo.hasNextPage) break;
      assert.equal(connection.nodes.length, first);
      after = connection.pageInfo.endCursor;
    }
    return { ids, callsPerPage };
  }

  for (const first of [1, 7, 20, 100]) {
    it(`walks all ${EXTRA + 13} orders with first: ${first}, one vendor call a page`, async () => {
      const { ids, callsPerPage } = await walk([first]);
      assert.deepEqual(
        ids,
        truth.map((order) => order.order_id),
      );
      assert.ok(
        callsPerPage.every((calls) => calls === 1),
        callsPerPage.join(','),
      );
    });
  }

  it('walks with changing page sizes, straddling vendor pages in at most two calls', async () => {
    const { ids, callsPerPage } = await walk([3, 100, 17, 1, 50]);
    assert.deepEqual(
      ids,
      truth.map((order) => order.order_id),
    );
    assert.ok(
      callsPerPage.every((calls) => calls <= 2),
      callsPerPage.join(','),
    );
    assert.equal(callsPerPage[1], 2, 'orders 3–102 lie on two vendor pages of 100');
  });

  it('agrees with one big page, and walks a filtered list', async () => {
    const big = await stack.gql<ListShape>(LIST, { first: 100 });
    const { ids } = await walk([9]);
    assert.deepEqual(
      big.body.data?.cardOrders.nodes.map((node) => node.id),
      ids.slice(0, 100),
    );
    const pending = truth.filter((order) => order.status === 'pending').map((order) => order.order_id);
    assert.ok(pending.length > 100);
    const filtered = await walk([30], { status: 'PENDING' });
    assert.deepEqual(filtered.ids, pending);
  });

  it('answers first: 0 with the total and no orders, in one call', async () => {
    const before = await upstreamCalls(stack.gateway);
    const response = await stack.gql<ListShape>(LIST, { first: 0 });
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), { 'nfc_tagify.listOrders': 1 });
    assert.deepEqual(response.body, {
      data: {
        cardOrders: {
          totalCount: truth.length,
          nodes: [],
          edges: [],
          pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null },
        },
      },
    });
  });

  it('answers an empty last page past the end', async () => {
    const page = await stack.gql<ListShape>(LIST, { first: 100, after: null });
    const second = await stack.gql<ListShape>(LIST, {
      first: 100,
      after: page.body.data?.cardOrders.pageInfo.endCursor,
    });
    assert.equal(second.body.data?.cardOrders.nodes.length, truth.length - 100);
    const last = second.body.data?.cardOrders.pageInfo.endCursor;
    const beyond = await stack.gql<ListShape>(LIST, { first: 5, after: last });
    assert.equal(beyond.body.errors, undefined);
    assert.deepEqual(beyond.body.data?.cardOrders.nodes, []);
    assert.equal(beyond.body.data?.cardOrders.pageInfo.hasNextPage, false);
    assert.equal(beyond.body.data?.cardOrders.pageInfo.hasPreviousPage, true);
  });
});

/**
 * Lets the vendor carry out the next create and throws its answer away (`lose`), or drops the next create before
 * the vendor sees it (`drop`): either way the gateway cannot know whether the order exists.
 */
function faultyCreates(inner: Transport, faults: { lose: number; drop: number }): Transport {
  return {
    async send(request) {
      const isCreate = request.method === 'POST' && request.url.endsWith('/api/partner/orders');
      if (isCreate && faults.drop > 0) {
        faults.drop--;
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      }
      const response = await inner.send(request);
      if (isCreate && faults.lose > 0) {
        faults.lose--;
        await response.text();
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      }
      return response;
    },
    close: () => inner.close(),
  };
}

describe('createCardOrder when the response is lost or the request is doubled', () => {
  let stack: TestStack;
  const faults = { lose: 0, drop: 0 };

  before(async () => {
    stack = await startStack({ wrapTransport: (inner) => faultyCreates(inner, faults) });
  });
  after(async () => {
    await stack.close();
  });

  const create = (reference: string) =>
    stack.gql<{ createCardOrder: Payload }>(CREATE, { input: cardInput(reference) });

  it('answers the one order the vendor made when its answer was lost, without creating again', async () => {
    faults.lose = 1;
    const before = await upstreamCalls(stack.gateway);
    const response = await create('LOST-1');
    assert.equal(faults.lose, 0, 'the fault was injected');
    assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
    assert.deepEqual(response.body.data?.createCardOrder.userErrors, []);
    assert.equal(response.body.data?.createCardOrder.cardOrder?.customerReference, 'LOST-1');
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'nfc_tagify.listOrders': 2,
      'nfc_tagify.createOrder': 1,
      'nfc_tagify.listProducts': 1,
    });
    assert.equal(await createdOrders(stack, 'LOST-1'), 1);
  });

  it('creates once more when the lost request never reached the vendor', async () => {
    faults.drop = 1;
    const response = await create('LOST-2');
    assert.equal(faults.drop, 0, 'the fault was injected');
    assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
    assert.deepEqual(response.body.data?.createCardOrder.userErrors, []);
    assert.ok(response.body.data?.createCardOrder.cardOrder?.id);
    assert.equal(await createdOrders(stack, 'LOST-2'), 1);
  });

  it('answers two identical requests sent at once with the same single order', async () => {
    const [a, b] = await Promise.all([create('TWICE-1'), create('TWICE-1')]);
    for (const response of [a, b]) {
      assert.equal(response.body.errors, undefined);
      assert.deepEqual(response.body.data?.createCardOrder.userErrors, []);
    }
    assert.ok(a.body.data?.createCardOrder.cardOrder?.id);
    assert.deepEqual(a.body.data?.createCardOrder, b.body.data?.createCardOrder);
    assert.equal(await createdOrders(stack, 'TWICE-1'), 1);
  });
});

describe('NFC Tagify vendor errors as user errors', () => {
  it('names our input paths for the vendor’s dotted fields', () => {
    assert.deepEqual(inputPath('shipping.postcode'), ['input', 'shipping', 'postcode']);
    assert.deepEqual(inputPath('shipping.address_line1'), ['input', 'shipping', 'addressLine1']);
    assert.deepEqual(inputPath('product_id'), ['input', 'productId']);
    assert.deepEqual(inputPath('customer_reference'), ['input', 'customerReference']);
    assert.deepEqual(inputPath('body'), ['input']);
  });

  it('turns a VALIDATION_ERROR into one user error per detail, and anything else into REJECTED', () => {
    const validation = new NfcTagifyRequestError(400, 'VALIDATION_ERROR', 'Invalid request', [
      { field: 'shipping.postcode', message: 'must be at most 16 characters' },
      { field: 'product_id', message: 'is required' },
    ]);
    assert.deepEqual(JSON.parse(JSON.stringify(userErrorsFromVendor(validation))) as unknown, [
      {
        code: 'VALIDATION',
        field: ['input', 'shipping', 'postcode'],
        message: 'shipping.postcode: must be at most 16 characters',
      },
      { code: 'VALIDATION', field: ['input', 'productId'], message: 'productId: is required' },
    ]);
    const other = new NfcTagifyRequestError(404, 'NOT_FOUND', 'No such route', []);
    assert.deepEqual(JSON.parse(JSON.stringify(userErrorsFromVendor(other))) as unknown, [
      { code: 'REJECTED', message: 'NFC Tagify rejected the order (HTTP 404).' },
    ]);
  });
});
