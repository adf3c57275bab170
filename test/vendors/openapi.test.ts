/**
 * Each sandbox's `/openapi.json` is a checked contract: a valid OpenAPI 3.1 document, listing exactly the routes the
 * sandbox serves, whose response schemas (status, body and documented headers) accept the sandbox's real answers.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FormatsPlugin } from 'ajv-formats';
import { HTTP_METHODS } from '../../src/vendors/openapi-common.js';
import type {
  HttpMethod,
  JsonSchema,
  OpenApiDocument,
  OpenApiHeader,
  OpenApiRef,
  OpenApiResponse,
} from '../../src/vendors/openapi-common.js';
import type { RunningSandbox, SandboxRoute } from '../../src/vendors/sandbox-server.js';
import { CM_API_KEY_HEADER } from '../../src/vendors/navipartner/contract.js';
import {
  SEEDED_ORDER_ID,
  SEEDED_PARTNER_ID,
  startChannelManagerSandbox,
} from '../../src/vendors/navipartner/sandbox.js';
import {
  SEEDED_PARTNER_ID as PP_PARTNER_ID,
  startPartnerPortalSandbox,
} from '../../src/vendors/partnerportal/sandbox.js';
import { DOC_PRODUCT_ID, startNfcTagifySandbox } from '../../src/vendors/nfctagify/sandbox.js';
import { startNationalExpressSandbox } from '../../src/vendors/nationalexpress/sandbox.js';
import { TEAM_MONTHLY_PLAN_ID, startPartnerOrdersSandbox } from '../../src/vendors/partnerorders/sandbox.js';
import {
  SEEDED_ACCOUNT_ID,
  SEEDED_ACTIVE_ACCOUNT_ID,
  SEEDED_SUSPENDED_ACCOUNT_ID,
  SEEDED_TICKET_REFERENCE,
} from '../../src/vendors/nationalexpress/sandbox-seed.js';

// ajv-formats is CommonJS with a default export; under NodeNext the plugin is the module itself or its default.
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  addFormatsModule) as FormatsPlugin;

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

async function call(
  url: string,
  init: { method?: string; headers?: Record<string, string>; json?: unknown; form?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  } else if (init.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = init.form;
  }
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const type = res.headers.get('content-type') ?? '';
  const text = type.includes('json') ? await res.text() : undefined;
  if (text === undefined) await res.arrayBuffer();
  return {
    status: res.status,
    headers: res.headers,
    body: text === undefined || text === '' ? undefined : JSON.parse(text),
  };
}

/** Holds one vendor's document and checks answers against it. */
class DocumentChecker {
  private readonly ajv = new Ajv2020({ strict: true, allErrors: true });
  private readonly compiled = new Map<string, ReturnType<Ajv2020['compile']>>();
  /** `METHOD template` of every operation an answer was checked against. */
  readonly covered = new Set<string>();

