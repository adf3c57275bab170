import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PartnerLinkStore } from '../../src/store/partner-links.js';
import { SEEDED_PARTNER_ID as CM_PARTNER } from '../../src/vendors/navipartner/sandbox.js';
import { SEEDED_PARTNER_ID as ACME } from '../../src/vendors/partnerportal/sandbox.js';
import { callsSince, upstreamCalls } from '../support/upstream-calls.js';
import { startStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

const PARTNER_FIELDS = 'id externalId name email phone createdAt updatedAt links { channelManagerPartnerId }';
const PAYLOAD = `partner { ${PARTNER_FIELDS} } userErrors { field message code }`;
const CREATE = `mutation ($input: PartnerInput!) { createPartner(input: $input) { ${PAYLOAD} } }`;
const UPDATE = `mutation ($id: ID!, $input: PartnerUpdateInput!) { updatePartner(id: $id, input: $input) { ${PAYLOAD} } }`;
const LINK = `mutation ($id: ID!, $links: PartnerLinksInput!) { linkPartner(id: $id, links: $links) { ${PAYLOAD} } }`;

interface PartnerShape {
  id: string;
  externalId: string;
  name: string;
  email: string | null;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
  links: { channelManagerPartnerId: string | null };
}
interface Payload {
  partner: PartnerShape | null;
  userErrors: { field: string[] | null; message: string; code: string }[];
}
interface PageShape {
  totalCount: number;
  nodes: { id: string; externalId: string }[];
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

/** `ptn_01JSEED…NN`: the sandbox's seeded partner n (1 is ACME-001). */
const seeded = (n: number) => `ptn_01JSEED${String(n).padStart(19, '0')}`;

const ACME_PARTNER: PartnerShape = {
  id: ACME,
  externalId: 'ACME-001',
  name: 'ACME Supplies',
  email: 'ops@acme.example',
  phone: '+91 98765 43210',
  createdAt: '2026-05-22T05:30:00.000Z',
  updatedAt: '2026-05-22T05:30:00.000Z',
  links: { channelManagerPartnerId: CM_PARTNER },
};

const EMPTY_PAGE = {
  totalCount: 0,
  nodes: [],
  pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
};

/** Counts the store's link queries by wrapping the store's own method (restored by the returned function). */
function countLinkQueries(links: PartnerLinkStore): { batches: string[][]; restore: () => void } {
  const batches: string[][] = [];
  const original = links.byPartnerIds.bind(links);
  links.byPartnerIds = (ids) => {
    batches.push([...ids]);
    return original(ids);
  };
  return { batches, restore: () => void (links.byPartnerIds = original) };
}

describe('partners: reads, links to ticket orders, paging and upstream calls', () => {
  let stack: TestStack;

  before(async () => {
    stack = await startStack({ seed: true });
  });
  after(async () => {
    await stack.close();
  });

  it('reads the seeded ACME-001 with its link and its Channel Manager ticket orders', async () => {
    const response = await stack.gql(
      `query ($id: ID!) { partner(id: $id) { ${PARTNER_FIELDS}
        ticketOrders { totalCount nodes { id partnerId sellToOrderReference status } } } }`,
      { id: ACME },
    );
    assert.deepEqual(response.body, {
      data: {
        partner: {
          ...ACME_PARTNER,
          ticketOrders: {
            totalCount: 1,
            nodes: [
              {
                id: '9c6b2f4e-2b71-4d23-9d6a-a3b4c5d6e7f8',
                partnerId: CM_PARTNER,
                sellToOrderReference: 'PARTNER-ORDER-2026-00042',
                status: 'ISSUED',
              },
            ],
          },
        },
      },
    });
  });

  it('answers an empty ticketOrders connection for a partner without a link, without calling the Channel Manager', async () => {
    const before = await upstreamCalls(stack.gateway);
    const response = await stack.gql(
      `query ($id: ID!) { partner(id: $id) { externalId links { channelManagerPartnerId }
        ticketOrders { totalCount nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`,
      { id: seeded(2) },
    );
    assert.deepEqual(response.body, {
      data: {
        partner: {
          externalId: 'PARTNER-002',
          links: { channelManagerPartnerId: null },
          ticketOrders: EMPTY_PAGE,
        },
      },
    });
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'partner_portal.listPartners': 1,
    });
  });

  it('answers null for a partner the vendor does not have, and for an id no vendor id can be, without asking', async () => {
    const unknown = await stack.gql(`{ partner(id: "ptn_01JNOSUCHPARTNER0000000000") { id } }`);
    assert.deepEqual(unknown.body, { data: { partner: null } });

    const before = await upstreamCalls(stack.gateway);
    const odd = await stack.gql(
      `{ a: partner(id: "${ACME},${seeded(2)}") { id } b: partner(id: " ") { id } }`,
    );
    assert.deepEqual(odd.body, { data: { a: null, b: null } });
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {});
  });

  const LIST = `query ($first: Int, $after: String) { partners(first: $first, after: $after) {
    totalCount nodes { id externalId } edges { cursor node { id } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
  const list = async (variables: Record<string, unknown>): Promise<PageShape> => {
    const response = await stack.gql<{ partners: PageShape }>(LIST, variables);
    assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
    assert.ok(response.body.data);
    return response.body.data.partners;
  };
  const numbers = (page: PageShape) => page.nodes.map((node) => Number(node.id.slice(-2)));
  const range = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, index) => from + index);

  it('pages through all 25 seeded partners, oldest first, one vendor call per page', async () => {
    const before = await upstreamCalls(stack.gateway);
    const first = await list({ first: 10 });
    assert.deepEqual(numbers(first), range(1, 10));
    assert.equal(first.nodes[0]?.externalId, 'ACME-001');
    assert.deepEqual(first.pageInfo, {
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: first.edges[0]?.cursor,
      endCursor: first.edges[9]?.cursor,
    });
    assert.equal(first.totalCount, 25);

    const second = await list({ first: 10, after: first.pageInfo.endCursor });
    assert.deepEqual(numbers(second), range(11, 20));
    assert.equal(second.pageInfo.hasNextPage, true);
    assert.equal(second.pageInfo.hasPreviousPage, true);

    const third = await list({ first: 10, after: second.pageInfo.endCursor });
    assert.deepEqual(numbers(third), range(21, 25));
    assert.equal(third.pageInfo.hasNextPage, false);
    assert.equal(third.pageInfo.hasPreviousPage, true);
    assert.equal(third.totalCount, 25);

    const beyond = await list({ first: 10, after: third.pageInfo.endCursor });
    assert.deepEqual(beyond, {
      ...EMPTY_PAGE,
      totalCount: 25,
      edges: [],
      pageInfo: { ...EMPTY_PAGE.pageInfo, hasPreviousPage: true },
    });
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'partner_portal.listPartners': 4,
    });
  });

  it('continues after any edge, not only the last one of a page', async () => {
    const page = await list({ first: 10 });
    const fromFifth = await list({ first: 7, after: page.edges[4]?.cursor });
    assert.deepEqual(numbers(fromFifth), range(6, 12));
    assert.equal(fromFifth.pageInfo.hasNextPage, true);
    const fromThat = await list({ first: 100, after: fromFifth.edges[2]?.cursor });
    assert.deepEqual(numbers(fromThat), range(9, 25));
    assert.equal(fromThat.pageInfo.hasNextPage, false);

    // Skipping 10 and reading 95 does not fit one vendor page of 100: two calls, same answer.
    const all = await list({ first: 100 });
    const before = await upstreamCalls(stack.gateway);
    const deep = await list({ first: 95, after: all.edges[9]?.cursor });
    assert.deepEqual(numbers(deep), range(11, 25));
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'partner_portal.listPartners': 2,
    });
  });

  it('answers first: 0 with no nodes but the totals, and refuses bad sizes and foreign cursors', async () => {
    const none = await list({ first: 0 });
    assert.deepEqual(none, {
      totalCount: 25,
      nodes: [],
      edges: [],
      pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null },
    });

    const big = await stack.gql(LIST, { first: 101 });
    assert.equal(big.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(big.body.errors?.[0]?.message ?? '', /first/);

    const ordersCursor = await stack.gql<{ partner: { portalOrders: { pageInfo: { endCursor: string } } } }>(
      `query ($id: ID!) { partner(id: $id) { portalOrders(first: 1) { pageInfo { endCursor } } } }`,
      { id: ACME },
    );
    const foreign = ordersCursor.body.data?.partner.portalOrders.pageInfo.endCursor;
    assert.ok(foreign);
    for (const after of [
      'not-a-cursor!',
      foreign,
      Buffer.from('{"v":1,"l":"partners","c":"x","s":0}').toString('base64url'),
    ]) {
      const response = await stack.gql(LIST, { after });
      assert.equal(response.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', after);
      assert.match(response.body.errors?.[0]?.message ?? '', /after/);
    }
  });

  it('answers 20 partners with links and ticket orders in one partner list call, one link query and one Channel Manager call per linked partner', async () => {
    const links = countLinkQueries(stack.store.links);
    const before = await upstreamCalls(stack.gateway);
    try {
      const response = await stack.gql<{
        partners: {
          nodes: {
            id: string;
            links: { channelManagerPartnerId: string | null };
            ticketOrders: { totalCount: number };
          }[];
        };
      }>(
        `{ partners(first: 20) { nodes { id links { channelManagerPartnerId }
            ticketOrders(first: 5) { totalCount nodes { id status } } } } }`,
      );
      assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
      const nodes = response.body.data?.partners.nodes ?? [];
      assert.equal(nodes.length, 20);
      assert.deepEqual(
        nodes
          .filter((node) => node.links.channelManagerPartnerId !== null)
          .map((node) => [node.id, node.ticketOrders.totalCount]),
        [[ACME, 1]],
      );
      assert.ok(nodes.slice(1).every((node) => node.ticketOrders.totalCount === 0));
    } finally {
      links.restore();
    }
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'partner_portal.listPartners': 1,
      'channel_manager.listOrdersByPartner': 1,
    });
    assert.equal(links.batches.length, 1);
    assert.equal(links.batches[0]?.length, 20);
  });

  it('adds one portal-order list call per partner, and batches every product and every partner behind them', async () => {
    const before = await upstreamCalls(stack.gateway);
    const response = await stack.gql<{
      partners: {
        nodes: {
          portalOrders: { nodes: { partner: { id: string }; lines: { product: { sku: string } }[] }[] };
        }[];
      };
    }>(
      `{ partners(first: 20) { nodes { id links { channelManagerPartnerId } ticketOrders { totalCount }
          portalOrders(first: 10) { totalCount nodes { id partner { id name } lines { product { id sku } } } } } } }`,
    );
    assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
    const orders = response.body.data?.partners.nodes.flatMap((node) => node.portalOrders.nodes) ?? [];
    assert.equal(orders.length, 5);
    assert.ok(orders.every((order) => order.partner.id === ACME));
    assert.deepEqual(
      orders.map((order) => order.lines.map((line) => line.product.sku)),
      [['31001'], ['31002', 'MERCH-TSHIRT'], ['31003'], ['MERCH-GUIDEBOOK'], ['31001']],
    );
    // The partners behind the orders come primed from the list; the products of all lines in one call.
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'partner_portal.listPartners': 1,
      'partner_portal.listOrders': 20,
      'partner_portal.listProducts': 1,
      'channel_manager.listOrdersByPartner': 1,
    });
  });

  it('batches partner look-ups from several fields into one vendor call', async () => {
    const before = await upstreamCalls(stack.gateway);
    const response = await stack.gql<Record<string, { id: string } | null>>(
      `query ($a: ID!, $b: ID!, $c: ID!) { a: partner(id: $a) { id } b: partner(id: $b) { id } c: partner(id: $c) { id }
        again: partner(id: $a) { id } missing: partner(id: "ptn_01JNOSUCHPARTNER0000000000") { id } }`,
      { a: seeded(7), b: seeded(3), c: seeded(12) },
    );
    assert.deepEqual(response.body, {
      data: {
        a: { id: seeded(7) },
        b: { id: seeded(3) },
        c: { id: seeded(12) },
        again: { id: seeded(7) },
        missing: null,
      },
    });
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'partner_portal.listPartners': 1,
    });
  });
});

describe('partner mutations: create, update, link', () => {
  let stack: TestStack;
  const clock = new Date('2026-12-01T10:00:00Z');

  before(async () => {
    stack = await startStack({ seed: true, now: () => clock });
  });
  after(async () => {
    await stack.close();
  });

  async function mutate(query: string, variables: Record<string, unknown>, field: string): Promise<Payload> {
    const response = await stack.gql<Record<string, Payload>>(query, variables);
    assert.equal(response.status, 200);
    assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
    const payload = response.body.data?.[field];
    assert.ok(payload);
    return payload;
  }
  const create = (input: Record<string, unknown>) => mutate(CREATE, { input }, 'createPartner');
  const update = (id: string, input: Record<string, unknown>) =>
    mutate(UPDATE, { id, input }, 'updatePartner');
  const link = (id: string, links: Record<string, unknown>) => mutate(LINK, { id, links }, 'linkPartner');

  it('creates a partner in one upstream call', async () => {
    const before = await upstreamCalls(stack.gateway);
    const payload = await create({
      externalId: 'NEW-001',
      name: 'New Partner',
      email: 'hi@new.example',
      phone: '+45 12 34 56 78',
    });
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'partner_portal.createPartner': 1,
    });
    assert.match(payload.partner?.id ?? '', /^ptn_[0-9A-Z]{26}$/);
    assert.deepEqual(payload, {
      partner: {
        id: payload.partner?.id,
        externalId: 'NEW-001',
        name: 'New Partner',
        email: 'hi@new.example',
        phone: '+45 12 34 56 78',
        createdAt: '2026-12-01T10:00:00.000Z',
        updatedAt: '2026-12-01T10:00:00.000Z',
        links: { channelManagerPartnerId: null },
      },
      userErrors: [],
    });
  });

  it('answers a resubmitted identical partner with the existing one, and other content with DUPLICATE', async () => {
    const input = { externalId: 'RETRY-001', name: 'Retry Partner', email: null };
    const first = await create(input);
    const before = await upstreamCalls(stack.gateway);
    const second = await create(input);
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'partner_portal.createPartner': 1,
      'partner_portal.listPartners': 1,
    });
    assert.deepEqual(second, first);
    assert.deepEqual(second.userErrors, []);

    const different = await create({ ...input, name: 'Someone Else' });
    assert.deepEqual(different, {
      partner: null,
      userErrors: [
        {
          code: 'DUPLICATE',
          field: ['input', 'externalId'],
          message: 'A partner with this externalId already exists, with different content.',
        },
      ],
    });
    const seededOne = await create({ externalId: 'ACME-001', name: 'ACME Supplies' });
    assert.deepEqual(
      seededOne.userErrors.map((error) => [error.code, error.field]),
      [['DUPLICATE', ['input', 'externalId']]],
    );
  });

  it('rejects broken input with VALIDATION errors naming each field, without calling the vendor', async () => {
    const before = await upstreamCalls(stack.gateway);
    const payload = await create({
      externalId: 'has space',
      name: '   ',
      email: 'not-an-email',
      phone: '12-34',
    });
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {});
    assert.equal(payload.partner, null);
    assert.deepEqual(payload.userErrors.map((error) => [error.code, error.field?.join('.')]).sort(), [
      ['VALIDATION', 'input.email'],
      ['VALIDATION', 'input.externalId'],
      ['VALIDATION', 'input.name'],
      ['VALIDATION', 'input.phone'],
    ]);
    assert.match(
      payload.userErrors.find((error) => error.field?.[1] === 'phone')?.message ?? '',
      /^phone: .*7 to 15 digits/,
    );
  });

  it('updates given fields only, clears email with an explicit null, and treats a repeat as no change', async () => {
    const created = await create({
      externalId: 'UPD-001',
      name: 'Before',
      email: 'a@b.example',
      phone: '+45 11 22 33 44',
    });
    const id = created.partner?.id ?? '';
    clock.setTime(Date.parse('2026-12-01T11:00:00Z'));

    const renamed = await update(id, { name: 'After', phone: '+45 99 88 77 66' });
    assert.deepEqual(renamed, {
      partner: {
        ...created.partner,
        name: 'After',
        phone: '+45 99 88 77 66',
        updatedAt: '2026-12-01T11:00:00.000Z',
      },
      userErrors: [],
    });

    const cleared = await update(id, { email: null });
    assert.deepEqual(cleared.partner, { ...renamed.partner, email: null });
    assert.deepEqual(cleared.userErrors, []);

    clock.setTime(Date.parse('2026-12-01T12:00:00Z'));
    const again = await update(id, { email: null, name: 'After' });
    assert.deepEqual(again, cleared);

    const read = await stack.gql(`query ($id: ID!) { partner(id: $id) { name email phone } }`, { id });
    assert.deepEqual(read.body, {
      data: { partner: { name: 'After', email: null, phone: '+45 99 88 77 66' } },
    });
  });

  it('answers NOT_FOUND for an unknown partner and VALIDATION for a cleared name, without calling the vendor for the latter', async () => {
    const unknown = await update('ptn_01JNOSUCHPARTNER0000000000', { name: 'X' });
    assert.deepEqual(unknown, {
      partner: null,
      userErrors: [{ code: 'NOT_FOUND', field: ['id'], message: 'No partner with this id exists.' }],
    });
    const before = await upstreamCalls(stack.gateway);
    const noName = await update(ACME, { name: null, email: 'bad' });
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {});
    assert.deepEqual(noName.userErrors.map((error) => [error.code, error.field?.join('.')]).sort(), [
      ['VALIDATION', 'input.email'],
      ['VALIDATION', 'input.name'],
    ]);
  });

  it('links, keeps, and unlinks a Channel Manager partner, and its ticket orders follow the link', async () => {
    const created = await create({ externalId: 'LINK-001', name: 'Linked Partner' });
    const id = created.partner?.id ?? '';
    const cmPartner = 'link-test-cm-partner';
    const order = await stack.gql<{ createOrder: { order: { id: string } } }>(
      `mutation ($input: OrderInput!) { createOrder(input: $input) { order { id } userErrors { code } } }`,
      {
        input: {
          partnerId: cmPartner,
          sellToOrderReference: 'LINKED-1',
          items: [{ itemNumber: '31001', visitDate: '2027-06-01', visitTime: '10:30:00', quantity: 1 }],
        },
      },
    );
    const orderId = order.body.data?.createOrder.order.id;
    assert.ok(orderId);

    const linked = await link(id, { channelManagerPartnerId: cmPartner });
    assert.deepEqual(linked, {
      partner: { ...created.partner, links: { channelManagerPartnerId: cmPartner } },
      userErrors: [],
    });

    const TICKETS = `query ($id: ID!) { partner(id: $id) { links { channelManagerPartnerId }
      ticketOrders(filter: { status: DRAFT }) { totalCount nodes { id sellToOrderReference } } } }`;
    const withOrders = await stack.gql(TICKETS, { id });
    assert.deepEqual(withOrders.body, {
      data: {
        partner: {
          links: { channelManagerPartnerId: cmPartner },
          ticketOrders: { totalCount: 1, nodes: [{ id: orderId, sellToOrderReference: 'LINKED-1' }] },
        },
      },
    });

    const kept = await link(id, {});
    assert.deepEqual(kept.partner?.links, { channelManagerPartnerId: cmPartner });

    const unlinked = await link(id, { channelManagerPartnerId: null });
    assert.deepEqual(unlinked, {
      partner: { ...created.partner, links: { channelManagerPartnerId: null } },
      userErrors: [],
    });
    const withoutOrders = await stack.gql(TICKETS, { id });
    assert.deepEqual(withoutOrders.body, {
      data: {
        partner: { links: { channelManagerPartnerId: null }, ticketOrders: { totalCount: 0, nodes: [] } },
      },
    });
  });

  it('refuses a Channel Manager partner linked to another partner, an unknown partner and a blank id', async () => {
    const created = await create({ externalId: 'LINK-002', name: 'Second Linked' });
    const id = created.partner?.id ?? '';
    const taken = await link(id, { channelManagerPartnerId: CM_PARTNER });
    assert.deepEqual(taken, {
      partner: null,
      userErrors: [
        {
          code: 'DUPLICATE',
          field: ['links', 'channelManagerPartnerId'],
          message: `This Channel Manager partner is already linked to another partner (${ACME}).`,
        },
      ],
    });
    const still = await stack.gql(
      `query ($id: ID!) { partner(id: $id) { links { channelManagerPartnerId } } }`,
      { id },
    );
    assert.deepEqual(still.body, { data: { partner: { links: { channelManagerPartnerId: null } } } });

    // Linking ACME to its own Channel Manager partner again is no conflict.
    const same = await link(ACME, { channelManagerPartnerId: CM_PARTNER });
    assert.deepEqual(same, { partner: ACME_PARTNER, userErrors: [] });

    const unknown = await link('ptn_01JNOSUCHPARTNER0000000000', { channelManagerPartnerId: 'anything' });
    assert.deepEqual(unknown, {
      partner: null,
      userErrors: [{ code: 'NOT_FOUND', field: ['id'], message: 'No partner with this id exists.' }],
    });
    const blank = await link(id, { channelManagerPartnerId: '' });
    assert.deepEqual(
      blank.userErrors.map((error) => [error.code, error.field]),
      [['VALIDATION', ['links', 'channelManagerPartnerId']]],
    );
  });
});
