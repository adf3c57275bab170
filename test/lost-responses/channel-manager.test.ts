import assert from 'node:assert/strict';
import { daysFromNow } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';
import { describeExactlyOnce } from './lost-response-cases.js';

const PARTNER = 'exactly-once-partner';

/** Asks the sandbox itself, past the gateway: the vendor's list filtered by the natural key. */
async function vendorCount(stack: TestStack, reference: string): Promise<number> {
  const { baseUrl, apiKey } = stack.endpoints.channelManager;
  const query = new URLSearchParams({ sellToOrderReference: reference });
  const response = await fetch(`${baseUrl}/channelManager/orders/${PARTNER}?${query.toString()}`, {
    headers: { 'x-np-api-key': apiKey },
  });
  assert.equal(response.status, 200);
  return ((await response.json()) as unknown[]).length;
}

describeExactlyOnce({
  title: 'createOrder (Channel Manager)',
  mutation: `mutation ($input: OrderInput!) {
    createOrder(input: $input) { order { id status } userErrors { code field message } } }`,
  payloadField: 'createOrder',
  objectField: 'order',
  variables: (reference, content) => ({
    input: {
      partnerId: PARTNER,
      sellToOrderReference: reference,
      items: [
        {
          itemNumber: '31001',
          visitDate: daysFromNow(30),
          visitTime: '11:00:00',
          quantity: content === 'same' ? 1 : 2,
        },
      ],
      paymentReference: `PAY-${reference}`,
    },
  }),
  isCreate: (method, url) => method === 'POST' && url.pathname.endsWith('/channelManager'),
  faultRoute: 'POST /channelManager',
  sandboxRoute: 'POST /:tenant/:environment/:company/channelManager',
  sandbox: (stack) => stack.channelManager,
  vendorCount,
  conflict: { code: 'DUPLICATE', field: ['input', 'sellToOrderReference'] },
  reconcilesLostAnswer: true,
});
