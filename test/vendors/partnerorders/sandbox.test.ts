import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BASIC_MONTHLY_PLAN_ID,
  DOC_CUSTOMER_EMAIL,
  DOC_ORDER_ID,
  DOC_OWNER,
  PLANS,
  PRO_YEARLY_PLAN_ID,
  SEEDED_ORDER_IDS,
  TEAM_MONTHLY_PLAN_ID,
  startPartnerOrdersSandbox,
} from '../../../src/vendors/partnerorders/sandbox.js';
import type {
  PartnerOrdersSandbox,
  PartnerOrdersSandboxOptions,
} from '../../../src/vendors/partnerorders/sandbox.js';
import {
  PO_ORDER_PATH,
  PO_PLANS_PATH,
  PO_PREVIEW_PATH,
  PO_SCOPE_PREVIEW,
  PO_SCOPE_SUBMIT,
  PO_TOKEN_PATH,
} from '../../../src/vendors/partnerorders/contract.js';
import type {
  PoErrorBody,
  PoOrderRequest,
  PoPlanList,
  PoPreviewResponse,
  PoSubmitResponse,
  PoTokenErrorBody,
  PoTokenResponse,
} from '../../../src/vendors/partnerorders/contract.js';

const FULL_ID = 'partner-graph';
const FULL_SECRET = `s3cret:${randomUUID()}+%`;
const PREVIEW_ID = 'preview-only';
const PREVIEW_SECRET = `preview-${randomUUID()}`;

/** The document's submit answer, verbatim. */
const DOC_SUBMIT: PoSubmitResponse = {
  id: 'order-4dd195c3eee4297e33aecb5436cf8092',
  order_reference: '8HK92PL401QW',
  status: 'complete',
  external_id: 'EXT-ORD-12345',
  subscriptionReference: '2TJ25TK632EG',
  owner: 'id-62401f8d5bf6b26a37ea0defd66fd005',
};
const SUBMIT_KEYS = Object.keys(DOC_SUBMIT);
const ORDER_ID = /^order-[0-9a-f]{32}$/;
const REFERENCE = /^[A-Z0-9]{12}$/;
const OWNER = /^id-[0-9a-f]{32}$/;

/** A settable sandbox clock. */
interface Clock {
  ms: number;
  now: () => Date;
  advanceSeconds(seconds: number): void;
}

function clockAt(iso: string): Clock {
  const clock: Clock = {
    ms: Date.parse(iso),
    now: () => new Date(clock.ms),
    advanceSeconds: (seconds) => {
      clock.ms += seconds * 1000;
    },
  };
  return clock;
}

function start(
  clock: Clock,
  overrides: Partial<PartnerOrdersSandboxOptions> = {},
): Promise<PartnerOrdersSandbox> {
  return startPartnerOrdersSandbox({
    clients: [
      { clientId: FULL_ID, clientSecret: FULL_SECRET, scopes: [PO_SCOPE_SUBMIT, PO_SCOPE_PREVIEW] },
      { clientId: PREVIEW_ID, clientSecret: PREVIEW_SECRET, scopes: [PO_SCOPE_PREVIEW] },
    ],
    now: clock.now,
    ...overrides,
  });
}

interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

async function reply(response: Response): Promise<Reply> {
  const text = await response.text();
  assert.match(response.headers.get('content-type') ?? '', /application\/json/, `not JSON: ${text}`);
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as unknown };
}

/** RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded. */
function basic(id: string, secret: string): string {
  const form = (text: string): string => new URLSearchParams({ x: text }).toString().slice(2);
  return `Basic ${Buffer.from(`${form(id)}:${form(secret)}`).toString('base64')}`;
}

interface TokenCall {
  form?: Record<string, string> | string;
  authorization?: string;
  contentType?: string;
}

