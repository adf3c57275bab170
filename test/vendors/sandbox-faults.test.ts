import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SEEDED_ORDER_ID } from '../../src/vendors/navipartner/sandbox.js';
import { startNfcTagifySandbox } from '../../src/vendors/nfctagify/sandbox.js';
import type { NfcTagifySandbox } from '../../src/vendors/nfctagify/sandbox.js';
import { SEEDED_PARTNER_ID } from '../../src/vendors/partnerportal/sandbox.js';
import { FAULT_CONTROL_PATH, malformedJson } from '../../src/vendors/sandbox-faults.js';
import type { FaultRule } from '../../src/vendors/sandbox-faults.js';
import type { RunningSandbox } from '../../src/vendors/sandbox-server.js';
import { startSandboxes } from '../../src/vendors/sandboxes.js';
import type { RunningSandboxes, VendorName } from '../../src/vendors/sandboxes.js';
import { clearFaults, getFaults, setFaults } from '../support/faults.js';
import { startStack } from '../support/stack.js';

interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

/** One read route per vendor, and how its vendor renders an injected status. */
interface VendorCase {
  vendor: VendorName;
  /** The rule's route, relative to the vendor's base URL. */
  route: string;
  /** The concrete path under the base URL. */
  path: string;
  /** How the sandbox's counter names the route. */
  counted: string;
  /** The vendor's error code for an injected status, read from its own error body. */
  errorCode: (body: unknown) => unknown;
  expectedCode: (status: number) => unknown;
}

type Body = Record<string, unknown> & { error?: unknown };

const CASES: VendorCase[] = [
  {
    vendor: 'channelManager',
    route: 'GET /channelManager/:orderId',
    path: `/channelManager/${SEEDED_ORDER_ID}`,
    counted: 'GET /:tenant/:environment/:company/channelManager/:orderId',
    errorCode: (body) => ((body as Body).error as { code?: unknown } | undefined)?.code,
    expectedCode: () => 'INTERNAL',
  },
  {
    vendor: 'partnerPortal',
    route: 'GET /partners/:id',
    path: `/partners/${SEEDED_PARTNER_ID}`,
    counted: 'GET /v1/partners/:id',
    errorCode: (body) => ((body as Body).error as { code?: unknown } | undefined)?.code,
    expectedCode: (status) => (status === 429 ? 'rate_limited' : 'internal_error'),
  },
  {
    vendor: 'nfcTagify',
    route: 'GET /products',
    path: '/products',
    counted: 'GET /api/partner/products',
    errorCode: (body) => ((body as Body).success === false ? (body as Body).code : undefined),
    expectedCode: (status) => (status === 429 ? 'RATE_LIMITED' : 'SERVER_ERROR'),
  },
  {
    vendor: 'nationalExpress',
    route: 'GET /accounts',
    path: '/accounts',
    counted: 'GET /accounts',
    errorCode: (body) => ((body as Body).data === null ? (body as Body).code : undefined),
    expectedCode: (status) => (status === 429 ? 100429 : status === 503 ? 100503 : 100500),
  },
  {
    vendor: 'partnerOrders',
    route: 'GET /partner/plans',
    path: '/partner/plans',
    counted: 'GET /partner/plans',
    errorCode: (body) => (body as Body).error,
    expectedCode: (status) => (status === 502 ? 'bad_gateway' : 'internal_error'),
  },
];

