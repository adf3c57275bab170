import assert from 'node:assert/strict';
import type { TestStack } from '../support/stack.js';
import { describeExactlyOnce } from './lost-response-cases.js';

/** Asks the sandbox itself, past the gateway: the vendor's list filtered by the reference. */
async function vendorCount(stack: TestStack, reference: string): Promise<number> {
  const { baseUrl, apiKey } = stack.endpoints.nfcTagify;
  const query = new URLSearchParams({ customer_reference: reference, per_page: '100' });
  const response = await fetch(`${baseUrl}/orders?${query.toString()}`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  assert.equal(response.status, 200);
  return ((await response.json()) as { data: unknown[] }).data.length;
}

describeExactlyOnce({
  title: 'createCardOrder (NFC Tagify)',
  mutation: `mutation ($input: CardOrderInput!) {
    createCardOrder(input: $input) { cardOrder { id customerReference quantity } userErrors { code field message } } }`,
  payloadField: 'createCardOrder',
  objectField: 'cardOrder',
  variables: (customerReference, content) => ({
    input: {
      productId: 'prod_abc123',
      quantity: content === 'same' ? 50 : 60,
      customerReference,
      shipping: {
        name: 'Jane Smith',
        addressLine1: '12 Example Street',
        city: 'London',
        postcode: 'EC1A 1BB',
        country: 'GB',
      },
    },
  }),
  isCreate: (method, url) => method === 'POST' && url.pathname === '/api/partner/orders',
  faultRoute: 'POST /orders',
  sandboxRoute: 'POST /api/partner/orders',
  sandbox: (stack) => stack.nfcTagify,
  vendorCount,
  conflict: { code: 'DUPLICATE', field: ['input', 'customerReference'] },
  reconcilesLostAnswer: true,
  // Two gateways and the tests' own counts share the account's budget: room enough that nobody waits for it.
  stackOptions: {
    env: { NFC_TAGIFY_REQUESTS_PER_MINUTE: '6000' },
    sandboxes: { nfcTagify: { requestsPerMinute: 6000 } },
  },
});
