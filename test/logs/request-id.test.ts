import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SEEDED_PARTNER_ID as ACME, SEEDED_PRODUCT_IDS } from '../../src/vendors/partnerportal/sandbox.js';
import { eventually, testWsClient, wsUrl } from '../support/graphql-ws-client.js';
import { startStack, TEST_API_KEY } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

const SECRET = 'whsec_request_id_logs_0123456789';
const ORDER = '9c6b2f4e-2b71-4d23-9d6a-a3b4c5d6e7f8';

interface LogLine {
  msg: string;
  requestId?: string;
  vendor?: string;
  operation?: string;
  level: number;
}

describe('every line logged while serving a request carries its request id', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ seed: true, partnerPortalWebhookSecret: SECRET });
  });
  after(async () => {
    await stack.close();
  });

  /** The lines logged from `mark` on, parsed. */
  const since = (mark: number): LogLine[] =>
    stack.logs
      .slice(mark)
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as LogLine);

  it('over HTTP: vendor calls in a query, and the same id in the response header', async () => {
    const mark = stack.logs.length;
    const response = await stack.gql(
      `{ order(id: "${ORDER}") { id partner { id } } partners(first: 2) { nodes { id } } }`,
      undefined,
      { 'x-request-id': 'logs-http-1' },
    );
    assert.equal(response.body.errors, undefined);
    assert.equal(response.headers.get('x-request-id'), 'logs-http-1');
    const lines = since(mark);
    assert.ok(lines.filter((line) => line.msg === 'vendor call').length >= 2, JSON.stringify(lines));
    for (const line of lines) assert.equal(line.requestId, 'logs-http-1', JSON.stringify(line));
  });

  it('over HTTP without a client id: a fresh one, on every line and in the header', async () => {
    const mark = stack.logs.length;
    const response = await stack.gql(`{ order(id: "${ORDER}") { id } }`);
    const id = response.headers.get('x-request-id');
    assert.match(id ?? '', /^[0-9a-f-]{36}$/);
    const lines = since(mark);
    assert.ok(lines.length > 0);
    for (const line of lines) assert.equal(line.requestId, id, JSON.stringify(line));
  });

  it('on the webhook route, whose body is read before its handler logs', async () => {
    const mark = stack.logs.length;
    const response = await fetch(`${stack.origin}/webhooks/partnerportal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'logs-webhook-1' },
      body: JSON.stringify({ id: 'evt', type: 'order.updated' }),
    });
    assert.equal(response.status, 401);
    const lines = since(mark);
    assert.ok(lines.some((line) => line.msg === 'webhook refused: signature'));
    for (const line of lines) assert.equal(line.requestId, 'logs-webhook-1', JSON.stringify(line));
  });

  it('over graphql-ws: a query operation, vendor calls included', async () => {
    const client = testWsClient(wsUrl(stack.origin), { apiKey: TEST_API_KEY });
    try {
      const mark = stack.logs.length;
      const [result] = await client.subscribe(`{ order(id: "${ORDER}") { id partner { id } } }`).take(1);
      assert.equal(result?.errors, undefined);
      const lines = since(mark).filter((line) => line.msg !== 'websocket connected');
      const operation = lines.find((line) => line.msg === 'graphql-ws operation');
      assert.ok(operation?.requestId, JSON.stringify(lines));
      assert.ok(lines.some((line) => line.msg === 'vendor call'));
      for (const line of lines) assert.equal(line.requestId, operation.requestId, JSON.stringify(line));
    } finally {
      await client.close();
    }
  });

  it('over graphql-ws: each event of a subscription is resolved under the subscription id', async () => {
    const client = testWsClient(wsUrl(stack.origin), { apiKey: TEST_API_KEY });
    try {
      const mark = stack.logs.length;
      const subscription = client.subscribe(
        `subscription ($partnerId: ID) { orderUpdated(partnerId: $partnerId) {
          id order { __typename ... on PortalOrder { id status } } } }`,
        { partnerId: ACME },
      );
      await eventually(() => stack.gateway.openSubscriptions() === 1, 'the subscription to open');
      const created = await stack.gql(
        `mutation ($input: PortalOrderInput!) {
          createPortalOrder(input: $input) { portalOrder { id } userErrors { code } } }`,
        {
          input: {
            partnerId: ACME,
            externalReference: 'LOGS-PO-1',
            lines: [{ productId: SEEDED_PRODUCT_IDS['MERCH-TSHIRT'], quantity: 1 }],
          },
        },
        { 'x-request-id': 'logs-mutation-1' },
      );
      assert.equal(created.body.errors, undefined);
      const [event] = await subscription.take(1);
      assert.equal(event?.errors, undefined);
      const lines = since(mark).filter((line) => line.msg !== 'websocket connected');
      const operation = lines.find((line) => line.msg === 'graphql-ws operation');
      assert.ok(operation?.requestId);
      // The mutation, the sandbox's webhook delivery and the event's resolution: three requests, no line without one.
      for (const line of lines) assert.ok(line.requestId, JSON.stringify(line));
      assert.ok(lines.some((line) => line.requestId === 'logs-mutation-1' && line.msg === 'vendor call'));
      assert.ok(lines.some((line) => line.msg === 'webhook received'));
      const eventCalls = lines.filter(
        (line) => line.msg === 'vendor call' && line.requestId === operation.requestId,
      );
      assert.ok(eventCalls.length > 0, 'the event resolved its order under the subscription id');
      subscription.unsubscribe();
    } finally {
      await client.close();
    }
  });
});
