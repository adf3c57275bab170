import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Transport } from '../../src/vendors/transport.js';
import { startStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

const PARTNER = 'lost-response-partner';
const CREATE = `mutation ($input: OrderInput!) {
  createOrder(input: $input) { order { id status sellToOrderReference items { wallets { id } } } userErrors { code field message } } }`;

interface CreateResult {
  createOrder: {
    order: { id: string; status: string; items: { wallets: { id: string }[] }[] } | null;
    userErrors: { code: string }[];
  };
}

const input = (reference: string) => ({
  partnerId: PARTNER,
  sellToOrderReference: reference,
  items: [
    {
      itemNumber: '31001',
      visitDate: '2099-03-01',
      visitTime: '11:00:00',
      quantity: 1,
      wallet: { names: ['A'] },
    },
  ],
  paymentReference: `PAY-${reference}`,
});

/**
 * Lets the vendor carry out the next createOrder, then throws its answer away as a dropped connection would:
 * the gateway cannot know whether the order exists.
 */
function losingCreateResponses(inner: Transport, state: { lose: number }): Transport {
  return {
    async send(request) {
      const response = await inner.send(request);
      if (request.method === 'POST' && request.url.endsWith('/channelManager') && state.lose > 0) {
        state.lose--;
        await response.text();
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      }
      return response;
    },
    close: () => inner.close(),
  };
}

describe('createOrder when the response is lost or the request is doubled', () => {
  let stack: TestStack;
  const faults = { lose: 0 };

  before(async () => {
    stack = await startStack({ wrapTransport: (inner) => losingCreateResponses(inner, faults) });
  });
  after(async () => {
    await stack.close();
  });

  async function ordersWithReference(reference: string): Promise<number> {
    const list = await stack.gql<{ orders: { totalCount: number } }>(
      `query ($p: ID!, $r: String) { orders(partnerId: $p, filter: { sellToOrderReference: $r }) { totalCount } }`,
      { p: PARTNER, r: reference },
    );
    return list.body.data?.orders.totalCount ?? -1;
  }

  it('answers success with the one order the vendor created when the first response was lost', async () => {
    faults.lose = 1;
    const response = await stack.gql<CreateResult>(CREATE, { input: input('LOST-1') });
    assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
    assert.equal(faults.lose, 0, 'the fault was injected');
    assert.deepEqual(response.body.data?.createOrder.userErrors, []);
    assert.equal(response.body.data?.createOrder.order?.status, 'ISSUED');
    assert.equal(response.body.data?.createOrder.order?.items[0]?.wallets.length, 1);
    assert.equal(await ordersWithReference('LOST-1'), 1);
  });

  it('answers two identical requests sent at once with the same single order', async () => {
    const [a, b] = await Promise.all([
      stack.gql<CreateResult>(CREATE, { input: input('TWICE-1') }),
      stack.gql<CreateResult>(CREATE, { input: input('TWICE-1') }),
    ]);
    for (const response of [a, b]) {
      assert.equal(response.body.errors, undefined);
      assert.deepEqual(response.body.data?.createOrder.userErrors, []);
    }
    assert.ok(a.body.data?.createOrder.order?.id);
    assert.equal(a.body.data?.createOrder.order?.id, b.body.data?.createOrder.order?.id);
    assert.equal(await ordersWithReference('TWICE-1'), 1);
  });
});
