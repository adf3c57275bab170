import assert from 'node:assert/strict';
import type { TestStack } from '../support/stack.js';
import { describeExactlyOnce } from './lost-response-cases.js';

/** Asks the sandbox itself, past the gateway: the vendor's list filtered by the natural key. */
async function vendorCount(stack: TestStack, externalId: string): Promise<number> {
  const { baseUrl, apiKey } = stack.endpoints.partnerPortal;
  const query = new URLSearchParams({ external_id: externalId });
  const response = await fetch(`${baseUrl}/partners?${query.toString()}`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  assert.equal(response.status, 200);
  return ((await response.json()) as { total_count: number }).total_count;
}

describeExactlyOnce({
  title: 'createPartner (PartnerPortal)',
  mutation: `mutation ($input: PartnerInput!) {
    createPartner(input: $input) { partner { id externalId name } userErrors { code field message } } }`,
  payloadField: 'createPartner',
  objectField: 'partner',
  variables: (externalId, content) => ({
    input: { externalId, name: content === 'same' ? 'Exactly Once Ltd' : 'Someone Else Ltd' },
  }),
  isCreate: (method, url) => method === 'POST' && url.pathname === '/v1/partners',
  faultRoute: 'POST /partners',
  sandboxRoute: 'POST /v1/partners',
  sandbox: (stack) => stack.partnerPortal,
  vendorCount,
  conflict: { code: 'DUPLICATE', field: ['input', 'externalId'] },
  reconcilesLostAnswer: true,
});