async function tokenCall(sandbox: PartnerOrdersSandbox, call: TokenCall): Promise<Reply> {
  const headers: Record<string, string> = {
    'content-type': call.contentType ?? 'application/x-www-form-urlencoded',
  };
  if (call.authorization !== undefined) headers.authorization = call.authorization;
  const body = typeof call.form === 'string' ? call.form : new URLSearchParams(call.form ?? {}).toString();
  return reply(await fetch(`${sandbox.baseUrl}${PO_TOKEN_PATH}`, { method: 'POST', headers, body }));
}

async function token(
  sandbox: PartnerOrdersSandbox,
  scope?: string,
  client: { id: string; secret: string } = { id: FULL_ID, secret: FULL_SECRET },
): Promise<string> {
  const form: Record<string, string> = { grant_type: 'client_credentials' };
  if (scope !== undefined) form.scope = scope;
  const answer = await tokenCall(sandbox, { form, authorization: basic(client.id, client.secret) });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return (answer.body as PoTokenResponse).access_token;
}

interface ApiCall {
  method?: string;
  token?: string | null;
  authorization?: string;
  body?: unknown;
  raw?: string;
}

async function api(sandbox: PartnerOrdersSandbox, path: string, call: ApiCall = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (call.authorization !== undefined) headers.authorization = call.authorization;
  else if (call.token) headers.authorization = `Bearer ${call.token}`;
  let payload: string | undefined;
  if (call.raw !== undefined) payload = call.raw;
  else if (call.body !== undefined) payload = JSON.stringify(call.body);
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${sandbox.baseUrl}${path}`, {
    method: call.method ?? 'POST',
    headers,
    body: payload,
  });
  return reply(response);
}

function orderBody(overrides: Partial<PoOrderRequest> = {}): PoOrderRequest {
  return {
    external_id: 'EXT-ORD-12345',
    customer: { email: 'alex@example.com', name: 'Alex Example' },
    lines: [{ plan_id: BASIC_MONTHLY_PLAN_ID, quantity: 1 }],
    ...overrides,
  };
}

function asError(answer: Reply): PoErrorBody {
  return answer.body as PoErrorBody;
}

function fields(answer: Reply): string[] {
  return (asError(answer).details ?? []).map((detail) => detail.field);
}

describe('Partner Orders sandbox', () => {
  describe('the documents’ submit example', () => {
    const clock = clockAt('2026-06-01T12:00:00Z');
    let sandbox: PartnerOrdersSandbox;
    let bearer: string;
    before(async () => {
      sandbox = await start(clock);
      bearer = await token(sandbox);
    });
    after(() => sandbox.close());

    it('answers 200 with exactly the document’s fields, in its formats', async () => {
      const answer = await api(sandbox, PO_ORDER_PATH, { token: bearer, body: orderBody() });
      assert.equal(answer.status, 200);
      const order = answer.body as PoSubmitResponse;
      assert.deepEqual(Object.keys(order), SUBMIT_KEYS);
      assert.match(order.id, ORDER_ID);
      assert.match(order.order_reference, REFERENCE);
      assert.equal(order.status, 'complete');
      assert.equal(order.external_id, 'EXT-ORD-12345');
      assert.match(order.subscriptionReference, REFERENCE);
      assert.match(order.owner, OWNER);
    });

    it('seeds the document’s example as a past order, and its customer keeps the document’s owner', async () => {
      const seeded = sandbox.orders().find((order) => order.response.id === DOC_ORDER_ID);
      assert.deepEqual(seeded?.response, DOC_SUBMIT);
      assert.deepEqual(
        sandbox
          .orders()
          .slice(0, 2)
          .map((order) => order.response.id),
        SEEDED_ORDER_IDS,
      );
      const answer = await api(sandbox, PO_ORDER_PATH, {
        token: bearer,
        body: orderBody({ customer: { email: DOC_CUSTOMER_EMAIL.toUpperCase() } }),
      });
      assert.equal((answer.body as PoSubmitResponse).owner, DOC_OWNER);
    });

    it('maps one email to one owner, and every order to a new id, reference and subscription', async () => {
      const submit = async (email: string): Promise<PoSubmitResponse> =>
        (await api(sandbox, PO_ORDER_PATH, { token: bearer, body: orderBody({ customer: { email } }) }))
          .body as PoSubmitResponse;
      const first = await submit('same@example.com');
      const second = await submit('same@example.com');
      const other = await submit('other@example.com');
      assert.equal(first.owner, second.owner);
      assert.notEqual(first.owner, other.owner);
      assert.notEqual(first.id, second.id);
      assert.notEqual(first.order_reference, second.order_reference);
      assert.notEqual(first.subscriptionReference, second.subscriptionReference);
    });

    it('does not deduplicate external_id: the same body twice is two orders', async () => {
      const countBefore = sandbox.orders().length;
      const body = orderBody({ external_id: `EXT-${randomUUID()}` });
      const first = await api(sandbox, PO_ORDER_PATH, { token: bearer, body });
      const second = await api(sandbox, PO_ORDER_PATH, { token: bearer, body });
      assert.equal(first.status, 200);
      assert.equal(second.status, 200);
      assert.notEqual((first.body as PoSubmitResponse).id, (second.body as PoSubmitResponse).id);
      assert.equal(sandbox.orders().length, countBefore + 2);
    });

    it('answers external_id null when none was sent, and stores what it was given', async () => {
      const { external_id: _none, ...body } = orderBody();
      const answer = await api(sandbox, PO_ORDER_PATH, {
        token: bearer,
        body: { ...body, lines: [{ plan_id: TEAM_MONTHLY_PLAN_ID, quantity: 3 }] },
      });
      const order = answer.body as PoSubmitResponse;
      assert.equal(order.external_id, null);
      const stored = sandbox.orders().find((record) => record.response.id === order.id);
      assert.deepEqual(stored, {
        response: order,
        client_id: FULL_ID,
        customer: { email: 'alex@example.com', name: 'Alex Example' },
        lines: [{ plan_id: TEAM_MONTHLY_PLAN_ID, quantity: 3 }],
        currency: 'GBP',
        total: 8996, // 3 × 2499 = 7497, VAT 1499.4 → 1499
        created_at: '2026-06-01T12:00:00Z',
      });
    });
  });

  describe('token endpoint (client credentials)', () => {
    const clock = clockAt('2026-06-01T12:00:00Z');
    let sandbox: PartnerOrdersSandbox;
    before(async () => {
      sandbox = await start(clock, { tokenTtlSeconds: 120 });
    });
    after(() => sandbox.close());

    it('grants every scope of the client by HTTP Basic, uncached', async () => {
      const answer = await tokenCall(sandbox, {
        form: { grant_type: 'client_credentials' },
        authorization: basic(FULL_ID, FULL_SECRET),
      });
      assert.equal(answer.status, 200);
      const body = answer.body as PoTokenResponse;
      assert.deepEqual(Object.keys(body), ['access_token', 'token_type', 'expires_in', 'scope']);
      assert.equal(body.token_type, 'Bearer');
      assert.equal(body.expires_in, 120);
      assert.equal(body.scope, 'orders:submit orders:preview');
      assert.ok(body.access_token.length >= 32);
      assert.equal(answer.headers.get('cache-control'), 'no-store');
      assert.equal(answer.headers.get('pragma'), 'no-cache');
    });

    it('accepts client_id and client_secret in the body, and narrows to the requested scope', async () => {
      const answer = await tokenCall(sandbox, {
        form: {
          grant_type: 'client_credentials',
          scope: 'orders:preview',
          client_id: FULL_ID,
          client_secret: FULL_SECRET,
        },
      });
      assert.equal(answer.status, 200);
      assert.equal((answer.body as PoTokenResponse).scope, 'orders:preview');
    });

    it('treats an empty scope as omitted', async () => {
      const answer = await tokenCall(sandbox, {
        form: { grant_type: 'client_credentials', scope: '' },
        authorization: basic(PREVIEW_ID, PREVIEW_SECRET),
      });
      assert.equal((answer.body as PoTokenResponse).scope, 'orders:preview');
    });

    it('answers 401 invalid_client with a Basic challenge for a wrong secret, unknown client or none', async () => {
      const attempts: TokenCall[] = [
        { form: { grant_type: 'client_credentials' }, authorization: basic(FULL_ID, 'wrong') },
        { form: { grant_type: 'client_credentials' }, authorization: basic(FULL_ID, PREVIEW_SECRET) },
        { form: { grant_type: 'client_credentials', client_id: 'nobody', client_secret: FULL_SECRET } },
        { form: { grant_type: 'client_credentials', client_id: FULL_ID } },
        { form: { grant_type: 'client_credentials' } },
      ];
      for (const attempt of attempts) {
        const answer = await tokenCall(sandbox, attempt);
        assert.equal(answer.status, 401, JSON.stringify(attempt));
        assert.equal((answer.body as PoTokenErrorBody).error, 'invalid_client');
        assert.equal(answer.headers.get('www-authenticate'), 'Basic realm="partner-orders"');
        assert.ok(!JSON.stringify(answer.body).includes(FULL_SECRET));
      }
    });

    it('answers 400 invalid_scope for an unknown scope or one the client does not hold', async () => {
      const unknown = await tokenCall(sandbox, {
        form: { grant_type: 'client_credentials', scope: 'orders:preview orders:delete' },
        authorization: basic(FULL_ID, FULL_SECRET),
      });
      assert.equal(unknown.status, 400);
      assert.equal((unknown.body as PoTokenErrorBody).error, 'invalid_scope');
      const notHeld = await tokenCall(sandbox, {
        form: { grant_type: 'client_credentials', scope: 'orders:submit' },
        authorization: basic(PREVIEW_ID, PREVIEW_SECRET),
      });
      assert.equal(notHeld.status, 400);
      assert.equal((notHeld.body as PoTokenErrorBody).error, 'invalid_scope');
    });

    it('answers 400 unsupported_grant_type for another grant, invalid_request without one', async () => {
      const password = await tokenCall(sandbox, {
        form: { grant_type: 'password', username: 'u', password: 'p' },
        authorization: basic(FULL_ID, FULL_SECRET),
      });
      assert.equal(password.status, 400);
      assert.equal((password.body as PoTokenErrorBody).error, 'unsupported_grant_type');
      const missing = await tokenCall(sandbox, { form: {}, authorization: basic(FULL_ID, FULL_SECRET) });
      assert.equal(missing.status, 400);
      assert.equal((missing.body as PoTokenErrorBody).error, 'invalid_request');
    });

    it('answers 400 invalid_request for JSON, repeated parameters, or two authentication methods', async () => {
      const auth = basic(FULL_ID, FULL_SECRET);
      const attempts: TokenCall[] = [
        {
          form: JSON.stringify({ grant_type: 'client_credentials' }),
          contentType: 'application/json',
          authorization: auth,
        },
        { form: 'grant_type=client_credentials&grant_type=client_credentials', authorization: auth },
        {
          form: { grant_type: 'client_credentials', client_id: FULL_ID, client_secret: FULL_SECRET },
          authorization: auth,
        },
      ];
      for (const attempt of attempts) {
        const answer = await tokenCall(sandbox, attempt);
        assert.equal(answer.status, 400, JSON.stringify(attempt));
        assert.equal((answer.body as PoTokenErrorBody).error, 'invalid_request');
      }
    });

    it('counts every token request, failed ones included', async () => {
      const countBefore = sandbox.tokenRequests();
      await token(sandbox);
      await tokenCall(sandbox, { form: { grant_type: 'client_credentials' } });
      assert.equal(sandbox.tokenRequests(), countBefore + 2);
      assert.equal(sandbox.requestCounts()['POST /oauth/token'], sandbox.tokenRequests());
    });
  });

  describe('bearer tokens on the API', () => {
    const clock = clockAt('2026-06-01T12:00:00Z');
    let sandbox: PartnerOrdersSandbox;
    before(async () => {
      sandbox = await start(clock, { tokenTtlSeconds: 60 });
    });
    after(() => sandbox.close());

    it('answers 401 with a bare Bearer challenge when no token is sent', async () => {
      for (const call of [{}, { authorization: basic(FULL_ID, FULL_SECRET) }]) {
        const answer = await api(sandbox, PO_PREVIEW_PATH, { ...call, body: orderBody() });
        assert.equal(answer.status, 401);
        assert.equal(asError(answer).error, 'unauthorized');
        assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="partner-orders"');
      }
    });

    it('answers 401 invalid_token for an unknown token, before looking at the body', async () => {
      const answer = await api(sandbox, PO_ORDER_PATH, { token: 'not-a-token', raw: '{oops' });
      assert.equal(answer.status, 401);
      assert.equal(asError(answer).error, 'invalid_token');
      assert.match(
        answer.headers.get('www-authenticate') ?? '',
        /^Bearer realm="partner-orders", error="invalid_token"/,
      );
    });

    it('accepts a token until its lifetime ends on the sandbox clock, then answers 401 invalid_token', async () => {
      const bearer = await token(sandbox);
      clock.advanceSeconds(59);
      assert.equal((await api(sandbox, PO_PREVIEW_PATH, { token: bearer, body: orderBody() })).status, 200);
      clock.advanceSeconds(1);
      const expired = await api(sandbox, PO_PREVIEW_PATH, { token: bearer, body: orderBody() });
      assert.equal(expired.status, 401);
      assert.equal(asError(expired).error, 'invalid_token');
      assert.match(asError(expired).message, /expired/);
      assert.match(expired.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    });

    it('revokes every token issued so far; a new one works', async () => {
      const first = await token(sandbox);
      const second = await token(sandbox, 'orders:preview');
      sandbox.revokeTokens();
      for (const bearer of [first, second]) {
        const answer = await api(sandbox, PO_PREVIEW_PATH, { token: bearer, body: orderBody() });
        assert.equal(answer.status, 401);
        assert.equal(asError(answer).error, 'invalid_token');
      }
      const fresh = await token(sandbox);
      assert.equal((await api(sandbox, PO_PREVIEW_PATH, { token: fresh, body: orderBody() })).status, 200);
    });

    it('answers 403 insufficient_scope, naming the scope, when the token lacks it', async () => {
      const previewOnly = await token(sandbox, undefined, { id: PREVIEW_ID, secret: PREVIEW_SECRET });
      const countBefore = sandbox.orders().length;
      const answer = await api(sandbox, PO_ORDER_PATH, { token: previewOnly, body: orderBody() });
      assert.equal(answer.status, 403);
      assert.equal(asError(answer).error, 'insufficient_scope');
      const challenge = answer.headers.get('www-authenticate') ?? '';
      assert.match(challenge, /^Bearer realm="partner-orders", error="insufficient_scope"/);
      assert.match(challenge, /scope="orders:submit"/);
      assert.equal(sandbox.orders().length, countBefore);
      assert.equal(
        (await api(sandbox, PO_PREVIEW_PATH, { token: previewOnly, body: orderBody() })).status,
        200,
      );

      const submitOnly = await token(sandbox, 'orders:submit');
      const preview = await api(sandbox, PO_PREVIEW_PATH, { token: submitOnly, body: orderBody() });
      assert.equal(preview.status, 403);
      assert.match(preview.headers.get('www-authenticate') ?? '', /scope="orders:preview"/);
    });

    it('answers 400 invalid_request for a malformed Bearer header', async () => {
      const answer = await api(sandbox, PO_PREVIEW_PATH, { authorization: 'Bearer a b', body: orderBody() });
      assert.equal(answer.status, 400);
      assert.equal(asError(answer).error, 'invalid_request');
    });
  });

  describe('preview', () => {
    // The 31st, so that monthly dates must clamp to shorter months.
    const clock = clockAt('2026-01-31T10:00:00Z');
    let sandbox: PartnerOrdersSandbox;
    let bearer: string;
    before(async () => {
      sandbox = await start(clock);
      bearer = await token(sandbox);
    });
    after(() => sandbox.close());

    it('prices monthly and yearly plans in minor units with 20% VAT, and merges the schedule by date', async () => {
      const countBefore = sandbox.orders().length;
      const answer = await api(sandbox, PO_PREVIEW_PATH, {
        token: bearer,
        body: orderBody({
          lines: [
            { plan_id: BASIC_MONTHLY_PLAN_ID, quantity: 2 },
            { plan_id: PRO_YEARLY_PLAN_ID, quantity: 1 },
          ],
          currency: 'GBP',
        }),
      });
      assert.equal(answer.status, 200);
      const monthly = 1998 + 400; // 2 × 999, VAT 399.6 → 400
      const expected: PoPreviewResponse = {
        billing_provider: 'stripe',
        currency: 'GBP',
        subtotal: 21898,
        tax: 4380,
        total: 26278,
        tax_rate: 20,
        line_items: [
          {
            plan_id: BASIC_MONTHLY_PLAN_ID,
            description: '2 × Basic (at GBP 9.99 / month)',
            quantity: 2,
            unit_amount: 999,
            amount: 1998,
            tax: 400,
            interval: 'month',
          },
          {
            plan_id: PRO_YEARLY_PLAN_ID,
            description: '1 × Pro (annual) (at GBP 199.00 / year)',
            quantity: 1,
            unit_amount: 19900,
            amount: 19900,
            tax: 3980,
            interval: 'year',
          },
        ],
        billing_schedule: [
          { date: '2026-01-31', amount: 26278 },
          { date: '2026-02-28', amount: monthly },
          { date: '2026-03-31', amount: monthly },
          { date: '2026-04-30', amount: monthly },
          { date: '2026-05-31', amount: monthly },
          { date: '2026-06-30', amount: monthly },
          { date: '2026-07-31', amount: monthly },
          { date: '2026-08-31', amount: monthly },
          { date: '2026-09-30', amount: monthly },
          { date: '2026-10-31', amount: monthly },
          { date: '2026-11-30', amount: monthly },
          { date: '2026-12-31', amount: monthly },
        ],
      };
      assert.deepEqual(answer.body, expected);
      assert.equal(sandbox.orders().length, countBefore, 'a preview creates nothing');
    });

    it('schedules a yearly plan once', async () => {
      const answer = await api(sandbox, PO_PREVIEW_PATH, {
        token: bearer,
        body: orderBody({ lines: [{ plan_id: PRO_YEARLY_PLAN_ID, quantity: 3 }] }),
      });
      const preview = answer.body as PoPreviewResponse;
      assert.equal(preview.total, 3 * 19900 + 11940);
      assert.deepEqual(preview.billing_schedule, [{ date: '2026-01-31', amount: preview.total }]);
    });

    it('answers 400 on currency when it differs from the plans’', async () => {
      const answer = await api(sandbox, PO_PREVIEW_PATH, {
        token: bearer,
        body: orderBody({ currency: 'EUR' }),
      });
      assert.equal(answer.status, 400);
      assert.equal(asError(answer).error, 'invalid_payload');
      assert.deepEqual(fields(answer), ['currency']);
    });
  });

  describe('validation and unknown plans', () => {
    const clock = clockAt('2026-06-01T12:00:00Z');
    let sandbox: PartnerOrdersSandbox;
    let bearer: string;
    before(async () => {
      sandbox = await start(clock);
      bearer = await token(sandbox);
    });
    after(() => sandbox.close());

    it('lists every problem of the body under its JSON path, on submit and preview alike', async () => {
      const body = {
        external_id: '',
        customer: { email: 'not-an-email', name: 7 },
        lines: [
          { plan_id: BASIC_MONTHLY_PLAN_ID, quantity: 0 },
          { plan_id: BASIC_MONTHLY_PLAN_ID, quantity: 1.5 },
          'x',
          { quantity: 1 },
        ],
        currency: 'gbp',
      };
      const countBefore = sandbox.orders().length;
      for (const path of [PO_ORDER_PATH, PO_PREVIEW_PATH]) {
        const answer = await api(sandbox, path, { token: bearer, body });
        assert.equal(answer.status, 400);
        const error = asError(answer);
        assert.equal(error.error, 'invalid_payload');
        assert.match(
          error.message,
          /^Invalid order payload: external_id must not be empty \(and 8 more problems\)$/,
        );
        assert.deepEqual(fields(answer), [
          'external_id',
          'customer.email',
          'customer.name',
          'lines[0].quantity',
          'lines[1].plan_id',
          'lines[1].quantity',
          'lines[2]',
          'lines[3].plan_id',
          'currency',
        ]);
      }
      assert.equal(sandbox.orders().length, countBefore);
    });

    it('requires customer and lines', async () => {
      const answer = await api(sandbox, PO_ORDER_PATH, { token: bearer, body: { lines: [] } });
      assert.equal(answer.status, 400);
      assert.deepEqual(fields(answer), ['customer', 'lines']);
    });

    it('answers 400 naming body for malformed JSON, an empty body or a non-object', async () => {
      for (const call of [{ raw: '{"customer":' }, {}, { body: [orderBody()] }]) {
        const answer = await api(sandbox, PO_ORDER_PATH, { token: bearer, ...call });
        assert.equal(answer.status, 400);
        assert.deepEqual(fields(answer), ['body']);
      }
    });

    it('answers 404 not_found naming the line of an unknown plan, and creates nothing', async () => {
      const countBefore = sandbox.orders().length;
      const body = orderBody({
        lines: [
          { plan_id: BASIC_MONTHLY_PLAN_ID, quantity: 1 },
          { plan_id: 'plan-gold-weekly', quantity: 1 },
        ],
      });
      for (const path of [PO_ORDER_PATH, PO_PREVIEW_PATH]) {
        const answer = await api(sandbox, path, { token: bearer, body });
        assert.equal(answer.status, 404);
        assert.deepEqual(answer.body, {
          error: 'not_found',
          message: 'Not found: plan plan-gold-weekly does not exist',
          details: [{ field: 'lines[1].plan_id', message: 'plan plan-gold-weekly does not exist' }],
        });
      }
      assert.equal(sandbox.orders().length, countBefore);
    });
  });

  describe('injected billing-provider failures', () => {
    const clock = clockAt('2026-06-01T12:00:00Z');
    let sandbox: PartnerOrdersSandbox;
    let bearer: string;
    before(async () => {
      sandbox = await start(clock);
      bearer = await token(sandbox);
    });
    after(() => sandbox.close());

    it('fails the next preview with 502, then answers again', async () => {
      sandbox.injectBillingFailures(1, 'preview');
      const submit = await api(sandbox, PO_ORDER_PATH, { token: bearer, body: orderBody() });
      assert.equal(submit.status, 200, 'a preview-only failure leaves submit alone');
      const failed = await api(sandbox, PO_PREVIEW_PATH, { token: bearer, body: orderBody() });
      assert.equal(failed.status, 502);
      assert.equal(asError(failed).error, 'bad_gateway');
      assert.match(asError(failed).message, /billing provider/);
      assert.equal((await api(sandbox, PO_PREVIEW_PATH, { token: bearer, body: orderBody() })).status, 200);
    });

    it('fails a submit with 502 without creating an order; the retry creates exactly one', async () => {
      sandbox.injectBillingFailures(1, 'submit');
      const countBefore = sandbox.orders().length;
      const failed = await api(sandbox, PO_ORDER_PATH, { token: bearer, body: orderBody() });
      assert.equal(failed.status, 502);
      assert.equal(asError(failed).error, 'bad_gateway');
      assert.equal(sandbox.orders().length, countBefore);
      const retried = await api(sandbox, PO_ORDER_PATH, { token: bearer, body: orderBody() });
      assert.equal(retried.status, 200);
      assert.equal(sandbox.orders().length, countBefore + 1);
    });

    it('spends failures only on calls that reach the provider, on either call by default', async () => {
      sandbox.injectBillingFailures(2);
      const invalid = await api(sandbox, PO_PREVIEW_PATH, { token: bearer, body: { lines: [] } });
      assert.equal(invalid.status, 400);
      const unauthenticated = await api(sandbox, PO_ORDER_PATH, { body: orderBody() });
      assert.equal(unauthenticated.status, 401);
      assert.equal((await api(sandbox, PO_PREVIEW_PATH, { token: bearer, body: orderBody() })).status, 502);
      assert.equal((await api(sandbox, PO_ORDER_PATH, { token: bearer, body: orderBody() })).status, 502);
      assert.equal((await api(sandbox, PO_ORDER_PATH, { token: bearer, body: orderBody() })).status, 200);
    });
  });

  describe('routes', () => {
    const clock = clockAt('2026-06-01T12:00:00Z');
    let sandbox: PartnerOrdersSandbox;
    let bearer: string;
    before(async () => {
      sandbox = await start(clock);
      bearer = await token(sandbox);
    });
    after(() => sandbox.close());

    it('lists the plan catalogue to any valid token', async () => {
      const previewOnly = await token(sandbox, undefined, { id: PREVIEW_ID, secret: PREVIEW_SECRET });
      const answer = await api(sandbox, PO_PLANS_PATH, { method: 'GET', token: previewOnly });
      assert.equal(answer.status, 200);
      assert.deepEqual((answer.body as PoPlanList).plans, PLANS);
      const ids = PLANS.map((plan) => plan.plan_id);
      assert.ok(ids.includes('plan-basic-monthly') && ids.includes('plan-pro-yearly'));
      assert.equal((await api(sandbox, PO_PLANS_PATH, { method: 'GET' })).status, 401);
    });

    it('answers JSON 404 for unknown routes and methods', async () => {
      for (const [method, path] of [
        ['GET', '/nope'],
        ['GET', PO_ORDER_PATH],
        ['GET', PO_TOKEN_PATH],
        ['DELETE', PO_ORDER_PATH],
      ] as const) {
        const answer = await api(sandbox, path, { method, token: bearer });
        assert.equal(answer.status, 404, `${method} ${path}`);
        assert.equal(asError(answer).error, 'not_found');
      }
    });
  });

  describe('persistence', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'partnerorders-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('keeps orders and owners across a restart, seeds once, and forgets tokens', async () => {
      const clock = clockAt('2026-06-01T12:00:00Z');
      const dataFile = join(dir, 'state.json');
      const first = await start(clock, { dataFile });
      const bearer = await token(first);
      const submitted = (await api(first, PO_ORDER_PATH, { token: bearer, body: orderBody() }))
        .body as PoSubmitResponse;
      const stored = first.orders();
      assert.equal(stored.length, 3);
      await first.close();

      const second = await start(clock, { dataFile });
      try {
        assert.deepEqual(second.orders(), stored);
        const stale = await api(second, PO_ORDER_PATH, { token: bearer, body: orderBody() });
        assert.equal(stale.status, 401);
        assert.equal(asError(stale).error, 'invalid_token');
        const again = await api(second, PO_ORDER_PATH, { token: await token(second), body: orderBody() });
        assert.equal((again.body as PoSubmitResponse).owner, submitted.owner);
        assert.equal(second.orders().length, 4);
      } finally {
        await second.close();
      }
    });

    it('starts empty with seed: false', async () => {
      const sandbox = await start(clockAt('2026-06-01T12:00:00Z'), { seed: false });
      try {
        assert.deepEqual(sandbox.orders(), []);
      } finally {
        await sandbox.close();
      }
    });
  });

  describe('options', () => {
    it('refuses to start without a client, with an unknown scope or a bad lifetime', async () => {
      const clock = clockAt('2026-06-01T12:00:00Z');
      await assert.rejects(() => startPartnerOrdersSandbox({ clients: [] }), /at least one/);
      await assert.rejects(
        () =>
          start(clock, { clients: [{ clientId: 'c', clientSecret: 's', scopes: ['orders:everything'] }] }),
        /Unknown scope/,
      );
      await assert.rejects(() => start(clock, { tokenTtlSeconds: 0 }), /tokenTtlSeconds/);
    });
  });
});
