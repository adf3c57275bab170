import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SEEDED_PARTNER_ID as ACME, SEEDED_PRODUCT_IDS } from '../../src/vendors/partnerportal/sandbox.js';
import type { Transport } from '../../src/vendors/transport.js';
import { callsSince, upstreamCalls } from '../support/upstream-calls.js';
import { startStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

const CREATE_PARTNER = `mutation ($input: PartnerInput!) {
  createPartner(input: $input) { partner { id externalId name } userErrors { code field message } } }`;
const CREATE_ORDER = `mutation ($input: PortalOrderInput!) {
  createPortalOrder(input: $input) { portalOrder { id externalReference status } userErrors { code field message } } }`;

interface Faults {
  /** POSTs to this path (under the vendor's /v1) are the ones hit. */
  path: string;
  /** The vendor carries out the next n such POSTs, but their answers are lost as on a dropped connection. */
  loseAnswer: number;
  /** The next n such POSTs break before the vendor gets them; the gateway cannot tell the two apart. */
  loseRequest: number;
}

function faultyPosts(inner: Transport, faults: Faults): Transport {
  const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  return {
    async send(request) {
      const hit = request.method === 'POST' && new URL(request.url).pathname === `/v1${faults.path}`;
      if (hit && faults.loseRequest > 0) {
        faults.loseRequest--;
        throw reset();
      }
      const response = await inner.send(request);
      if (hit && faults.loseAnswer > 0) {
        faults.loseAnswer--;
        await response.text();
        throw reset();
      }
      return response;
    },
    close: () => inner.close(),
  };
}

describe('createPartner and createPortalOrder when a response is lost or a request doubled', () => {
  let stack: TestStack;
  const faults: Faults = { path: '', loseAnswer: 0, loseRequest: 0 };

  before(async () => {
    stack = await startStack({ seed: true, wrapTransport: (inner) => faultyPosts(inner, faults) });
  });
  after(async () => {
    await stack.close();
  });

  /** Asks the sandbox itself, past the gateway. */
  async function vendorCount(path: string): Promise<number> {
    const { baseUrl, apiKey } = stack.endpoints.partnerPortal;
    const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
    assert.equal(response.status, 200);
    return ((await response.json()) as { total_count: number }).total_count;
  }

  async function createPartner(input: Record<string, unknown>) {
    const response = await stack.gql<{
      createPartner: {
        partner: { id: string; externalId: string; name: string } | null;
        userErrors: unknown[];
      };
    }>(CREATE_PARTNER, { input });
    assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
    assert.ok(response.body.data);
    return response.body.data.createPartner;
  }

  async function createOrder(input: Record<string, unknown>) {
    const response = await stack.gql<{
      createPortalOrder: { portalOrder: { id: string; status: string } | null; userErrors: unknown[] };
    }>(CREATE_ORDER, { input });
    assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
    assert.ok(response.body.data);
    return response.body.data.createPortalOrder;
  }

  it('finds the partner the vendor created when the answer was lost, without creating it again', async () => {
    Object.assign(faults, { path: '/partners', loseAnswer: 1 });
    const before = await upstreamCalls(stack.gateway);
    const payload = await createPartner({ externalId: 'LOST-ANSWER-1', name: 'Lost Answer' });
    assert.equal(faults.loseAnswer, 0, 'the fault was injected');
    assert.deepEqual(payload.userErrors, []);
    assert.equal(payload.partner?.externalId, 'LOST-ANSWER-1');
    assert.match(payload.partner?.id ?? '', /^ptn_/);
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'partner_portal.createPartner': 1,
      'partner_portal.listPartners': 1,
    });
    assert.equal(await vendorCount('/partners?external_id=LOST-ANSWER-1'), 1);
  });

  it('creates the partner after looking for it when the request itself was lost', async () => {
    Object.assign(faults, { path: '/partners', loseRequest: 1 });
    const before = await upstreamCalls(stack.gateway);
    const payload = await createPartner({ externalId: 'LOST-REQUEST-1', name: 'Lost Request' });
    assert.equal(faults.loseRequest, 0, 'the fault was injected');
    assert.deepEqual(payload.userErrors, []);
    assert.equal(payload.partner?.name, 'Lost Request');
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'partner_portal.createPartner': 2,
      'partner_portal.listPartners': 1,
    });
    assert.equal(await vendorCount('/partners?external_id=LOST-REQUEST-1'), 1);
  });

  it('answers DUPLICATE when the partner found after a lost answer is not the one sent', async () => {
    await createPartner({ externalId: 'LOST-OTHER-1', name: 'First Owner' });
    Object.assign(faults, { path: '/partners', loseRequest: 1 });
    const payload = await createPartner({ externalId: 'LOST-OTHER-1', name: 'Second Owner' });
    assert.deepEqual(payload, {
      partner: null,
      userErrors: [
        {
          code: 'DUPLICATE',
          field: ['input', 'externalId'],
          message: 'A partner with this externalId already exists, with different content.',
        },
      ],
    });
  });

  it('answers two identical createPartner requests sent at once with the same single partner', async () => {
    const input = { externalId: 'TWICE-1', name: 'Twice', email: 'twice@example.com' };
    const [a, b] = await Promise.all([createPartner(input), createPartner(input)]);
    assert.deepEqual(a.userErrors, []);
    assert.deepEqual(b.userErrors, []);
    assert.ok(a.partner?.id);
    assert.deepEqual(a, b);
    assert.equal(await vendorCount('/partners?external_id=TWICE-1'), 1);
  });

  const orderInput = (reference: string) => ({
    partnerId: ACME,
    externalReference: reference,
    lines: [{ productId: SEEDED_PRODUCT_IDS['31001'], quantity: 2 }],
  });

  it('finds the portal order the vendor created when the answer was lost, without creating it again', async () => {
    Object.assign(faults, { path: '/orders', loseAnswer: 1 });
    const before = await upstreamCalls(stack.gateway);
    const payload = await createOrder(orderInput('LOST-PO-1'));
    assert.equal(faults.loseAnswer, 0, 'the fault was injected');
    assert.deepEqual(payload.userErrors, []);
    assert.equal(payload.portalOrder?.status, 'PENDING');
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'partner_portal.createOrder': 1,
      'partner_portal.listOrders': 1,
    });
    assert.equal(await vendorCount(`/orders?partner_id=${ACME}&external_reference=LOST-PO-1`), 1);
  });

  it('creates the portal order after looking for it when the request itself was lost', async () => {
    Object.assign(faults, { path: '/orders', loseRequest: 1 });
    const payload = await createOrder(orderInput('LOST-PO-2'));
    assert.equal(faults.loseRequest, 0, 'the fault was injected');
    assert.deepEqual(payload.userErrors, []);
    assert.equal(await vendorCount(`/orders?partner_id=${ACME}&external_reference=LOST-PO-2`), 1);
  });

  it('answers two identical createPortalOrder requests sent at once with the same single order', async () => {
    const [a, b] = await Promise.all([
      createOrder(orderInput('TWICE-PO')),
      createOrder(orderInput('TWICE-PO')),
    ]);
    assert.deepEqual(a.userErrors, []);
    assert.ok(a.portalOrder?.id);
    assert.deepEqual(a, b);
    assert.equal(await vendorCount(`/orders?partner_id=${ACME}&external_reference=TWICE-PO`), 1);
  });
});