  constructor(
    readonly vendor: string,
    readonly document: OpenApiDocument,
  ) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: this.id(), $defs: this.rewrite(document.components.schemas) as JsonSchema });
  }

  private id(): string {
    return `urn:openapi:${this.vendor}`;
  }

  /** `#/components/schemas/X` → `urn:openapi:<vendor>#/$defs/X`, so the component schemas compile as one. */
  private rewrite(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((entry) => this.rewrite(entry));
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, entry]) => [
        key,
        key === '$ref' && typeof entry === 'string'
          ? entry.replace('#/components/schemas/', `${this.id()}#/$defs/`)
          : this.rewrite(entry),
      ]),
    );
  }

  private resolve<T>(value: T | OpenApiRef): T {
    if (typeof value === 'object' && value !== null && '$ref' in value) {
      const [, , kind, name] = value.$ref.split('/');
      const table = (this.document.components as unknown as Record<string, Record<string, T>>)[kind ?? ''];
      const found = table?.[name ?? ''];
      assert.ok(found, `${this.vendor}: unresolvable ${value.$ref}`);
      return found;
    }
    return value;
  }

  /** Asserts the answer is documented for this operation: its status, its JSON body, its documented headers. */
  check(method: HttpMethod, template: string, answer: Answer): void {
    const operation = this.document.paths[template]?.[method];
    assert.ok(operation, `${this.vendor}: ${method.toUpperCase()} ${template} is not documented`);
    const where = `${this.vendor} ${operation.operationId} ${answer.status}`;
    const documented = operation.responses[String(answer.status)];
    assert.ok(documented, `${where}: status not documented; body ${JSON.stringify(answer.body)}`);
    const response = this.resolve<OpenApiResponse>(documented);
    this.covered.add(`${method.toUpperCase()} ${template}`);
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      this.resolve<OpenApiHeader>(header);
      assert.ok(answer.headers.has(name), `${where}: documented header ${name} missing`);
    }
    const json = response.content?.['application/json'];
    if (!json) {
      assert.equal(answer.body, undefined, `${where}: a body where none is documented`);
      return;
    }
    const key = `${method} ${template} ${answer.status}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(this.rewrite(json.schema) as JsonSchema);
      this.compiled.set(key, validate);
    }
    assert.ok(
      validate(answer.body),
      `${where}: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(answer.body, null, 2)}`,
    );
  }

  /** Every documented route as `METHOD express-pattern`, the document's server path replaced by `routeBase`. */
  routes(routeBase: string): string[] {
    return Object.entries(this.document.paths).flatMap(([template, item]) =>
      HTTP_METHODS.filter((method) => item[method]).map((method) => {
        const base = item.servers
          ? new URL(item.servers[0]?.url ?? '').pathname.replace(/\/$/, '')
          : routeBase;
        return `${method.toUpperCase()} ${base}${template.replace(/\{([^}]+)\}/g, ':$1')}`;
      }),
    );
  }

  operations(): string[] {
    return Object.entries(this.document.paths).flatMap(([template, item]) =>
      HTTP_METHODS.filter((method) => item[method]).map((method) => `${method.toUpperCase()} ${template}`),
    );
  }
}

const served = (routes: SandboxRoute[]): string[] =>
  routes.map((route) => `${route.method} ${route.path}`).sort();

/** Fetches the document the way a tool would: no key, and checks it is free and uncounted. */
async function fetchDocument(sandbox: RunningSandbox): Promise<OpenApiDocument> {
  sandbox.resetCounts();
  const answer = await call(`${sandbox.origin}/openapi.json`);
  assert.equal(answer.status, 200);
  assert.equal(answer.headers.get('x-ratelimit-limit'), null, 'the document is outside the rate limit');
  assert.deepEqual(sandbox.requestCounts(), {}, 'fetching the document is not vendor traffic');
  return answer.body as OpenApiDocument;
}

/** Shared assertions of every vendor's document. */
function describeDocument(
  vendor: string,
  setup: () => { sandbox: RunningSandbox; checker: DocumentChecker; baseUrl: string; routeBase: string },
): void {
  it('is a valid OpenAPI 3.1 document with a described operationId on every operation', async () => {
    const { checker } = setup();
    const validator = new Validator();
    const result = await validator.validate(
      structuredClone(checker.document) as unknown as Record<string, unknown>,
    );
    assert.deepEqual(result.errors, undefined);
    assert.equal(result.valid, true);
    assert.equal(validator.version, '3.1');
    const ids = new Set<string>();
    for (const [template, item] of Object.entries(checker.document.paths)) {
      for (const method of HTTP_METHODS) {
        const operation = item[method];
        if (!operation) continue;
        assert.match(operation.operationId, /^[a-z][A-Za-z0-9]+$/, `${vendor} ${method} ${template}`);
        assert.ok(!ids.has(operation.operationId), `${vendor}: ${operation.operationId} twice`);
        ids.add(operation.operationId);
        assert.ok(
          operation.description.length > 20,
          `${vendor} ${operation.operationId} needs a description`,
        );
      }
    }
  });

  it("names the sandbox's own base URL as its server", () => {
    const { checker, baseUrl } = setup();
    assert.deepEqual(
      checker.document.servers.map((server) => server.url),
      [baseUrl],
    );
  });

  it('documents exactly the routes the sandbox serves', () => {
    const { sandbox, checker, routeBase } = setup();
    assert.deepEqual(checker.routes(routeBase).sort(), served(sandbox.routes()));
  });
}

/** After a vendor's exchanges: every documented operation was exercised at least once. */
function assertCovered(checker: DocumentChecker): void {
  assert.deepEqual([...checker.covered].sort(), checker.operations().sort());
}

// -----------------------------------------------------------------------------------------------------------------

describe('Channel Manager OpenAPI document', () => {
  const apiKey = `cm-${randomUUID()}`;
  let sandbox: Awaited<ReturnType<typeof startChannelManagerSandbox>>;
  let checker: DocumentChecker;
  before(async () => {
    sandbox = await startChannelManagerSandbox({ apiKey, now: () => new Date('2026-05-15T09:30:00Z') });
    checker = new DocumentChecker('channel-manager', await fetchDocument(sandbox));
  });
  after(() => sandbox.close());

  describeDocument('channel-manager', () => ({
    sandbox,
    checker,
    baseUrl: sandbox.baseUrl,
    routeBase: '/:tenant/:environment/:company',
  }));

  it("accepts the sandbox's real answers: lists, gets, creates, changes and errors", async () => {
    const base = sandbox.baseUrl;
    const key = { [CM_API_KEY_HEADER]: apiKey };
    const item = { itemNumber: '31001', visitDate: '2026-06-01', visitTime: '10:30:00', quantity: 2 };
    const wallet = { names: ['A', 'B'], externalReferenceNumbers: ['A-1', 'B-1'] };
    const check = (method: HttpMethod, template: string, answer: Answer): Answer => {
      checker.check(method, template, answer);
      return answer;
    };

    check(
      'get',
      '/channelManager/orders/{partnerId}',
      await call(`${base}/channelManager/orders/${SEEDED_PARTNER_ID}`, { headers: key }),
    );
    const seeded = check(
      'get',
      '/channelManager/{orderId}',
      await call(`${base}/channelManager/${SEEDED_ORDER_ID}`, { headers: key }),
    );
    assert.equal(seeded.status, 200);
    check(
      'get',
      '/channelManager/{orderId}',
      await call(`${base}/channelManager/${randomUUID()}`, { headers: key }),
    );
    check('get', '/channelManager/{orderId}', await call(`${base}/channelManager/${SEEDED_ORDER_ID}`));
    check(
      'get',
      '/channelManager/orders/{partnerId}',
      await call(`${base}/channelManager/orders/${SEEDED_PARTNER_ID}?status=Nope`, { headers: key }),
    );

    const issued = check(
      'post',
      '/channelManager',
      await call(`${base}/channelManager`, {
        method: 'POST',
        headers: key,
        json: {
          partnerId: 'P1',
          sellToOrderReference: 'R1',
          items: [{ ...item, wallet }],
          paymentReference: 'PAY-1',
          sellToEmail: 'a@b.co',
        },
      }),
    );
    assert.equal(issued.status, 201);
    const issuedId = (issued.body as { orderId: string }).orderId;
    check(
      'post',
      '/channelManager',
      await call(`${base}/channelManager`, {
        method: 'POST',
        headers: key,
        json: { partnerId: 'P1', sellToOrderReference: 'R1', items: [item] },
      }),
    );
    check(
      'post',
      '/channelManager',
      await call(`${base}/channelManager`, {
        method: 'POST',
        headers: key,
        json: { partnerId: 'P1', items: [] },
      }),
    );
    const failed = check(
      'post',
      '/channelManager',
      await call(`${base}/channelManager`, {
        method: 'POST',
        headers: key,
        json: {
          partnerId: 'P1',
          sellToOrderReference: 'R2',
          items: [{ ...item, itemNumber: '99999' }],
          paymentReference: 'PAY-2',
        },
      }),
    );
    assert.equal(failed.status, 422);
    const draft = check(
      'post',
      '/channelManager',
      await call(`${base}/channelManager`, {
        method: 'POST',
        headers: key,
        json: { partnerId: 'P1', sellToOrderReference: 'R3', items: [item] },
      }),
    );
    const draftId = (draft.body as { orderId: string }).orderId;
    check(
      'put',
      '/channelManager/{orderId}',
      await call(`${base}/channelManager/${draftId}`, {
        method: 'PUT',
        headers: key,
        json: { partnerId: 'P1', sellToOrderReference: 'R3', items: [{ ...item, quantity: 1 }] },
      }),
    );
    check(
      'put',
      '/channelManager/{orderId}',
      await call(`${base}/channelManager/${issuedId}`, {
        method: 'PUT',
        headers: key,
        json: { partnerId: 'P1', sellToOrderReference: 'R1', items: [item] },
      }),
    );
    const confirmed = check(
      'post',
      '/channelManager/{orderId}/confirm',
      await call(`${base}/channelManager/${draftId}/confirm`, {
        method: 'POST',
        headers: key,
        json: { paymentReference: 'PAY-3' },
      }),
    );
    assert.equal(confirmed.status, 200);
    check(
      'post',
      '/channelManager/{orderId}/confirm',
      await call(`${base}/channelManager/${draftId}/confirm`, { method: 'POST', headers: key, json: {} }),
    );

    const issuedOrder = confirmed.body as { items: { wallets: { walletId: string }[] }[] };
    check(
      'get',
      '/manifests/orders/{orderId}/manifest.pdf',
      await call(`${sandbox.origin}/manifests/orders/${draftId}/manifest.pdf`),
    );
    check(
      'get',
      '/manifests/wallets/{walletId}/manifest.pdf',
      await call(
        `${sandbox.origin}/manifests/wallets/${issuedOrder.items[0]?.wallets[0]?.walletId ?? ''}/manifest.pdf`,
      ),
    );
    check(
      'get',
      '/manifests/wallets/{walletId}/manifest.pdf',
      await call(`${sandbox.origin}/manifests/wallets/${randomUUID()}/manifest.pdf`),
    );

    const removed = check(
      'delete',
      '/channelManager/{orderId}',
      await call(`${base}/channelManager/${(failed.body as { error: { orderId: string } }).error.orderId}`, {
        method: 'DELETE',
        headers: key,
      }),
    );
    assert.equal(removed.status, 204);
    const cancelled = check(
      'delete',
      '/channelManager/{orderId}',
      await call(`${base}/channelManager/${issuedId}`, { method: 'DELETE', headers: key }),
    );
    assert.equal(cancelled.status, 200);
    assertCovered(checker);
  });
});

describe('PartnerPortal OpenAPI document', () => {
  const apiKey = `pp-${randomUUID()}`;
  let sandbox: Awaited<ReturnType<typeof startPartnerPortalSandbox>>;
  let checker: DocumentChecker;
  before(async () => {
    sandbox = await startPartnerPortalSandbox({ apiKey, rateLimitPerMinute: 40, fulfilmentMinutes: false });
    checker = new DocumentChecker('partnerportal', await fetchDocument(sandbox));
  });
  after(() => sandbox.close());

  describeDocument('partnerportal', () => ({ sandbox, checker, baseUrl: sandbox.baseUrl, routeBase: '/v1' }));

  it("accepts the sandbox's real answers: lists, gets, creates, changes and errors", async () => {
    const base = sandbox.baseUrl;
    const auth = { authorization: `Bearer ${apiKey}` };
    const get = async (
      template: string,
      path: string,
      headers: Record<string, string> = auth,
    ): Promise<Answer> => {
      const answer = await call(`${base}${path}`, { headers });
      checker.check('get', template, answer);
      return answer;
    };
    const send = async (
      method: HttpMethod,
      template: string,
      path: string,
      json: unknown,
    ): Promise<Answer> => {
      const answer = await call(`${base}${path}`, { method: method.toUpperCase(), headers: auth, json });
      checker.check(method, template, answer);
      return answer;
    };

    await get('/ping', '/ping');
    await get('/ping', '/ping', { authorization: 'Bearer wrong' });
    await get('/partners', '/partners?limit=1');
    await get('/partners', '/partners?limit=1000');
    await get('/partners/{id}', `/partners/${PP_PARTNER_ID}`);
    await get('/partners/{id}', '/partners/ptn_01JSEED0000000000000009999');
    const products = await get('/products', '/products?active=true');
    const product = (products.body as { data: { id: string; min_quantity: number }[] }).data[0];
    assert.ok(product);
    await get('/products/{id}', `/products/${product.id}`);
    await get('/pricing', `/pricing?product_ids=${product.id}`);
    await get('/orders', `/orders?partner_id=${PP_PARTNER_ID}`);

    const created = await send('post', '/partners', '/partners', {
      external_id: 'OPENAPI-1',
      name: 'OpenAPI',
      email: 'o@example.com',
    });
    assert.equal(created.status, 201);
    const partnerId = (created.body as { id: string }).id;
    assert.equal(
      (await send('post', '/partners', '/partners', { external_id: 'OPENAPI-1', name: 'Again' })).status,
      409,
    );
    await send('post', '/partners', '/partners', { name: '' });
    await send('patch', '/partners/{id}', `/partners/${partnerId}`, { phone: '+45 1234 5678', email: null });
    const order = await send('post', '/orders', '/orders', {
      partner_id: partnerId,
      external_reference: 'OA-1',
      lines: [{ product_id: product.id, quantity: product.min_quantity }],
    });
    assert.equal(order.status, 201);
    const orderId = (order.body as { id: string }).id;
    await get('/orders/{id}', `/orders/${orderId}`);
    await send('patch', '/orders/{id}', `/orders/${orderId}`, { status: 'cancelled' });
    assert.equal(
      (await send('patch', '/orders/{id}', `/orders/${orderId}`, { status: 'shipped' })).status,
      409,
    );

    // Spend the rest of this minute's budget: the 429 is documented with its headers.
    let limited: Answer | undefined;
    for (let i = 0; i < 60 && limited === undefined; i++) {
      const answer = await call(`${base}/ping`, { headers: auth });
      if (answer.status === 429) limited = answer;
    }
    assert.ok(limited);
    checker.check('get', '/ping', limited);
    assertCovered(checker);
  });
});

describe('NFC Tagify OpenAPI document', () => {
  const apiKey = `nt-${randomUUID()}`;
  let sandbox: Awaited<ReturnType<typeof startNfcTagifySandbox>>;
  let checker: DocumentChecker;
  before(async () => {
    sandbox = await startNfcTagifySandbox({
      accounts: [{ apiKey, accountId: 'acct_openapi', priceOverrides: { [DOC_PRODUCT_ID]: 3.1 } }],
      requestsPerMinute: 25,
      ordersPerDay: 2,
    });
    checker = new DocumentChecker('nfctagify', await fetchDocument(sandbox));
  });
  after(() => sandbox.close());

  describeDocument('nfctagify', () => ({
    sandbox,
    checker,
    baseUrl: sandbox.baseUrl,
    routeBase: '/api/partner',
  }));

  it("accepts the sandbox's real answers: lists, gets, creates, changes and errors", async () => {
    const base = sandbox.baseUrl;
    const auth = { authorization: `Bearer ${apiKey}` };
    const get = async (
      template: string,
      path: string,
      headers: Record<string, string> = auth,
    ): Promise<Answer> => {
      const answer = await call(`${base}${path}`, { headers });
      checker.check('get', template, answer);
      return answer;
    };
    const create = async (json: unknown): Promise<Answer> => {
      const answer = await call(`${base}/orders`, { method: 'POST', headers: auth, json });
      checker.check('post', '/orders', answer);
      return answer;
    };
    const order = {
      product_id: DOC_PRODUCT_ID,
      quantity: 100,
      customer_reference: 'OPENAPI-1',
      shipping: { name: 'A', address_line1: '1 Road', city: 'London', postcode: 'N1 1AA', country: 'GB' },
    };

    await get('/products', '/products');
    await get('/products/{product_id}', `/products/${DOC_PRODUCT_ID}`);
    await get('/products/{product_id}', '/products/nope');
    await get('/products', '/products', { authorization: 'Bearer wrong' });
    await get('/pricing', '/pricing');
    await get('/orders', '/orders?per_page=5&status=pending');
    await get('/orders', '/orders?per_page=500');
    const created = await create(order);
    assert.equal(created.status, 201);
    const orderId = (created.body as { data: { order_id: string } }).data.order_id;
    assert.equal((await create({ ...order, shipping: { ...order.shipping, country: 'gb' } })).status, 400);
    await create(order);
    assert.equal((await create(order)).status, 429, 'the daily order budget of 2 is spent');
    await get('/orders/{order_id}', `/orders/${orderId}`);
    await get('/orders/{order_id}', '/orders/ord_nope');

    const cancel = async (id: string): Promise<Answer> => {
      const answer = await call(`${sandbox.origin}/__sandbox/orders/${id}/cancel`, {
        method: 'POST',
        headers: auth,
      });
      checker.check('post', '/__sandbox/orders/{order_id}/cancel', answer);
      return answer;
    };
    assert.equal((await cancel(orderId)).status, 200);
    assert.equal((await cancel('ord_nope')).status, 404);

    let limited: Answer | undefined;
    for (let i = 0; i < 40 && limited === undefined; i++) {
      const answer = await call(`${base}/pricing`, { headers: auth });
      if (answer.status === 429) limited = answer;
    }
    assert.ok(limited);
    checker.check('get', '/pricing', limited);
    assertCovered(checker);
  });
});

describe('National Express OpenAPI document', () => {
  const apiKey = `ne-${randomUUID()}`;
  let sandbox: Awaited<ReturnType<typeof startNationalExpressSandbox>>;
  let checker: DocumentChecker;
  before(async () => {
    sandbox = await startNationalExpressSandbox({ apiKey, requestsPerMinute: 30 });
    checker = new DocumentChecker('nationalexpress', await fetchDocument(sandbox));
  });
  after(() => sandbox.close());

  describeDocument('nationalexpress', () => ({ sandbox, checker, baseUrl: sandbox.baseUrl, routeBase: '' }));

  it("accepts the sandbox's real answers: lists, gets, creates, changes and errors", async () => {
    const base = sandbox.baseUrl;
    const auth = { authorization: `Bearer ${apiKey}` };
    const exchange = async (
      method: HttpMethod,
      template: string,
      path: string,
      json?: unknown,
      headers = auth,
    ) => {
      const answer = await call(`${base}${path}`, { method: method.toUpperCase(), headers, json });
      checker.check(method, template, answer);
      return answer;
    };

    await exchange('get', '/accounts', '/accounts?pageSize=2&status=active');
    await exchange('get', '/accounts', `/accounts?ticketReferences=${SEEDED_TICKET_REFERENCE}`);
    assert.equal((await exchange('get', '/accounts', '/accounts?pageSize=0')).status, 400);
    await exchange('get', '/accounts', '/accounts', undefined, { authorization: 'Bearer wrong' });
    await exchange('get', '/accounts/{accountId}', `/accounts/${SEEDED_ACCOUNT_ID}`);
    await exchange('get', '/accounts/{accountId}', '/accounts/NXA-999999');
    await exchange('get', '/accounts/{accountId}/tickets', `/accounts/${SEEDED_ACCOUNT_ID}/tickets`);
    const tickets = `/accounts/${SEEDED_ACTIVE_ACCOUNT_ID}/tickets`;
    assert.equal(
      (await exchange('post', '/accounts/{accountId}/tickets', tickets, { ticketReference: 'OPENAPI-0001' }))
        .status,
      201,
    );
    assert.equal(
      (await exchange('post', '/accounts/{accountId}/tickets', tickets, { ticketReference: 'OPENAPI-0001' }))
        .status,
      200,
    );
    await exchange('post', '/accounts/{accountId}/tickets', tickets, { ticketReference: 'lower-case' });
    const refused = await exchange(
      'post',
      '/accounts/{accountId}/tickets',
      `/accounts/${SEEDED_SUSPENDED_ACCOUNT_ID}/tickets`,
      {
        ticketReference: 'OPENAPI-0002',
      },
    );
    assert.equal(refused.status, 403);
    const one = '/accounts/{accountId}/tickets/{ticketReference}';
    await exchange('get', one, `${tickets}/OPENAPI-0001`);
    await exchange('delete', one, `${tickets}/OPENAPI-0001`);
    assert.equal((await exchange('delete', one, `${tickets}/OPENAPI-0001`)).status, 404);

    sandbox.setMaintenance(true);
    assert.equal((await exchange('get', '/accounts', '/accounts')).status, 503);
    sandbox.setMaintenance(false);
    sandbox.failNext(1);
    assert.equal((await exchange('get', '/accounts', '/accounts')).status, 500);

    let limited: Answer | undefined;
    for (let i = 0; i < 40 && limited === undefined; i++) {
      const answer = await call(`${base}/accounts/${SEEDED_ACCOUNT_ID}`, { headers: auth });
      if (answer.status === 429) limited = answer;
    }
    assert.ok(limited);
    checker.check('get', '/accounts/{accountId}', limited);
    assertCovered(checker);
  });
});

describe('Partner Orders OpenAPI document', () => {
  const clientSecret = randomUUID();
  let sandbox: Awaited<ReturnType<typeof startPartnerOrdersSandbox>>;
  let checker: DocumentChecker;
  before(async () => {
    sandbox = await startPartnerOrdersSandbox({
      clients: [
        { clientId: 'openapi', clientSecret, scopes: ['orders:submit', 'orders:preview'] },
        { clientId: 'preview-only', clientSecret, scopes: ['orders:preview'] },
      ],
    });
    checker = new DocumentChecker('partnerorders', await fetchDocument(sandbox));
  });
  after(() => sandbox.close());

  describeDocument('partnerorders', () => ({ sandbox, checker, baseUrl: sandbox.baseUrl, routeBase: '' }));

  it('names the token endpoint in its OAuth 2.0 client-credentials scheme', () => {
    const scheme = checker.document.components.securitySchemes.oauth2 as {
      flows: { clientCredentials: { tokenUrl: string } };
    };
    assert.equal(scheme.flows.clientCredentials.tokenUrl, `${sandbox.baseUrl}/oauth/token`);
  });

  it("accepts the sandbox's real answers: tokens, lists, previews, submits and errors", async () => {
    const base = sandbox.baseUrl;
    const token = async (form: string): Promise<Answer> => {
      const answer = await call(`${base}/oauth/token`, { method: 'POST', form });
      checker.check('post', '/oauth/token', answer);
      return answer;
    };
    const granted = await token(
      `grant_type=client_credentials&client_id=openapi&client_secret=${clientSecret}`,
    );
    assert.equal(granted.status, 200);
    const narrow = await token(
      `grant_type=client_credentials&client_id=preview-only&client_secret=${clientSecret}`,
    );
    assert.equal(
      (await token('grant_type=client_credentials&client_id=openapi&client_secret=wrong')).status,
      401,
    );
    assert.equal(
      (await token(`grant_type=password&client_id=openapi&client_secret=${clientSecret}`)).status,
      400,
    );
    const bearer = (answer: Answer) => ({
      authorization: `Bearer ${(answer.body as { access_token: string }).access_token}`,
    });
    const exchange = async (
      method: HttpMethod,
      path: string,
      headers: Record<string, string>,
      json?: unknown,
    ) => {
      const answer = await call(`${base}${path}`, { method: method.toUpperCase(), headers, json });
      checker.check(method, path, answer);
      return answer;
    };
    const order = {
      external_id: 'OA-1',
      customer: { email: 'a@example.com' },
      lines: [{ plan_id: TEAM_MONTHLY_PLAN_ID, quantity: 2 }],
    };

    assert.equal((await exchange('get', '/partner/plans', bearer(granted))).status, 200);
    assert.equal((await exchange('get', '/partner/plans', {})).status, 401);
    assert.equal((await exchange('post', '/partner/order/preview', bearer(granted), order)).status, 200);
    assert.equal((await exchange('post', '/partner/order', bearer(granted), order)).status, 200);
    assert.equal(
      (await exchange('post', '/partner/order', bearer(granted), { ...order, lines: [] })).status,
      400,
    );
    assert.equal(
      (
        await exchange('post', '/partner/order', bearer(granted), {
          ...order,
          lines: [{ plan_id: 'nope', quantity: 1 }],
        })
      ).status,
      404,
    );
    assert.equal((await exchange('post', '/partner/order', bearer(narrow), order)).status, 403);
    sandbox.injectBillingFailures(1, 'submit');
    assert.equal((await exchange('post', '/partner/order', bearer(granted), order)).status, 502);
    sandbox.revokeTokens();
    assert.equal((await exchange('post', '/partner/order/preview', bearer(granted), order)).status, 401);
    assertCovered(checker);
  });
});
