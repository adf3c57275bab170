import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { callsSince, upstreamCalls } from '../support/upstream-calls.js';
import { startStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

const PARTNER = '21e8c1d2-3f4a-4c5b-9e6d-7f8a9b0c1d2e';
const VISIT = '2027-06-01';

const ORDER_FIELDS = `
  id status statusMessage partnerId sellToOrderReference receivedAt sellToEmail sellToName sellToLanguage
  paymentReference jobId manifestUrl
  items { lineNo itemNumber quantity visitDate visitTime isPackage
    wallets { id seqNo name externalReferenceNumber walletReferenceNumber manifestUrl issuedAt
      unitPriceExclVat { amount currency } unitPriceInclVat { amount currency }
      tickets { id referenceNumber type itemNumber } } }`;

const CREATE = `mutation ($input: OrderInput!) {
  createOrder(input: $input) { order { ${ORDER_FIELDS} } userErrors { field message code } } }`;
const CONFIRM = `mutation ($id: ID!, $ref: String!) {
  confirmOrder(id: $id, paymentReference: $ref) { order { ${ORDER_FIELDS} } userErrors { field message code } } }`;
const REPLACE = `mutation ($id: ID!, $input: OrderInput!) {
  replaceOrder(id: $id, input: $input) { order { ${ORDER_FIELDS} } userErrors { field message code } } }`;
const CANCEL = `mutation ($id: ID!) {
  cancelOrder(id: $id) { order { ${ORDER_FIELDS} } removed userErrors { field message code } } }`;

interface UserErrorShape {
  field: string[] | null;
  message: string;
  code: string;
}
interface TicketShape {
  id: string;
  referenceNumber: string;
}
interface WalletShape {
  id: string;
  name: string | null;
  externalReferenceNumber: string | null;
  walletReferenceNumber: string;
  unitPriceExclVat: { amount: number; currency: string };
  unitPriceInclVat: { amount: number; currency: string };
  tickets: TicketShape[];
}
interface OrderShape {
  id: string;
  status: string;
  statusMessage: string | null;
  partnerId: string;
  sellToOrderReference: string;
  receivedAt: string;
  paymentReference: string | null;
  jobId: string | null;
  manifestUrl: string | null;
  items: { lineNo: number; quantity: number; itemNumber: string; wallets: WalletShape[] }[];
}
interface Payload {
  order: OrderShape | null;
  userErrors: UserErrorShape[];
  removed?: boolean;
}

function orderInput(
  reference: string,
  overrides: Record<string, unknown> = {},
  item: Record<string, unknown> = {},
) {
  return {
    partnerId: PARTNER,
    sellToOrderReference: reference,
    items: [
      {
        itemNumber: '31001',
        visitDate: VISIT,
        visitTime: '10:30:00',
        quantity: 2,
        wallet: { names: ['Jane Doe', 'John Doe'], externalReferenceNumbers: ['JD-1', 'JOHN-1'] },
        ...item,
      },
    ],
    sellToEmail: 'guest@example.com',
    sellToName: 'Jane Doe',
    sellToLanguage: 'ENU',
    ...overrides,
  };
}

describe('ticket orders through the gateway over HTTP', () => {
  let stack: TestStack;
  // The sandbox clock: advanced by tests that need distinct receivedAt values.
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

  const create = (input: Record<string, unknown>) => mutate(CREATE, { input }, 'createOrder');

  it('reads the seeded document example with its wallets and tickets', async () => {
    const response = await stack.gql<{ order: OrderShape }>(
      `query ($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`,
      { id: '9c6b2f4e-2b71-4d23-9d6a-a3b4c5d6e7f8' },
    );
    assert.equal(response.body.errors, undefined);
    const order = response.body.data?.order;
    assert.ok(order);
    assert.equal(order.status, 'ISSUED');
    assert.equal(order.sellToOrderReference, 'PARTNER-ORDER-2026-00042');
    assert.equal(order.receivedAt, '2026-05-15T09:30:00.000Z');
    assert.equal(order.paymentReference, 'PAY-987654');
    assert.equal(order.jobId, 'TM-IMPORT-000123');
    assert.equal(order.statusMessage, null);
    const wallet = order.items[0]?.wallets[0];
    assert.deepEqual(
      {
        id: wallet?.id,
        name: wallet?.name,
        ref: wallet?.externalReferenceNumber,
        walletRef: wallet?.walletReferenceNumber,
        excl: wallet?.unitPriceExclVat,
        incl: wallet?.unitPriceInclVat,
        ticket: wallet?.tickets[0],
      },
      {
        id: '5a1c2b3d-4e5f-6071-8293-a4b5c6d7e8f9',
        name: 'Jane Doe',
        ref: 'JD-2026-001',
        walletRef: '141234529930210327',
        excl: { amount: 80, currency: 'DKK' },
        incl: { amount: 100, currency: 'DKK' },
        ticket: {
          id: '2c3a84c7-059f-41d3-8033-0d94e08d4b13',
          referenceNumber: 'ATF-BIL010665L-3',
          type: 'ticket',
          itemNumber: '31001',
        },
      },
    );
  });

  it('answers null, without errors, for an order the vendor does not have', async () => {
    const response = await stack.gql(`{ order(id: "00000000-0000-0000-0000-000000000000") { id } }`);
    assert.deepEqual(response.body, { data: { order: null } });
  });

  it('creates and issues an order with one wallet per holder in one upstream call', async () => {
    const before = await upstreamCalls(stack.gateway);
    const payload = await create(orderInput('GW-ISSUE-1', { paymentReference: 'PAY-1' }));
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'channel_manager.createOrder': 1,
    });
    assert.deepEqual(payload.userErrors, []);
    const order = payload.order;
    assert.ok(order);
    assert.equal(order.status, 'ISSUED');
    assert.equal(order.paymentReference, 'PAY-1');
    assert.match(order.jobId ?? '', /^TM-IMPORT-\d{6}$/);
    assert.ok(order.manifestUrl);
    const wallets = order.items[0]?.wallets ?? [];
    assert.deepEqual(
      wallets.map((wallet) => [wallet.name, wallet.externalReferenceNumber]),
      [
        ['Jane Doe', 'JD-1'],
        ['John Doe', 'JOHN-1'],
      ],
    );
    const references = wallets.flatMap((wallet) => wallet.tickets.map((ticket) => ticket.referenceNumber));
    assert.equal(references.length, 2);
    assert.equal(new Set(references).size, 2);
  });

  it('keeps an order without payment as DRAFT, issues it on confirm, and treats a second confirm as a no-op', async () => {
    const created = await create(orderInput('GW-DRAFT-1'));
    assert.equal(created.order?.status, 'DRAFT');
    assert.equal(created.order?.paymentReference, null);
    assert.deepEqual(created.order?.items[0]?.wallets, []);

    const confirmed = await mutate(CONFIRM, { id: created.order?.id, ref: 'PAY-2' }, 'confirmOrder');
    assert.deepEqual(confirmed.userErrors, []);
    assert.equal(confirmed.order?.status, 'ISSUED');
    assert.equal(confirmed.order?.paymentReference, 'PAY-2');
    assert.equal(confirmed.order?.items[0]?.wallets.length, 2);

    const again = await mutate(CONFIRM, { id: created.order?.id, ref: 'PAY-2' }, 'confirmOrder');
    assert.deepEqual(again.userErrors, []);
    assert.deepEqual(again.order, confirmed.order);
  });

  it('answers a resubmitted identical order with the existing one, and a different one with DUPLICATE', async () => {
    const input = orderInput('GW-RETRY-1', { paymentReference: 'PAY-3' });
    const first = await create(input);
    const second = await create(input);
    assert.deepEqual(second.userErrors, []);
    assert.equal(second.order?.id, first.order?.id);
    assert.deepEqual(second.order, first.order);

    const list = await stack.gql<{ orders: { totalCount: number } }>(
      `query ($p: ID!) { orders(partnerId: $p, filter: { sellToOrderReference: "GW-RETRY-1" }) { totalCount } }`,
      { p: PARTNER },
    );
    assert.equal(list.body.data?.orders.totalCount, 1);

    const different = await create({ ...input, sellToName: 'Someone Else' });
    assert.equal(different.order, null);
    assert.deepEqual(
      different.userErrors.map((error) => [error.code, error.field]),
      [['DUPLICATE', ['input', 'sellToOrderReference']]],
    );
  });

  it('answers a resubmitted draft (no payment) with the existing draft', async () => {
    const input = orderInput('GW-RETRY-DRAFT');
    const first = await create(input);
    const second = await create(input);
    assert.deepEqual(second.userErrors, []);
    assert.equal(second.order?.id, first.order?.id);
    assert.equal(second.order?.status, 'DRAFT');
  });

  it('rejects invalid input with VALIDATION errors naming each field, without calling the vendor', async () => {
    const before = await upstreamCalls(stack.gateway);
    const payload = await create({
      ...orderInput('GW-BAD-1', {
        sellToEmail: 'not-an-email',
        sellToLanguage: 'english',
        sellToOrderReference: '',
      }),
      items: [
        {
          itemNumber: '31001',
          visitDate: '2027-02-30',
          visitTime: '25:00:00',
          quantity: 2,
          wallet: { names: ['Only One'] },
        },
        { itemNumber: '31001', visitDate: VISIT, visitTime: '10:00:00', quantity: 0 },
      ],
    });
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {});
    assert.equal(payload.order, null);
    const fields = payload.userErrors.map((error) => (error.field ?? []).join('.')).sort();
    assert.deepEqual(fields, [
      'input.items.0.visitDate',
      'input.items.0.visitTime',
      'input.items.0.wallet.names',
      'input.items.1.quantity',
      'input.sellToEmail',
      'input.sellToLanguage',
      'input.sellToOrderReference',
    ]);
    assert.ok(payload.userErrors.every((error) => error.code === 'VALIDATION'));
    const names = payload.userErrors.find((error) => error.field?.join('.') === 'input.items.0.wallet.names');
    assert.match(names?.message ?? '', /one entry per ticket/);
  });

  it('rejects an empty order and a blank payment reference as VALIDATION', async () => {
    const empty = await create({ ...orderInput('GW-EMPTY'), items: [] });
    assert.deepEqual(
      empty.userErrors.map((error) => [error.code, error.field]),
      [['VALIDATION', ['input', 'items']]],
    );
    const blank = await mutate(CONFIRM, { id: 'whatever', ref: '  ' }, 'confirmOrder');
    assert.deepEqual(
      blank.userErrors.map((error) => [error.code, error.field]),
      [['VALIDATION', ['paymentReference']]],
    );
  });

  it('returns the ERROR order with ISSUANCE_FAILED when the visit time is outside the schedule', async () => {
    const payload = await create(
      orderInput('GW-FAIL-1', { paymentReference: 'PAY-4' }, { visitTime: '18:00:00' }),
    );
    assert.equal(payload.order?.status, 'ERROR');
    assert.ok(payload.order?.statusMessage);
    assert.deepEqual(payload.userErrors, [
      { code: 'ISSUANCE_FAILED', field: null, message: payload.order?.statusMessage },
    ]);
    assert.match(payload.order?.statusMessage ?? '', /18:00:00/);
  });

  it('fails issuance for a visit date in the past and fixes it with replaceOrder', async () => {
    const failed = await create(
      orderInput('GW-FAIL-2', { paymentReference: 'PAY-5' }, { visitDate: '2026-01-01' }),
    );
    assert.equal(failed.order?.status, 'ERROR');
    assert.equal(failed.userErrors[0]?.code, 'ISSUANCE_FAILED');

    // The replacement omits paymentReference: the order keeps the one it had and is issued.
    const replaced = await mutate(
      REPLACE,
      {
        id: failed.order?.id,
        input: orderInput('GW-FAIL-2', {}, { quantity: 1, wallet: { names: ['Solo'] } }),
      },
      'replaceOrder',
    );
    assert.deepEqual(replaced.userErrors, []);
    assert.equal(replaced.order?.status, 'ISSUED');
    assert.equal(replaced.order?.paymentReference, 'PAY-5');
    assert.equal(replaced.order?.statusMessage, null);
    assert.deepEqual(
      replaced.order?.items[0]?.wallets.map((wallet) => wallet.name),
      ['Solo'],
    );
  });

  it('refuses to replace an ISSUED order, to change immutable fields, or an unknown order', async () => {
    const issued = await create(orderInput('GW-REPL-1', { paymentReference: 'PAY-6' }));
    const onIssued = await mutate(
      REPLACE,
      { id: issued.order?.id, input: orderInput('GW-REPL-1') },
      'replaceOrder',
    );
    assert.equal(onIssued.order, null);
    assert.deepEqual(
      onIssued.userErrors.map((error) => error.code),
      ['INVALID_STATE'],
    );

    const draft = await create(orderInput('GW-REPL-2'));
    const moved = await mutate(
      REPLACE,
      { id: draft.order?.id, input: orderInput('GW-REPL-OTHER') },
      'replaceOrder',
    );
    assert.deepEqual(
      moved.userErrors.map((error) => [error.code, error.field]),
      [['VALIDATION', ['input', 'sellToOrderReference']]],
    );

    const unknown = await mutate(
      REPLACE,
      { id: '00000000-0000-0000-0000-000000000000', input: orderInput('GW-REPL-3') },
      'replaceOrder',
    );
    assert.deepEqual(
      unknown.userErrors.map((error) => [error.code, error.field]),
      [['NOT_FOUND', ['id']]],
    );
  });

  it('replaces a DRAFT and keeps it DRAFT without payment', async () => {
    const draft = await create(orderInput('GW-REPL-4'));
    const replaced = await mutate(
      REPLACE,
      {
        id: draft.order?.id,
        input: orderInput(
          'GW-REPL-4',
          {},
          { quantity: 1, wallet: null, itemNumber: '31002', visitTime: '18:00:00' },
        ),
      },
      'replaceOrder',
    );
    assert.deepEqual(replaced.userErrors, []);
    assert.equal(replaced.order?.status, 'DRAFT');
    assert.equal(replaced.order?.items[0]?.itemNumber, '31002');
  });

  it('refuses to confirm an ERROR order or an unknown one', async () => {
    const failed = await create(
      orderInput('GW-CONF-1', { paymentReference: 'PAY-7' }, { visitTime: '07:00:00' }),
    );
    const confirm = await mutate(CONFIRM, { id: failed.order?.id, ref: 'PAY-7' }, 'confirmOrder');
    assert.deepEqual(
      confirm.userErrors.map((error) => error.code),
      ['INVALID_STATE'],
    );
    const unknown = await mutate(
      CONFIRM,
      { id: '00000000-0000-0000-0000-000000000000', ref: 'PAY' },
      'confirmOrder',
    );
    assert.deepEqual(
      unknown.userErrors.map((error) => error.code),
      ['NOT_FOUND'],
    );
  });

  it('cancels an ISSUED order (tearing down wallets) and removes a DRAFT outright', async () => {
    const issued = await create(orderInput('GW-CANCEL-1', { paymentReference: 'PAY-8' }));
    const cancelled = await mutate(CANCEL, { id: issued.order?.id }, 'cancelOrder');
    assert.deepEqual(cancelled.userErrors, []);
    assert.equal(cancelled.removed, false);
    assert.equal(cancelled.order?.status, 'CANCELLED');
    assert.deepEqual(cancelled.order?.items[0]?.wallets, []);
    const again = await mutate(CANCEL, { id: issued.order?.id }, 'cancelOrder');
    assert.equal(again.order?.status, 'CANCELLED');

    const draft = await create(orderInput('GW-CANCEL-2'));
    const removed = await mutate(CANCEL, { id: draft.order?.id }, 'cancelOrder');
    assert.deepEqual(removed, { order: null, removed: true, userErrors: [] });
    const gone = await stack.gql(`query ($id: ID!) { order(id: $id) { id } }`, { id: draft.order?.id });
    assert.deepEqual(gone.body, { data: { order: null } });

    const unknown = await mutate(CANCEL, { id: draft.order?.id }, 'cancelOrder');
    assert.deepEqual(
      unknown.userErrors.map((error) => [error.code, error.field]),
      [['NOT_FOUND', ['id']]],
    );
  });
});

