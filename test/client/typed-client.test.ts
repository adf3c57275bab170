import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { print } from 'graphql';
import { ClientError, GraphQLClient } from 'graphql-request';
import {
  CreateOrderDocument,
  CreatePartnerDocument,
  LinkTicketDocument,
  OrderDocument,
  OrderUpdatedDocument,
  ProductsDocument,
} from '../../src/client/generated/graphql.js';
import type {
  OrderUpdatedSubscription,
  OrderUpdatedSubscriptionVariables,
} from '../../src/client/generated/graphql.js';
import { DOC_PRODUCT_ID } from '../../src/vendors/nfctagify/sandbox-seed.js';
import {
  SEEDED_SUSPENDED_ACCOUNT_ID,
  SEEDED_UNLINKED_TICKET_REFERENCE,
} from '../../src/vendors/nationalexpress/sandbox-seed.js';
import { SEEDED_ORDER_ID, SEEDED_PARTNER_ID as CM_PARTNER } from '../../src/vendors/navipartner/sandbox.js';
import { SEEDED_PARTNER_ID as ACME } from '../../src/vendors/partnerportal/sandbox-seed.js';
import { eventually, testWsClient, wsUrl } from '../support/graphql-ws-client.js';
import type { TestWsClient } from '../support/graphql-ws-client.js';
import { daysFromNow, startStack, TEST_API_KEY } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

describe('the generated documents, sent by real GraphQL clients to the running gateway', () => {
  let stack: TestStack;
  let client: GraphQLClient;
  const wsClients: TestWsClient[] = [];

  before(async () => {
    stack = await startStack({ seed: true });
    client = new GraphQLClient(stack.graphqlUrl, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
  });
  afterEach(async () => {
    await Promise.all(wsClients.splice(0).map((each) => each.close()));
  });
  after(async () => {
    await stack.close();
  });

  it('reads the NFC Tagify catalogue through `Products`, typed down to the vendor enum', async () => {
    // `request` rejects with a ClientError on any top-level error: resolving means none came back.
    const { products } = await client.request(ProductsDocument, { vendor: 'NFC_TAGIFY', first: 100 });
    // Nullable: null (with an error) only while a catalogue cannot be read.
    assert.ok(products);
    const { nodes, totalCount } = products;
    assert.equal(nodes.length, totalCount);
    assert.ok(nodes.every((product) => product.vendor === 'NFC_TAGIFY'));
    const documented = nodes.find((product) => product.id === DOC_PRODUCT_ID);
    assert.ok(documented, JSON.stringify(nodes.map((product) => product.id)));
    assert.equal(typeof documented.price.amount, 'number');
  });

  it('reads a seeded Channel Manager order with its wallets through `Order`', async () => {
    const { order } = await client.request(OrderDocument, { id: SEEDED_ORDER_ID });
    assert.ok(order);
    assert.equal(order.id, SEEDED_ORDER_ID);
    assert.equal(order.partnerId, CM_PARTNER);
    assert.ok(['DRAFT', 'ISSUED', 'ERROR', 'CANCELLED'].includes(order.status));
    assert.ok(order.items.length > 0);

    const missing = await client.request(OrderDocument, { id: '00000000-0000-4000-8000-000000000000' });
    assert.equal(missing.order, null);
  });

  it('answers user errors as data: a malformed partner (PartnerPortal) and a suspended account (National Express)', async () => {
    const created = await client.request(CreatePartnerDocument, {
      input: { externalId: 'not a valid id!', name: 'Typed Client Ltd' },
    });
    assert.equal(created.createPartner.partner, null);
    assert.deepEqual(
      created.createPartner.userErrors.map((error) => [error.code, error.field]),
      [['VALIDATION', ['input', 'externalId']]],
    );

    const linked = await client.request(LinkTicketDocument, {
      accountId: SEEDED_SUSPENDED_ACCOUNT_ID,
      ticketReference: SEEDED_UNLINKED_TICKET_REFERENCE,
    });
    assert.equal(linked.linkTicket.account, null);
    assert.deepEqual(
      linked.linkTicket.userErrors.map((error) => error.code),
      ['INVALID_STATE'],
    );
  });

  it('surfaces a variable the server refuses as a ClientError, not as data', async () => {
    // Typed variables stop this at compile time; a cast stands in for a client built from an older schema.
    const wrong = { vendor: 'NOT_A_VENDOR' } as unknown as { vendor: 'NFC_TAGIFY' };
    await assert.rejects(client.request(ProductsDocument, wrong), (error: unknown) => {
      assert.ok(error instanceof ClientError);
      assert.match(error.response.errors?.[0]?.message ?? '', /NOT_A_VENDOR/);
      return true;
    });
  });

  it('receives the ticket order a `CreateOrder` placed on an `OrderUpdated` subscription over graphql-ws', async () => {
    const ws = testWsClient(wsUrl(stack.origin), { apiKey: TEST_API_KEY });
    wsClients.push(ws);
    const variables: OrderUpdatedSubscriptionVariables = { partnerId: ACME };
    const subscription = ws.subscribe<OrderUpdatedSubscription>(print(OrderUpdatedDocument), variables);
    // The subscription's starting cursor is fixed once the gateway counts it: from then on nothing is missed.
    await eventually(() => stack.gateway.openSubscriptions() === 1, 'the subscription to open');

    const { createOrder } = await client.request(CreateOrderDocument, {
      input: {
        partnerId: CM_PARTNER,
        sellToOrderReference: 'TYPED-CLIENT-1',
        paymentReference: 'PAY-TYPED-1',
        items: [{ itemNumber: '31001', visitDate: daysFromNow(30), visitTime: '10:30:00', quantity: 1 }],
      },
    });
    assert.deepEqual(createOrder.userErrors, []);
    assert.ok(createOrder.order);
    assert.equal(createOrder.order.status, 'ISSUED');

    const [result] = await subscription.take(1);
    assert.equal(result?.errors, undefined);
    const event = result?.data?.orderUpdated;
    assert.ok(event);
    assert.deepEqual(
      {
        type: event.type,
        status: event.status,
        orderId: event.orderId,
        partnerId: event.partnerId,
        vendor: event.vendor,
        order: event.order,
      },
      {
        type: 'order.created',
        status: 'ISSUED',
        orderId: createOrder.order.id,
        partnerId: ACME,
        vendor: 'CHANNEL_MANAGER',
        order: {
          __typename: 'Order',
          id: createOrder.order.id,
          orderStatus: 'ISSUED',
          sellToOrderReference: 'TYPED-CLIENT-1',
        },
      },
    );
    subscription.unsubscribe();
    await eventually(() => stack.gateway.openSubscriptions() === 0, 'the subscription to close');
  });
});