describe('sandbox fault injection', () => {
  let sandboxes: RunningSandboxes;
  let poToken = '';

  before(async () => {
    sandboxes = await startSandboxes({
      vendors: CASES.map((c) => c.vendor),
      seed: true,
      faultControl: true,
    });
    const po = sandboxes.endpoints.partnerOrders;
    assert.ok(po?.tokenUrl);
    const response = await fetch(po.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${po.clientId}:${po.clientSecret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    assert.equal(response.status, 200);
    poToken = ((await response.json()) as { access_token: string }).access_token;
  });
  after(async () => {
    await sandboxes.close();
  });
  afterEach(async () => {
    for (const c of CASES) await clearFaults(sandboxOf(c.vendor).origin);
  });

  function sandboxOf(vendor: VendorName): RunningSandbox & { baseUrl: string } {
    const sandbox = sandboxes[vendor];
    assert.ok(sandbox, vendor);
    return sandbox;
  }

  function headersOf(vendor: VendorName): Record<string, string> {
    const endpoints = sandboxes.endpoints;
    if (vendor === 'channelManager') return { 'x-np-api-key': endpoints.channelManager?.apiKey ?? '' };
    if (vendor === 'partnerOrders') return { authorization: `Bearer ${poToken}` };
    const endpoint = endpoints[vendor] as { apiKey: string } | undefined;
    return { authorization: `Bearer ${endpoint?.apiKey ?? ''}` };
  }

  async function call(
    vendor: VendorName,
    path: string,
    init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
  ): Promise<Reply> {
    const response = await fetch(`${sandboxOf(vendor).baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: { ...headersOf(vendor), 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      ...(init.signal ? { signal: init.signal } : {}),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  const countOf = (vendor: VendorName, key: string): number => sandboxOf(vendor).requestCounts()[key] ?? 0;

  for (const c of CASES) {
    describe(c.vendor, () => {
      it('answers a burst of injected statuses in the vendor error shape, with Retry-After, then recovers', async () => {
        const { origin } = sandboxOf(c.vendor);
        const status = c.vendor === 'partnerOrders' ? 502 : 503;
        await setFaults(origin, [{ route: c.route, status, retryAfterSeconds: 7, count: 1 }]);
        const before = countOf(c.vendor, c.counted);
        const refused = await call(c.vendor, c.path);
        assert.equal(refused.status, status, refused.text);
        assert.equal(refused.headers.get('retry-after'), '7');
        assert.match(refused.headers.get('content-type') ?? '', /application\/json/);
        assert.equal(c.errorCode(JSON.parse(refused.text)), c.expectedCode(status), refused.text);
        assert.equal(countOf(c.vendor, c.counted), before + 1, 'the vendor saw the refused request');
        const next = await call(c.vendor, c.path);
        assert.equal(next.status, 200, next.text);

        await setFaults(origin, [{ route: c.route, status: 429, count: 2 }]);
        const statuses = [];
        for (let i = 0; i < 3; i += 1) {
          const reply = await call(c.vendor, c.path);
          statuses.push(reply.status);
          if (reply.status === 429) assert.equal(c.errorCode(JSON.parse(reply.text)), c.expectedCode(429));
        }
        assert.deepEqual(statuses, [429, 429, 200]);
        assert.equal(countOf(c.vendor, c.counted), before + 5);
      });

      it('adds latency before the request is handled', async () => {
        await setFaults(sandboxOf(c.vendor).origin, [{ route: c.route, latencyMs: 200 }]);
        const started = performance.now();
        const reply = await call(c.vendor, c.path);
        assert.equal(reply.status, 200, reply.text);
        assert.ok(performance.now() - started >= 195, 'the answer came after the latency');
      });

      it('times out: accepts the request and never answers, counting it at once', async () => {
        await setFaults(sandboxOf(c.vendor).origin, [{ route: c.route, timeout: true, count: 1 }]);
        const before = countOf(c.vendor, c.counted);
        await assert.rejects(call(c.vendor, c.path, { signal: AbortSignal.timeout(300) }), {
          name: 'TimeoutError',
        });
        assert.equal(countOf(c.vendor, c.counted), before + 1);
        assert.equal((await call(c.vendor, c.path)).status, 200);
      });

      it('resets the connection before the handler runs', async () => {
        await setFaults(sandboxOf(c.vendor).origin, [{ route: c.route, reset: true, count: 1 }]);
        const before = countOf(c.vendor, c.counted);
        await assert.rejects(call(c.vendor, c.path), TypeError);
        assert.equal(countOf(c.vendor, c.counted), before + 1, 'a reset counts: the vendor saw a connection');
        assert.equal((await call(c.vendor, c.path)).status, 200);
      });

      it('loses the response after the handler ran', async () => {
        await setFaults(sandboxOf(c.vendor).origin, [{ route: c.route, lostResponse: true, count: 1 }]);
        const before = countOf(c.vendor, c.counted);
        await assert.rejects(call(c.vendor, c.path), TypeError);
        assert.equal(countOf(c.vendor, c.counted), before + 1);
      });

      it('truncates a 2xx body into malformed JSON with a matching Content-Length', async () => {
        const intact = await call(c.vendor, c.path);
        await setFaults(sandboxOf(c.vendor).origin, [{ route: c.route, malformed: true, count: 1 }]);
        const reply = await call(c.vendor, c.path);
        assert.equal(reply.status, 200);
        assert.throws(() => JSON.parse(reply.text) as unknown, SyntaxError);
        assert.ok(intact.text.startsWith(reply.text) && reply.text.length < intact.text.length);
        assert.equal(reply.headers.get('content-length'), String(Buffer.byteLength(reply.text)));
      });
    });
  }

  describe('writes (PartnerPortal POST /partners)', () => {
    async function partnersWith(externalId: string): Promise<number> {
      const reply = await call('partnerPortal', `/partners?external_id=${externalId}`);
      assert.equal(reply.status, 200, reply.text);
      return (JSON.parse(reply.text) as { total_count: number }).total_count;
    }

    it('commits the write behind a lost response, but not behind a reset', async () => {
      const { origin } = sandboxOf('partnerPortal');
      await setFaults(origin, [{ route: 'POST /partners', lostResponse: true, count: 1 }]);
      const lost = { external_id: 'FAULT-LOST-1', name: 'Lost' };
      await assert.rejects(call('partnerPortal', '/partners', { method: 'POST', body: lost }), TypeError);
      assert.equal(await partnersWith('FAULT-LOST-1'), 1);

      await setFaults(origin, [{ route: 'POST /partners', reset: true, count: 1 }]);
      const reset = { external_id: 'FAULT-RESET-1', name: 'Reset' };
      await assert.rejects(call('partnerPortal', '/partners', { method: 'POST', body: reset }), TypeError);
      assert.equal(await partnersWith('FAULT-RESET-1'), 0);
      const retried = await call('partnerPortal', '/partners', { method: 'POST', body: reset });
      assert.equal(retried.status, 201, retried.text);
    });

    it('leaves a 4xx answer alone when asked for malformed JSON (only 2xx bodies are broken)', async () => {
      await setFaults(sandboxOf('partnerPortal').origin, [{ route: 'POST /partners', malformed: true }]);
      const reply = await call('partnerPortal', '/partners', {
        method: 'POST',
        body: { name: 'No external id' },
      });
      assert.equal(reply.status, 400);
      assert.equal(((JSON.parse(reply.text) as Body).error as { code: string }).code, 'validation_error');
    });
  });

  describe('rules', () => {
    it('matches method and path relative to the base URL, in Express route syntax', async () => {
      await setFaults(sandboxOf('nfcTagify').origin, [{ route: 'get /products/:product_id', status: 500 }]);
      assert.equal((await call('nfcTagify', '/products/anything')).status, 500);
      assert.equal((await call('nfcTagify', '/products')).status, 200);
      await setFaults(sandboxOf('partnerPortal').origin, [{ route: 'POST /partners/:id', status: 500 }]);
      assert.equal((await call('partnerPortal', `/partners/${SEEDED_PARTNER_ID}`)).status, 200);
      await setFaults(sandboxOf('partnerPortal').origin, [{ route: '*', status: 503 }]);
      assert.equal((await call('partnerPortal', '/ping')).status, 503);
      assert.equal((await call('partnerPortal', '/no-such-route')).status, 503);
    });

    it('hits a seeded rate repeatably, and some requests only', async () => {
      const { origin } = sandboxOf('nationalExpress');
      const run = async (): Promise<number[]> => {
        await setFaults(origin, [{ route: 'GET /accounts', rate: 0.5, status: 500 }], 42);
        const statuses: number[] = [];
        for (let i = 0; i < 16; i += 1) statuses.push((await call('nationalExpress', '/accounts')).status);
        return statuses;
      };
      const first = await run();
      assert.deepEqual(await run(), first);
      assert.ok(first.includes(500) && first.includes(200), JSON.stringify(first));
    });

    it('combines latency from every rule hit; the first rule with an outcome decides it', async () => {
      await setFaults(sandboxOf('nfcTagify').origin, [
        { route: 'GET /products', status: 503, count: 1 },
        { latencyMs: 150 },
        { status: 500 },
      ]);
      const started = performance.now();
      assert.equal((await call('nfcTagify', '/products')).status, 503);
      assert.equal((await call('nfcTagify', '/products')).status, 500);
      assert.ok(performance.now() - started >= 295);
    });

    it('shows the rules with what is left of their counts, and clears them', async () => {
      const { origin } = sandboxOf('nfcTagify');
      const rules = await setFaults(origin, [
        { route: 'GET /products', status: 503, count: 2 },
        { latencyMs: 1 },
      ]);
      assert.deepEqual(rules, [
        { route: 'GET /products', status: 503, count: 2, remaining: 2 },
        { latencyMs: 1 },
      ]);
      await call('nfcTagify', '/products');
      assert.equal((await getFaults(origin))[0]?.remaining, 1);
      await call('nfcTagify', '/products');
      assert.equal((await getFaults(origin))[0]?.remaining, 0);
      assert.equal((await call('nfcTagify', '/products')).status, 200, 'a spent rule no longer hits');
      await clearFaults(origin);
      assert.deepEqual(await getFaults(origin), []);
    });

    it('refuses bad rules with 400 naming each field and rule, keeping the rules in force', async () => {
      const { origin } = sandboxOf('nfcTagify');
      await setFaults(origin, [{ latencyMs: 1 }]);
      const put = async (body: string) => {
        const response = await fetch(`${origin}${FAULT_CONTROL_PATH}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body,
        });
        return {
          status: response.status,
          body: (await response.json()) as { error: string; details: { field: string; message: string }[] },
        };
      };
      const bad = await put(
        JSON.stringify({
          rules: [
            { rate: 2, status: 404, bogus: 1 },
            { route: 'FETCH /x', status: 500 },
            { route: 'GET /a/:', status: 500 },
            { timeout: true, reset: true },
            { retryAfterSeconds: 5, latencyMs: 1 },
            { count: 0, status: 500 },
            {},
          ],
        }),
      );
      assert.equal(bad.status, 400);
      assert.deepEqual(
        bad.body.details.map((d) => d.field),
        [
          'rules[0].bogus',
          'rules[0].rate',
          'rules[0].status',
          'rules[1].route',
          'rules[2].route',
          'rules[3].reset',
          'rules[4].retryAfterSeconds',
          'rules[5].count',
          'rules[6]',
        ],
      );
      assert.match(bad.body.error, /^rules\[0\]\.bogus is not a fault rule field .*\(and 8 more problems\)$/);
      assert.equal(bad.body.details[1]?.message, 'must be a number from 0 to 1');
      assert.equal(bad.body.details[2]?.message, 'must be 429 or 500-599');

      assert.deepEqual((await put('{"rules": [')).body.details, [
        { field: 'body', message: 'must be JSON: { "rules": [FaultRule, …], "seed"?: number }' },
      ]);
      assert.deepEqual((await put('{"rules": {}}')).body.details, [
        { field: 'rules', message: 'must be an array' },
      ]);
      assert.equal((await put('{"rules": [], "seed": -1}')).body.details[0]?.field, 'seed');
      assert.equal((await put('{"rules": [], "extra": 1}')).body.details[0]?.field, 'extra');
      assert.deepEqual(await getFaults(origin), [{ latencyMs: 1 }], 'the rules in force are kept');
    });

    it('does not count control requests; they need no key', async () => {
      const sandbox = sandboxOf('partnerPortal');
      const before = sandbox.totalRequests();
      await setFaults(sandbox.origin, [{ latencyMs: 1 }]);
      await getFaults(sandbox.origin);
      await clearFaults(sandbox.origin);
      assert.equal(sandbox.totalRequests(), before);
    });

    it('counts an injected refusal under the vendor route it was for', async () => {
      const sandbox = sandboxOf('channelManager');
      await setFaults(sandbox.origin, [{ status: 500, count: 1 }]);
      sandbox.resetCounts();
      assert.equal((await call('channelManager', `/channelManager/${SEEDED_ORDER_ID}`)).status, 500);
      assert.deepEqual(sandbox.requestCounts(), {
        'GET /:tenant/:environment/:company/channelManager/:orderId': 1,
      });
    });
  });
});