describe('listing orders: filters, pages and upstream call counts', () => {
  let stack: TestStack;
  let clock = new Date('2026-12-01T08:00:00Z');
  const partner = 'list-partner-0001';
  const ids: string[] = [];

  before(async () => {
    stack = await startStack({ now: () => clock });
    // Five orders an hour apart: three issued, one draft, one failed.
    const plans = [
      { ref: 'L-1', payment: 'P-1' },
      { ref: 'L-2', payment: undefined },
      { ref: 'L-3', payment: 'P-3' },
      { ref: 'L-4', payment: 'P-4', visitTime: '20:00:00' },
      { ref: 'L-5', payment: 'P-5' },
    ];
    for (const [index, plan] of plans.entries()) {
      clock = new Date(Date.parse('2026-12-01T08:00:00Z') + index * 3_600_000);
      const response = await stack.gql<{ createOrder: Payload }>(CREATE, {
        input: orderInput(
          plan.ref,
          { partnerId: partner, ...(plan.payment ? { paymentReference: plan.payment } : {}) },
          plan.visitTime ? { visitTime: plan.visitTime } : {},
        ),
      });
      const id = response.body.data?.createOrder.order?.id;
      assert.ok(id);
      ids.push(id);
    }
  });
  after(async () => {
    await stack.close();
  });

  interface ListShape {
    orders: {
      totalCount: number;
      nodes: { id: string; sellToOrderReference: string; status: string }[];
      edges: { cursor: string; node: { id: string } }[];
      pageInfo: {
        hasNextPage: boolean;
        hasPreviousPage: boolean;
        startCursor: string | null;
        endCursor: string | null;
      };
    };
  }
  const LIST = `query ($p: ID!, $f: OrderFilter, $first: Int, $after: String) {
    orders(partnerId: $p, filter: $f, first: $first, after: $after) {
      totalCount nodes { id sellToOrderReference status } edges { cursor node { id } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
  const list = (variables: Record<string, unknown>) =>
    stack.gql<ListShape>(LIST, { p: partner, ...variables });
  const refs = (shape: ListShape | null | undefined) =>
    shape?.orders.nodes.map((node) => node.sellToOrderReference);

  it('lists newest first with the totals', async () => {
    const response = await list({});
    assert.equal(response.body.errors, undefined);
    assert.equal(response.body.data?.orders.totalCount, 5);
    assert.deepEqual(refs(response.body.data), ['L-5', 'L-4', 'L-3', 'L-2', 'L-1']);
    assert.deepEqual(
      response.body.data?.orders.nodes.map((node) => node.status),
      ['ISSUED', 'ERROR', 'ISSUED', 'DRAFT', 'ISSUED'],
    );
  });

  it('filters by status, reference and an inclusive receivedAt window', async () => {
    assert.deepEqual(refs((await list({ f: { status: 'ISSUED' } })).body.data), ['L-5', 'L-3', 'L-1']);
    assert.deepEqual(refs((await list({ f: { status: 'ERROR' } })).body.data), ['L-4']);
    assert.deepEqual(refs((await list({ f: { sellToOrderReference: 'L-2' } })).body.data), ['L-2']);
    const window = await list({
      f: { receivedAtFrom: '2026-12-01T09:00:00Z', receivedAtTo: '2026-12-01T11:00:00Z' },
    });
    assert.deepEqual(refs(window.body.data), ['L-4', 'L-3', 'L-2']);
    const combined = await list({
      f: { status: 'ISSUED', receivedAtFrom: '2026-12-01T09:00:00Z', receivedAtTo: '2026-12-01T11:00:00Z' },
    });
    assert.deepEqual(refs(combined.body.data), ['L-3']);
  });

  it('pages with cursors across the whole list', async () => {
    const first = await list({ first: 2 });
    const page1 = first.body.data?.orders;
    assert.deepEqual(refs(first.body.data), ['L-5', 'L-4']);
    assert.equal(page1?.pageInfo.hasNextPage, true);
    assert.equal(page1?.pageInfo.hasPreviousPage, false);
    assert.equal(page1?.pageInfo.endCursor, page1?.edges[1]?.cursor);
    assert.equal(page1?.totalCount, 5);

    const second = await list({ first: 2, after: page1?.pageInfo.endCursor });
    assert.deepEqual(refs(second.body.data), ['L-3', 'L-2']);
    assert.equal(second.body.data?.orders.pageInfo.hasPreviousPage, true);
    const third = await list({ first: 2, after: second.body.data?.orders.pageInfo.endCursor });
    assert.deepEqual(refs(third.body.data), ['L-1']);
    assert.equal(third.body.data?.orders.pageInfo.hasNextPage, false);
  });

  it('rejects a page size above 100 and a cursor it never gave out', async () => {
    const big = await list({ first: 101 });
    assert.equal(big.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(big.body.errors?.[0]?.message ?? '', /first/);
    const bad = await list({ after: 'not-a-cursor!' });
    assert.equal(bad.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(bad.body.errors?.[0]?.message ?? '', /after/);
  });

  it('rejects a malformed DateTime in the filter, naming it', async () => {
    const response = await list({ f: { receivedAtFrom: 'yesterday' } });
    assert.equal(response.status, 400);
    assert.equal(response.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(response.body.errors?.[0]?.message ?? '', /receivedAtFrom/);
  });

  it('makes one list call for summary fields, and one getOrder per order only when items are selected', async () => {
    let before = await upstreamCalls(stack.gateway);
    await list({});
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'channel_manager.listOrdersByPartner': 1,
    });

    before = await upstreamCalls(stack.gateway);
    const sandboxBefore = stack.channelManager.totalRequests();
    const detailed = await stack.gql<{ orders: { nodes: { items: { wallets: { id: string }[] }[] }[] } }>(
      `query ($p: ID!) { orders(partnerId: $p) { nodes { id items { wallets { id } } } } }`,
      { p: partner },
    );
    assert.equal(detailed.body.errors, undefined);
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'channel_manager.listOrdersByPartner': 1,
      'channel_manager.getOrder': 5,
    });
    // The vendor's own count agrees with the gateway's metric.
    assert.equal(stack.channelManager.totalRequests() - sandboxBefore, 6);
  });

  it('deduplicates: the same order and the same list asked for twice in one operation cost one call each', async () => {
    const before = await upstreamCalls(stack.gateway);
    const response = await stack.gql(
      `query ($p: ID!, $id: ID!) {
        a: order(id: $id) { id items { lineNo } }
        b: order(id: $id) { id status }
        x: orders(partnerId: $p, first: 1) { nodes { id items { lineNo } } }
        y: orders(partnerId: $p, first: 1) { totalCount } }`,
      { p: partner, id: ids[4] },
    );
    assert.equal(response.body.errors, undefined);
    // ids[4] is the newest, so the list's first node is that same order: primed, not fetched again.
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'channel_manager.listOrdersByPartner': 1,
      'channel_manager.getOrder': 1,
    });
  });

  it('counts upstream calls in /metrics by vendor, operation and status', async () => {
    const metrics = await fetch(`${stack.origin}/metrics`).then((response) => response.text());
    assert.match(
      metrics,
      /gateway_vendor_requests_total\{vendor="channel_manager",operation="listOrdersByPartner",status="200"\} \d+/,
    );
    assert.match(
      metrics,
      /gateway_vendor_requests_total\{vendor="channel_manager",operation="createOrder",status="201"\} 4/,
    );
    assert.match(
      metrics,
      /gateway_vendor_requests_total\{vendor="channel_manager",operation="createOrder",status="422"\} 1/,
    );
  });
});
