import type { TestStack } from '../support/stack.js';
import { describeExactlyOnce } from './lost-response-cases.js';

/** The sandbox's own state (the vendor has no read route for orders): orders carrying this external id. */
function vendorCount(stack: TestStack, externalId: string): Promise<number> {
  return Promise.resolve(
    stack.partnerOrders.orders().filter((order) => order.response.external_id === externalId).length,
  );
}

describeExactlyOnce({
  title: 'submitSubscriptionOrder (Partner Orders)',
  mutation: `mutation ($input: SubscriptionOrderInput!, $key: String!) {
    submitSubscriptionOrder(input: $input, idempotencyKey: $key) {
      order { id externalId } userErrors { code field message } } }`,
  payloadField: 'submitSubscriptionOrder',
  objectField: 'order',
  // The idempotency key is the natural key; the external id carries it too, so the vendor's orders can be counted.
  variables: (key, content) => ({
    key,
    input: {
      externalId: key,
      customerEmail: 'exactly.once@example.com',
      lines: [{ planId: 'plan-basic-monthly', quantity: content === 'same' ? 1 : 3 }],
    },
  }),
  isCreate: (method, url) => method === 'POST' && url.pathname === '/partner/order',
  faultRoute: 'POST /partner/order',
  sandboxRoute: 'POST /partner/order',
  sandbox: (stack) => stack.partnerOrders,
  vendorCount,
  conflict: { code: 'DUPLICATE', field: ['idempotencyKey'] },
  reconcilesLostAnswer: false,
});
