import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signatureHeader, SIGNATURE_HEADER } from '../../src/events/signature.js';
import { startStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

const SECRET = 'whsec_receiver_test_0123456789';
const OLD_SECRET = 'whsec_receiver_previous_0000';

describe('POST /webhooks/partnerportal', () => {
  let stack: TestStack;
  let url: string;
  before(async () => {
    stack = await startStack({
      seed: true,
      env: { PARTNERPORTAL_WEBHOOK_SECRET: `${SECRET},${OLD_SECRET}` },
    });
    url = `${stack.origin}/webhooks/partnerportal`;
  });
  after(async () => {
    await stack.close();
  });

  const event = (id: string, status = 'shipped', at = '2026-05-22T11:01:00+05:30', orderId = 'ord_rcv_1') =>
    JSON.stringify({
      id,
      type: 'order.updated',
      created_at: at,
      data: { order_id: orderId, status, partner_id: 'ptn_01JSEED0000000000000000001' },
    });

  async function deliver(body: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signatureHeader(body, [SECRET], Math.floor(Date.now() / 1000)),
        ...headers,
      },
      body,
    });
  }

  async function stored(id: string): Promise<number> {
    const row = await stack.store.db
      .selectFrom('webhook_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('event_id', '=', id)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it('stores a correctly signed event before answering 200', async () => {
    const response = await deliver(event('evt_ok_1'));
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { received: true, duplicate: false });
    assert.equal(await stored('evt_ok_1'), 1);
  });

  it('accepts a signature made with the previous secret during rotation', async () => {
    const body = event('evt_rotated');
    const response = await deliver(body, {
      [SIGNATURE_HEADER]: signatureHeader(body, [OLD_SECRET], Math.floor(Date.now() / 1000)),
    });
    assert.equal(response.status, 200);
  });

  it('refuses a tampered body, a wrong secret, stale and future timestamps, and no signature, changing nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    const body = event('evt_bad');
    const attempts: [string, Record<string, string>][] = [
      ['tampered', { [SIGNATURE_HEADER]: signatureHeader(event('evt_other'), [SECRET], now) }],
      ['wrong secret', { [SIGNATURE_HEADER]: signatureHeader(body, ['not-the-secret'], now) }],
      ['stale', { [SIGNATURE_HEADER]: signatureHeader(body, [SECRET], now - 301) }],
      ['future', { [SIGNATURE_HEADER]: signatureHeader(body, [SECRET], now + 360) }],
      ['malformed', { [SIGNATURE_HEADER]: 'v1=deadbeef' }],
    ];
    for (const [name, headers] of attempts) {
      const response = await deliver(body, headers);
      assert.equal(response.status, 401, name);
    }
    const unsigned = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    assert.equal(unsigned.status, 401);
    assert.equal(await stored('evt_bad'), 0);
  });

  it('answers a redelivery 200 without a second effect, also when both copies arrive at once', async () => {
    const body = event('evt_dup_1');
    assert.equal((await deliver(body)).status, 200);
    const again = await deliver(body);
    assert.deepEqual(await again.json(), { received: true, duplicate: true });
    const twice = await Promise.all([deliver(event('evt_dup_2')), deliver(event('evt_dup_2'))]);
    assert.deepEqual(
      twice.map((response) => response.status),
      [200, 200],
    );
    const answers = (await Promise.all(twice.map((response) => response.json()))) as { duplicate: boolean }[];
    assert.deepEqual(answers.map((answer) => answer.duplicate).sort(), [false, true]);
    assert.equal(await stored('evt_dup_1'), 1);
    assert.equal(await stored('evt_dup_2'), 1);
  });

  it('keeps a late, older event out of what subscribers see, so a status never moves backwards', async () => {
    await deliver(event('evt_new', 'delivered', '2026-05-22T12:00:00Z', 'ord_rcv_2'));
    await deliver(event('evt_old', 'shipped', '2026-05-22T11:00:00Z', 'ord_rcv_2'));
    const published = await stack.store.inbox.list({ limit: 100 });
    const ids = published.filter((row) => row.subject_id === 'ord_rcv_2').map((row) => row.event_id);
    assert.deepEqual(ids, ['evt_new']);
  });

  it('refuses a verified body that is not an event with 400', async () => {
    const body = JSON.stringify({ hello: 'world' });
    const response = await deliver(body);
    assert.equal(response.status, 400);
  });

  it('receives what the PartnerPortal sandbox sends for changes made through the graph', async () => {
    stack.partnerPortal.configureWebhooks({ url, secrets: [SECRET] });
    const created = await stack.gql<{ createPartner: { partner: { id: string } } }>(
      `mutation { createPartner(input: { externalId: "HOOK-1", name: "Hook Partner" }) { partner { id } userErrors { code } } }`,
    );
    const partnerId = created.body.data?.createPartner.partner.id;
    assert.ok(partnerId);
    await stack.partnerPortal.flushWebhooks();
    const rows = await stack.store.inbox.list({ partnerId, limit: 10 });
    assert.deepEqual(
      rows.map((row) => [row.type, row.subject]),
      [['partner.updated', 'partner']],
    );
  });
});
