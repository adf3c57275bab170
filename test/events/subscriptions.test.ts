import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { SEEDED_PARTNER_ID as ACME, SEEDED_PRODUCT_IDS } from '../../src/vendors/partnerportal/sandbox.js';
import { eventually, testWsClient, wsUrl } from '../support/graphql-ws-client.js';
import type { TestWsClient } from '../support/graphql-ws-client.js';
import { daysFromNow, startStack, TEST_API_KEY } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';
import { deliverWebhook, portalOrderEvent } from '../support/webhooks.js';

const SECRET = 'whsec_subscriptions_test_0123456789';
const ALLOWED_ORIGIN = 'https://app.example.com';
const PARTNER_2 = 'ptn_01JSEED0000000000000000002';
/** The Channel Manager partner the seeded store links to ACME-001. */
const CM_PARTNER = '21e8c1d2-3f4a-4c5b-9e6d-7f8a9b0c1d2e';

const FLAT = 'id type status orderId partnerId vendor createdAt';
const ORDER_UPDATED = `subscription ($partnerId: ID, $after: String) {
  orderUpdated(partnerId: $partnerId, after: $after) { ${FLAT} } }`;
const ORDER_UPDATED_WITH_ORDER = `subscription ($partnerId: ID) {
  orderUpdated(partnerId: $partnerId) {
    ${FLAT}
    order { __typename ... on PortalOrder { id status } ... on Order { id orderStatus: status } }
  } }`;
const PARTNER_UPDATED = `subscription ($partnerId: ID) {
  partnerUpdated(partnerId: $partnerId) { id type createdAt partnerId partner { id name } } }`;

interface FlatOrderEvent {
  id: string;
  type: string;
  status: string | null;
  orderId: string;
  partnerId: string | null;
  vendor: string;
  createdAt: string;
  order?: { __typename: string; id: string; status?: string; orderStatus?: string } | null;
}
type OrderUpdated = { orderUpdated: FlatOrderEvent };
type PartnerUpdated = {
  partnerUpdated: {
    id: string;
    type: string;
    createdAt: string;
    partnerId: string | null;
    partner: { id: string; name: string } | null;
  };
};

