import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { daysFromNow, startStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

const PARTNER = 'exactly-once-updates';
const ORDER = 'order { id status paymentReference items { wallets { name } } }';
const CREATE = `mutation ($input: OrderInput!) { createOrder(input: $input) { ${ORDER} userErrors { code field message } } }`;
const CONFIRM = `mutation ($id: ID!, $pay: String!) {
  confirmOrder(id: $id, paymentReference: $pay) { ${ORDER} userErrors { code field message } } }`;
const REPLACE = `mutation ($id: ID!, $input: OrderInput!) {
  replaceOrder(id: $id, input: $input) { ${ORDER} userErrors { code field message } } }`;
const CANCEL = `mutation ($id: ID!) { cancelOrder(id: $id) { ${ORDER} removed userErrors { code field message } } }`;

interface OrderShape {
  id: string;
  status: string;
  paymentReference: string | null;
  items: { wallets: { name: string | null }[] }[];
}
type Payload = { order: OrderShape | null; removed?: boolean; userErrors: { code: string }[] };

const input = (reference: string, extra: Record<string, unknown> = {}) => ({
  partnerId: PARTNER,
  sellToOrderReference: reference,
  items: [
    {
      itemNumber: '31001',
      visitDate: daysFromNow(30),
      visitTime: '11:00:00',
      quantity: 1,
      wallet: { names: ['Kim'] },
    },
  ],
  ...extra,
});

/**
 * Confirm, replace and cancel whose answers the sandbox loses after carrying them out: the client still gets the
 * outcome the write had, not the error a blind repeat would meet (an Issued order refuses a replace; a removed
 * draft answers 404), and the vendor's order is in the state the write asked for.
 */
describe('Channel Manager updates whose answer was lost', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack.close();
  });

  async function mutate(query: string, variables: Record<string, unknown>, field: string): Promise<Payload> {
    const response = await stack.gql<Record<string, Payload>>(query, variables);
    assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
    return response.body.data![field]!;
  }

  /** The vendor's own view of the order, past the gateway; null when it no longer exists. */
  async function vendorOrder(id: string): Promise<{ status: string } | null> {
    const { baseUrl, apiKey } = stack.endpoints.channelManager;
    const response = await fetch(`${baseUrl}/channelManager/${id}`, { headers: { 'x-np-api-key': apiKey } });
    if (response.status === 404) return null;
    assert.equal(response.status, 200);
    return (await response.json()) as { status: string };
  }

  const draft = async (reference: string) => {
    const created = await mutate(CREATE, { input: input(reference) }, 'createOrder');
    assert.equal(created.order?.status, 'DRAFT');
    return created.order.id;
  };

  /** Runs `work` while the sandbox loses the answer to the next `route`, and checks that it did. */
  async function losingAnswerTo<T>(route: string, work: () => Promise<T>): Promise<T> {
    stack.channelManager.setFaults([{ route, count: 1, lostResponse: true }]);
    try {
      return await work();
    } finally {
      assert.equal(stack.channelManager.faults()[0]?.remaining, 0, 'the fault was injected');
      stack.channelManager.clearFaults();
    }
  }

  const counted = (route: string) => stack.channelManager.requestCounts()[route] ?? 0;
  const ORDER_ROUTE = '/:tenant/:environment/:company/channelManager/:orderId';

  it('answers a confirm that issued the order (the repeat is the documented no-op)', async () => {
    const id = await draft('UPD-CONFIRM-1');
    const payload = await losingAnswerTo('POST /channelManager/:orderId/confirm', () =>
      mutate(CONFIRM, { id, pay: 'PAY-C1' }, 'confirmOrder'),
    );
    assert.deepEqual(payload.userErrors, []);
    assert.equal(payload.order?.status, 'ISSUED');
    assert.equal((await vendorOrder(id))?.status, 'Issued');
  });

  it('answers a replace that issued the order, without sending it again', async () => {
    const id = await draft('UPD-REPLACE-1');
    const before = counted(`PUT ${ORDER_ROUTE}`);
    const payload = await losingAnswerTo('PUT /channelManager/:orderId', () =>
      mutate(REPLACE, { id, input: input('UPD-REPLACE-1', { paymentReference: 'PAY-R1' }) }, 'replaceOrder'),
    );
    assert.deepEqual(payload.userErrors, []);
    assert.equal(payload.order?.status, 'ISSUED');
    assert.deepEqual(payload.order?.items[0]?.wallets, [{ name: 'Kim' }]);
    assert.equal(counted(`PUT ${ORDER_ROUTE}`) - before, 1, 'the replace was sent once');
    assert.equal((await vendorOrder(id))?.status, 'Issued');
  });

  it('sends a replace again when the order shows it was not carried out', async () => {
    const id = await draft('UPD-REPLACE-2');
    stack.channelManager.setFaults([{ route: 'PUT /channelManager/:orderId', count: 1, reset: true }]);
    const payload = await mutate(
      REPLACE,
      { id, input: input('UPD-REPLACE-2', { paymentReference: 'PAY-R2' }) },
      'replaceOrder',
    ).finally(() => stack.channelManager.clearFaults());
    assert.deepEqual(payload.userErrors, []);
    assert.equal(payload.order?.status, 'ISSUED');
    assert.equal((await vendorOrder(id))?.status, 'Issued');
  });

  it('answers removed for a cancel that removed a draft, not NOT_FOUND', async () => {
    const id = await draft('UPD-CANCEL-1');
    const before = counted(`DELETE ${ORDER_ROUTE}`);
    const payload = await losingAnswerTo('DELETE /channelManager/:orderId', () =>
      mutate(CANCEL, { id }, 'cancelOrder'),
    );
    assert.deepEqual(payload, { order: null, removed: true, userErrors: [] });
    assert.equal(counted(`DELETE ${ORDER_ROUTE}`) - before, 1, 'the DELETE was sent once');
    assert.equal(await vendorOrder(id), null);
  });

  it('answers the cancelled order for a cancel of an issued order', async () => {
    const created = await mutate(
      CREATE,
      { input: input('UPD-CANCEL-2', { paymentReference: 'PAY-X2' }) },
      'createOrder',
    );
    const id = created.order!.id;
    const payload = await losingAnswerTo('DELETE /channelManager/:orderId', () =>
      mutate(CANCEL, { id }, 'cancelOrder'),
    );
    assert.deepEqual(payload.userErrors, []);
    assert.equal(payload.removed, false);
    assert.equal(payload.order?.status, 'CANCELLED');
    assert.equal((await vendorOrder(id))?.status, 'Cancelled');
  });
});