describe('sandbox fault options at start', () => {
  let sandbox: NfcTagifySandbox | undefined;
  const key = 'nt-faults-key-0123456789';
  const get = (path: string, headers: Record<string, string> = { authorization: `Bearer ${key}` }) =>
    fetch(`${sandbox?.baseUrl}${path}`, { headers });

  after(async () => {
    await sandbox?.close();
  });

  it('applies start rules, and without faultControl the control route does not exist', async () => {
    const started = await startNfcTagifySandbox({
      accounts: [{ apiKey: key, accountId: 'acct_faults' }],
      faults: [{ route: 'GET /products', status: 500, count: 1 }],
    });
    sandbox = started;
    assert.equal((await get('/products')).status, 500);
    assert.equal((await get('/products')).status, 200);
    const control = await fetch(`${started.origin}${FAULT_CONTROL_PATH}`, {
      method: 'PUT',
      body: '{"rules":[]}',
    });
    assert.equal(control.status, 404);
    const unknown = await fetch(`${started.origin}/__sandbox/nothing`);
    assert.deepEqual(await control.json(), await unknown.json());
    // In process, the rules can still be changed.
    started.setFaults([{ status: 503, count: 1 }]);
    assert.equal((await get('/products')).status, 503);
    assert.deepEqual(started.faults(), [{ status: 503, count: 1, remaining: 0 }]);
    started.clearFaults();
    assert.deepEqual(started.faults(), []);
    assert.throws(
      () => started.setFaults([{ rate: -1, status: 500 }]),
      /rules\[0\]\.rate must be a number from 0 to 1/,
    );
  });

  it('keeps the control route outside the vendor rate limit', async () => {
    const limited = await startNfcTagifySandbox({
      accounts: [{ apiKey: key, accountId: 'acct_limited' }],
      requestsPerMinute: 1,
      faultControl: true,
    });
    try {
      const headers = { authorization: `Bearer ${key}` };
      assert.equal((await fetch(`${limited.baseUrl}/products`, { headers })).status, 200);
      assert.equal((await fetch(`${limited.baseUrl}/products`, { headers })).status, 429);
      for (let i = 0; i < 3; i += 1) await setFaults(limited.origin, [{ latencyMs: 1 }]);
      assert.deepEqual(limited.requestCounts(), { 'GET /api/partner/products': 2 });
    } finally {
      await limited.close();
    }
  });

  it('startSandboxes puts top-level rules after each vendor own, and rejects a bad rule at start', async () => {
    const started = await startSandboxes({
      vendors: ['nfcTagify', 'nationalExpress'],
      faults: [{ latencyMs: 20 }],
      nationalExpress: { faults: [{ status: 503, count: 1 }] },
    });
    try {
      assert.deepEqual(started.nfcTagify?.faults(), [{ latencyMs: 20 }]);
      assert.deepEqual(started.nationalExpress?.faults(), [
        { status: 503, count: 1, remaining: 1 },
        { latencyMs: 20 },
      ]);
    } finally {
      await started.close();
    }
    await assert.rejects(
      startSandboxes({ vendors: ['nfcTagify'], faults: [{ route: 'GET products', status: 500 }] }),
      /rules\[0\]\.route must be '\*' or '<METHOD> \/path'/,
    );
  });

  it('breaks any body into text that does not parse', () => {
    for (const text of ['{"a":1}', '[1,2,3]', '12345', '"text"', 'true', '']) {
      assert.throws(() => JSON.parse(malformedJson(text)) as unknown, SyntaxError, text);
    }
  });
});

describe('a lost response through the gateway', () => {
  it('leaves the partner created at the vendor', async () => {
    const stack = await startStack({ seed: true });
    try {
      const { origin } = stack.partnerPortal;
      await setFaults(origin, [{ route: 'POST /partners', lostResponse: true, count: 1 }]);
      const rules: FaultRule[] = await getFaults(origin);
      assert.equal(rules[0]?.count, 1);
      await stack.gql(
        `mutation ($input: PartnerInput!) { createPartner(input: $input) { partner { id } userErrors { code } } }`,
        { input: { externalId: 'GW-LOST-1', name: 'Gateway Lost' } },
      );
      assert.equal((await getFaults(origin))[0]?.remaining, 0, 'the fault was injected');
      const { baseUrl, apiKey } = stack.endpoints.partnerPortal;
      const response = await fetch(`${baseUrl}/partners?external_id=GW-LOST-1`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      const list = (await response.json()) as { total_count: number; data: { name: string }[] };
      assert.equal(list.total_count, 1);
      assert.equal(list.data[0]?.name, 'Gateway Lost');
      assert.ok((stack.partnerPortal.requestCounts()['POST /v1/partners'] ?? 0) >= 1);
    } finally {
      await stack.close();
    }
  });
});