describe('subscriptions over graphql-ws', () => {
  let stack: TestStack;
  let url: string;
  /** The sandbox clock runs with the real one, this far ahead (fulfilment moves on when it grows). */
  let offsetMs = 0;
  const clients: TestWsClient[] = [];

  const client = (options: Parameters<typeof testWsClient>[1] = {}): TestWsClient => {
    const created = testWsClient(url, { apiKey: TEST_API_KEY, ...options });
    clients.push(created);
    return created;
  };
  const deliver = (body: string): Promise<number> => deliverWebhook(stack.origin, SECRET, body);
  /** A subscription's starting cursor is fixed once the gateway counts it: from then on nothing is missed. */
  const subscribed = (count: number): Promise<void> =>
    eventually(() => stack.gateway.openSubscriptions() === count, `${count} open subscriptions`);
  const idle = (): Promise<void> => subscribed(0);

  before(async () => {
    stack = await startStack({
      seed: true,
      partnerPortalWebhookSecret: SECRET,
      now: () => new Date(Date.now() + offsetMs),
      allowedOrigins: [ALLOWED_ORIGIN],
    });
    url = wsUrl(stack.origin);
  });
  afterEach(async () => {
    // A failed test must not leave a subscription open for the next one to count as its own.
    await Promise.all(clients.splice(0).map((each) => each.close()));
    await idle();
  });
  after(async () => {
    await stack.close();
  });

  it('refuses a connection without a valid key with 4403, and accepts `Authorization` spelled either way', async () => {
    for (const options of [
      { apiKey: null },
      { apiKey: 'not-a-valid-key-0000000000' },
      { connectionParams: { authorization: TEST_API_KEY } },
    ]) {
      const refused = client(options).subscribe(ORDER_UPDATED);
      const { error } = await refused.ended;
      assert.equal((error as { code?: number }).code, 4403, JSON.stringify(options));
      assert.deepEqual(refused.results, []);
    }
    const capitalised = client({ connectionParams: { Authorization: `Bearer ${TEST_API_KEY}` } });
    const accepted = capitalised.subscribe(ORDER_UPDATED);
    await subscribed(1);
    accepted.unsubscribe();
    await idle();
  });

  it('refuses the upgrade from a browser origin it does not allow (403); its own and configured ones connect', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(url, 'graphql-transport-ws', { origin: 'https://evil.example' });
      socket.on('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0);
        socket.terminate();
      });
      socket.on('open', () => {
        socket.close();
        reject(new Error('the socket opened'));
      });
      socket.on('error', () => undefined);
    });
    assert.equal(status, 403);

    const { port } = stack.gateway;
    const origins = [stack.origin, `http://localhost:${port}`, ALLOWED_ORIGIN];
    const subscriptions = origins.map((origin) => client({ origin }).subscribe(ORDER_UPDATED));
    await subscribed(origins.length);
    for (const subscription of subscriptions) subscription.unsubscribe();
    await idle();
  });

  it('publishes a portal order created through the graph, resolving the order fresh for every event', async () => {
    const subscription = client().subscribe<OrderUpdated>(ORDER_UPDATED_WITH_ORDER, { partnerId: ACME });
    await subscribed(1);
    const created = await stack.gql<{ createPortalOrder: { portalOrder: { id: string } } }>(
      `mutation ($input: PortalOrderInput!) { createPortalOrder(input: $input) { portalOrder { id } userErrors { code } } }`,
      {
        input: {
          partnerId: ACME,
          externalReference: 'LIVE-PO-1',
          lines: [{ productId: SEEDED_PRODUCT_IDS['MERCH-TSHIRT'], quantity: 1 }],
        },
      },
    );
    assert.equal(created.body.errors, undefined);
    const orderId = created.body.data!.createPortalOrder.portalOrder.id;

    const [first] = await subscription.take(1);
    const sent = stack.partnerPortal.events().filter((event) => event.type.startsWith('order.'));
    assert.deepEqual(first, {
      data: {
        orderUpdated: {
          id: sent.at(-1)!.id,
          type: 'order.created',
          status: 'PENDING',
          orderId,
          partnerId: ACME,
          vendor: 'PARTNER_PORTAL',
          createdAt: new Date(sent.at(-1)!.created_at).toISOString(),
          order: { __typename: 'PortalOrder', id: orderId, status: 'PENDING' },
        },
      },
    });

    // The warehouse moves the order on; a loader kept from the first event would still say PENDING.
    offsetMs = 3 * 60_000;
    await stack.partnerPortal.advance();
    await stack.partnerPortal.flushWebhooks();
    offsetMs = 0;
    const [, second] = await subscription.take(2);
    assert.equal(second?.errors, undefined);
    assert.deepEqual(
      {
        type: second?.data?.orderUpdated.type,
        status: second?.data?.orderUpdated.status,
        order: second?.data?.orderUpdated.order,
      },
      {
        type: 'order.updated',
        status: 'PROCESSING',
        order: { __typename: 'PortalOrder', id: orderId, status: 'PROCESSING' },
      },
    );
    subscription.unsubscribe();
    await idle();
  });

  it('publishes ticket orders changed through our own mutations', async () => {
    const subscription = client().subscribe<OrderUpdated>(ORDER_UPDATED_WITH_ORDER, { partnerId: ACME });
    await subscribed(1);
    const created = await stack.gql<{ createOrder: { order: { id: string; status: string } } }>(
      `mutation ($input: OrderInput!) { createOrder(input: $input) { order { id status } userErrors { code message } } }`,
      {
        input: {
          partnerId: CM_PARTNER,
          sellToOrderReference: 'LIVE-TICKETS-1',
          items: [
            {
              itemNumber: '31001',
              visitDate: daysFromNow(30),
              visitTime: '10:30:00',
              quantity: 1,
              wallet: { names: ['Jane Doe'], externalReferenceNumbers: ['JD-LIVE-1'] },
            },
          ],
          sellToEmail: 'guest@example.com',
          paymentReference: 'PAY-LIVE-1',
        },
      },
    );
    assert.equal(created.body.errors, undefined);
    const order = created.body.data!.createOrder.order;
    assert.equal(order.status, 'ISSUED');
    const [first] = await subscription.take(1);
    const cancelled = await stack.gql(
      `mutation ($id: ID!) { cancelOrder(id: $id) { userErrors { code } } }`,
      {
        id: order.id,
      },
    );
    assert.equal(cancelled.body.errors, undefined);
    // The second event's order is read anew: CANCELLED now, where the first one showed it ISSUED.
    const results = [first!, ...(await subscription.take(2)).slice(1)];
    assert.deepEqual(
      results.map((result) => {
        const event = result.data!.orderUpdated;
        assert.match(event.id, /^gw_evt_/);
        return [event.type, event.status, event.orderId, event.partnerId, event.vendor, event.order];
      }),
      [
        [
          'order.created',
          'ISSUED',
          order.id,
          ACME,
          'CHANNEL_MANAGER',
          { __typename: 'Order', id: order.id, orderStatus: 'ISSUED' },
        ],
        [
          'order.updated',
          'CANCELLED',
          order.id,
          ACME,
          'CHANNEL_MANAGER',
          { __typename: 'Order', id: order.id, orderStatus: 'CANCELLED' },
        ],
      ],
    );
    assert.ok(results.every((result) => result.errors === undefined));
    subscription.unsubscribe();
    await idle();
  });

  it('publishes partner changes with the partner resolved', async () => {
    const subscription = client().subscribe<PartnerUpdated>(PARTNER_UPDATED, { partnerId: PARTNER_2 });
    await subscribed(1);
    const updated = await stack.gql(
      `mutation ($id: ID!) { updatePartner(id: $id, input: { name: "Partner Two Live" }) { userErrors { code } } }`,
      { id: PARTNER_2 },
    );
    assert.equal(updated.body.errors, undefined);
    const [result] = await subscription.take(1);
    assert.equal(result?.errors, undefined);
    assert.deepEqual(
      {
        type: result?.data?.partnerUpdated.type,
        partnerId: result?.data?.partnerUpdated.partnerId,
        partner: result?.data?.partnerUpdated.partner,
      },
      { type: 'partner.updated', partnerId: PARTNER_2, partner: { id: PARTNER_2, name: 'Partner Two Live' } },
    );
    subscription.unsubscribe();
    await idle();
  });

  it('sends only the events of the partner asked for', async () => {
    const subscription = client().subscribe<OrderUpdated>(ORDER_UPDATED, { partnerId: 'ptn_filter_a' });
    await subscribed(1);
    assert.equal(
      await deliver(
        portalOrderEvent({ id: 'evt_f1', orderId: 'ord_f_b', status: 'pending', partnerId: 'ptn_filter_b' }),
      ),
      200,
    );
    assert.equal(
      await deliver(
        portalOrderEvent({ id: 'evt_f2', orderId: 'ord_f_a', status: 'pending', partnerId: 'ptn_filter_a' }),
      ),
      200,
    );
    assert.equal(
      await deliver(
        portalOrderEvent({ id: 'evt_f3', orderId: 'ord_f_b2', status: 'shipped', partnerId: 'ptn_filter_b' }),
      ),
      200,
    );
    assert.equal(
      await deliver(
        portalOrderEvent({ id: 'evt_f4', orderId: 'ord_f_a', status: 'shipped', partnerId: 'ptn_filter_a' }),
      ),
      200,
    );
    const results = await subscription.take(2);
    assert.deepEqual(
      results.map((result) => result.data?.orderUpdated.id),
      ['evt_f2', 'evt_f4'],
    );
    subscription.unsubscribe();
    await idle();
    assert.equal(subscription.results.length, 2);
  });

  it('publishes a duplicated delivery once, whether the copies come one after the other or at once', async () => {
    const subscription = client().subscribe<OrderUpdated>(ORDER_UPDATED, { partnerId: 'ptn_dup' });
    await subscribed(1);
    const event = (id: string, orderId: string) =>
      portalOrderEvent({ id, orderId, status: 'pending', partnerId: 'ptn_dup' });
    assert.equal(await deliver(event('evt_dup_seq', 'ord_dup_1')), 200);
    assert.equal(await deliver(event('evt_dup_seq', 'ord_dup_1')), 200);
    assert.deepEqual(
      await Promise.all([
        deliver(event('evt_dup_con', 'ord_dup_2')),
        deliver(event('evt_dup_con', 'ord_dup_2')),
      ]),
      [200, 200],
    );
    // A later event: once it is out, anything doubled before it would have been too.
    assert.equal(await deliver(event('evt_dup_after', 'ord_dup_3')), 200);
    const results = await subscription.take(3);
    assert.deepEqual(
      results.map((result) => result.data?.orderUpdated.id),
      ['evt_dup_seq', 'evt_dup_con', 'evt_dup_after'],
    );
    subscription.unsubscribe();
    await idle();
    assert.equal(subscription.results.length, 3);
  });

  it('publishes the sandbox sending every event twice at once only once', async () => {
    const subscription = client().subscribe<PartnerUpdated>(PARTNER_UPDATED, { partnerId: PARTNER_2 });
    await subscribed(1);
    stack.partnerPortal.setWebhookFaults({ duplicateNext: 2, concurrentDuplicates: true });
    for (const name of ['Partner Two A', 'Partner Two B']) {
      const updated = await stack.gql(
        `mutation ($id: ID!, $name: String!) { updatePartner(id: $id, input: { name: $name }) { userErrors { code } } }`,
        { id: PARTNER_2, name },
      );
      assert.equal(updated.body.errors, undefined);
    }
    await stack.partnerPortal.flushWebhooks();
    const sentinel = JSON.stringify({
      id: 'evt_partner_sentinel',
      type: 'partner.updated',
      created_at: new Date().toISOString(),
      data: { partner_id: PARTNER_2, external_id: 'PARTNER-002', changed: [] },
    });
    assert.equal(await deliver(sentinel), 200);
    const results = await subscription.take(3);
    const ids = results.map((result) => result.data?.partnerUpdated.id);
    assert.equal(ids[2], 'evt_partner_sentinel');
    const sent = stack.partnerPortal
      .events()
      .slice(-2)
      .map((event) => event.id);
    assert.deepEqual(new Set(ids.slice(0, 2)), new Set(sent));
    assert.equal(
      stack.partnerPortal.webhookDeliveries().filter((attempt) => sent.includes(attempt.eventId)).length,
      4,
    );
    subscription.unsubscribe();
    await idle();
  });

  it('never moves an order status backwards when an older event arrives late', async () => {
    const subscription = client().subscribe<OrderUpdated>(ORDER_UPDATED, { partnerId: 'ptn_late' });
    await subscribed(1);
    const event = (id: string, status: string, at: string, orderId = 'ord_late_1') =>
      portalOrderEvent({ id, orderId, status, at, partnerId: 'ptn_late' });
    assert.equal(await deliver(event('evt_late_new', 'delivered', '2026-05-22T12:00:00Z')), 200);
    assert.equal(await deliver(event('evt_late_old', 'shipped', '2026-05-22T11:00:00Z')), 200);
    assert.equal(
      await deliver(event('evt_late_other', 'pending', '2026-05-22T11:30:00Z', 'ord_late_2')),
      200,
    );
    const results = await subscription.take(2);
    assert.deepEqual(
      results.map((result) => [result.data?.orderUpdated.id, result.data?.orderUpdated.status]),
      [
        ['evt_late_new', 'DELIVERED'],
        ['evt_late_other', 'PENDING'],
      ],
    );
    subscription.unsubscribe();
    await idle();
  });

  it('never moves a status backwards when the sandbox delivers newest first', async () => {
    const subscription = client().subscribe<OrderUpdated>(ORDER_UPDATED, { partnerId: PARTNER_2 });
    await subscribed(1);
    stack.partnerPortal.setWebhookFaults({ reorderNext: 2 });
    const created = await stack.gql<{ createPortalOrder: { portalOrder: { id: string } } }>(
      `mutation ($input: PortalOrderInput!) { createPortalOrder(input: $input) { portalOrder { id } userErrors { code } } }`,
      {
        input: {
          partnerId: PARTNER_2,
          externalReference: 'LIVE-PO-REORDER',
          lines: [{ productId: SEEDED_PRODUCT_IDS['MERCH-TSHIRT'], quantity: 1 }],
        },
      },
    );
    const orderId = created.body.data!.createPortalOrder.portalOrder.id;
    offsetMs = 3 * 60_000;
    await stack.partnerPortal.advance();
    await stack.partnerPortal.flushWebhooks();
    offsetMs = 0;
    const received = stack.partnerPortal
      .webhookDeliveries()
      .filter((attempt) => attempt.outcome === 'delivered')
      .slice(-2)
      .map((attempt) => attempt.type);
    assert.deepEqual(received, ['order.updated', 'order.created'], 'the sandbox delivered newest first');
    assert.equal(
      await deliver(
        portalOrderEvent({
          id: 'evt_reorder_after',
          orderId: 'ord_other',
          status: 'pending',
          partnerId: PARTNER_2,
        }),
      ),
      200,
    );
    const results = await subscription.take(2);
    assert.deepEqual(
      results.map((result) => [result.data?.orderUpdated.orderId, result.data?.orderUpdated.status]),
      [
        [orderId, 'PROCESSING'],
        ['ord_other', 'PENDING'],
      ],
    );
    subscription.unsubscribe();
    await idle();
  });

  it('resumes after an event id: the stored ones after it in order, then live ones, none twice', async () => {
    const event = (n: number) =>
      portalOrderEvent({
        id: `evt_resume_${n}`,
        orderId: `ord_resume_${n}`,
        status: 'pending',
        partnerId: 'ptn_resume',
      });
    const first = client().subscribe<OrderUpdated>(ORDER_UPDATED, { partnerId: 'ptn_resume' });
    await subscribed(1);
    for (const n of [1, 2, 3]) assert.equal(await deliver(event(n)), 200);
    await first.take(3);
    first.unsubscribe();
    await idle();
    for (const n of [4, 5]) assert.equal(await deliver(event(n)), 200);

    const resumed = client().subscribe<OrderUpdated>(ORDER_UPDATED, {
      partnerId: 'ptn_resume',
      after: 'evt_resume_2',
    });
    await resumed.take(3);
    assert.equal(await deliver(event(6)), 200);
    const results = await resumed.take(4);
    assert.deepEqual(
      results.map((result) => result.data?.orderUpdated.id),
      ['evt_resume_3', 'evt_resume_4', 'evt_resume_5', 'evt_resume_6'],
    );
    resumed.unsubscribe();
    await idle();
    assert.equal(resumed.results.length, 4);
  });

  it('answers an unknown `after` with BAD_USER_INPUT naming it', async () => {
    const subscription = client().subscribe<OrderUpdated>(ORDER_UPDATED, { after: 'evt_never_stored' });
    await subscription.ended;
    assert.equal(subscription.results.length, 1);
    const [error] = subscription.results[0]?.errors ?? [];
    assert.equal(error?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(error?.extensions?.field, 'after');
    assert.match(error?.message ?? '', /evt_never_stored/);
  });

  it('reports an invalid subscription as GRAPHQL_VALIDATION_FAILED, not as a masked error', async () => {
    const subscription = client().subscribe(`subscription { orderUpdated { noSuchField } }`);
    const { error } = await subscription.ended;
    const errors = error as { message: string; extensions?: { code?: string } }[];
    assert.equal(errors[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
    assert.match(errors[0]?.message ?? '', /noSuchField/);
  });

  it('masks an unexpected error in a subscription, ending only that stream, and logs the original', async () => {
    const subscription = client().subscribe<OrderUpdated>(ORDER_UPDATED, { partnerId: 'ptn_masked' });
    await subscribed(1);
    // No receiver writes this source: mapping the row fails inside the stream, as a bug would.
    await stack.store.inbox.record({
      eventId: 'evt_masked_1',
      source: 'secret_internal_source',
      type: 'order.updated',
      subject: 'order',
      subjectId: 'ord_masked',
      partnerId: 'ptn_masked',
      status: 'PENDING',
      statusRank: null,
      occurredAt: new Date(),
      payload: {},
    });
    const { error } = await subscription.ended;
    const [masked] = error as { message: string; extensions?: { code?: string; requestId?: string } }[];
    assert.equal(masked?.extensions?.code, 'INTERNAL_SERVER_ERROR');
    assert.doesNotMatch(masked?.message ?? '', /secret_internal_source/);
    const requestId = masked?.extensions?.requestId;
    assert.ok(requestId);
    assert.ok(
      stack.logs.some((line) => line.includes(requestId) && line.includes('secret_internal_source')),
      'the original is in the log under the request id',
    );
    await idle();
    // Other readers of the inbox (`events`) would meet the same row.
    await stack.store.db.deleteFrom('webhook_events').where('event_id', '=', 'evt_masked_1').execute();
  });

  it('answers a subscription sent over HTTP with BAD_USER_INPUT saying where subscriptions are served', async () => {
    const response = await stack.gql('subscription { orderUpdated { id } }');
    assert.equal(response.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(response.body.errors?.[0]?.message ?? '', /graphql-ws/);
  });

  it('ends the stream on the server when the client unsubscribes or goes away', async () => {
    const leaving = client();
    const subscriptions = [leaving.subscribe(ORDER_UPDATED), leaving.subscribe(ORDER_UPDATED)];
    await subscribed(2);
    subscriptions[0]?.unsubscribe();
    await subscribed(1);
    await leaving.close();
    await idle();
  });

  it('pages through the inbox with events(after, first), oldest first', async () => {
    const QUERY = `query ($after: String, $first: Int) {
      events(after: $after, first: $first) {
        totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { __typename id type ... on OrderEvent { orderId status vendor } } }
        nodes { id } } }`;
    type Page = {
      events: {
        totalCount: number;
        pageInfo: {
          hasNextPage: boolean;
          hasPreviousPage: boolean;
          startCursor: string | null;
          endCursor: string | null;
        };
        edges: {
          cursor: string;
          node: { __typename: string; id: string; type: string; status?: string | null };
        }[];
        nodes: { id: string }[];
      };
    };
    const all = await stack.gql<Page>(QUERY, { first: 100 });
    assert.equal(all.body.errors, undefined);
    const everything = all.body.data!.events;
    assert.ok(everything.totalCount > 10 && everything.totalCount < 100);
    assert.equal(everything.edges.length, everything.totalCount);
    assert.equal(everything.pageInfo.hasNextPage, false);
    const ids = everything.edges.map((edge) => edge.node.id);
    assert.ok(ids.indexOf('evt_resume_1') < ids.indexOf('evt_resume_6'));
    assert.ok(!ids.includes('evt_late_old'), 'a superseded event is not published');
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(everything.edges.every((edge) => edge.cursor === edge.node.id));
    assert.deepEqual(
      everything.nodes.map((node) => node.id),
      ids,
    );
    const late = everything.edges.find((edge) => edge.node.id === 'evt_late_new');
    assert.deepEqual(late?.node, {
      __typename: 'OrderEvent',
      id: 'evt_late_new',
      type: 'order.updated',
      orderId: 'ord_late_1',
      status: 'DELIVERED',
      vendor: 'PARTNER_PORTAL',
    });

    const paged: string[] = [];
    let cursor: string | null = null;
    for (;;) {
      const page: Awaited<ReturnType<typeof stack.gql<Page>>> = await stack.gql<Page>(QUERY, {
        after: cursor,
        first: 7,
      });
      assert.equal(page.body.errors, undefined);
      const events = page.body.data!.events;
      assert.equal(events.totalCount, everything.totalCount);
      assert.equal(events.pageInfo.hasPreviousPage, cursor !== null);
      paged.push(...events.edges.map((edge) => edge.node.id));
      if (!events.pageInfo.hasNextPage) break;
      cursor = events.pageInfo.endCursor;
    }
    assert.deepEqual(paged, ids);

    const empty = await stack.gql<Page>(QUERY, { first: 0 });
    assert.deepEqual(empty.body.data?.events.pageInfo, {
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: null,
      endCursor: null,
    });
    const last = await stack.gql<Page>(QUERY, { after: ids.at(-1), first: 5 });
    assert.deepEqual(last.body.data?.events.edges, []);
    assert.equal(last.body.data?.events.pageInfo.hasNextPage, false);

    for (const [variables, field] of [
      [{ after: 'evt_never_stored' }, 'after'],
      [{ first: 101 }, 'first'],
    ] as const) {
      const refused = await stack.gql(QUERY, variables);
      assert.equal(refused.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(variables));
      assert.equal(refused.body.errors?.[0]?.extensions?.field, field);
    }
  });
});
