import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_API_KEY, startStack } from './support/stack.js';
import type { TestStack } from './support/stack.js';

describe('the HTTP server around the graph', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ seed: true });
  });
  after(async () => {
    await stack.close();
  });

  const post = (headers: Record<string, string>, body: string) =>
    fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it('answers 401 without a key, with a wrong key and with a malformed header', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-key-000000000000' },
      { authorization: TEST_API_KEY },
    ];
    for (const headers of attempts) {
      const response = await post(headers, JSON.stringify({ query: '{ __typename }' }));
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="partner-graph"');
      const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
      assert.equal(body.errors[0]?.extensions.code, 'UNAUTHENTICATED');
    }
  });

  it('answers with a valid key, and echoes a well-formed request id', async () => {
    const response = await post(
      { authorization: `Bearer ${TEST_API_KEY}`, 'x-request-id': 'trace-123' },
      JSON.stringify({ query: '{ __typename }' }),
    );
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-request-id'), 'trace-123');
    assert.deepEqual(await response.json(), { data: { __typename: 'Query' } });
  });

  it('sends the request id upstream and logs it with every vendor call', async () => {
    await post(
      { authorization: `Bearer ${TEST_API_KEY}`, 'x-request-id': 'trace-upstream-1' },
      JSON.stringify({ query: '{ order(id: "9c6b2f4e-2b71-4d23-9d6a-a3b4c5d6e7f8") { id } }' }),
    );
    const line = stack.logs.find((entry) => entry.includes('"requestId":"trace-upstream-1"'));
    assert.ok(line, 'a vendor-call log line carries the request id');
    assert.match(line, /"operation":"getOrder"/);
  });

  it('answers malformed JSON with 400 and an oversized body with 413, as JSON', async () => {
    const malformed = await post({ authorization: `Bearer ${TEST_API_KEY}` }, '{"query": ');
    assert.equal(malformed.status, 400);
    assert.match(malformed.headers.get('content-type') ?? '', /json/);
    const huge = await post(
      { authorization: `Bearer ${TEST_API_KEY}` },
      JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(1_100_000) } }),
    );
    assert.equal(huge.status, 413);
    const body = (await huge.json()) as { errors: { message: string }[] };
    assert.match(body.errors[0]?.message ?? '', /1 MB/);
  });

  it('refuses batched requests', async () => {
    const response = await post(
      { authorization: `Bearer ${TEST_API_KEY}` },
      JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    );
    assert.equal(response.status, 400);
  });

  it('serves /healthz and /metrics without a key', async () => {
    const health = await fetch(`${stack.origin}/healthz`);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const metrics = await (await fetch(`${stack.origin}/metrics`)).text();
    assert.match(metrics, /# TYPE gateway_vendor_requests_total counter/);
    assert.match(metrics, /process_resident_memory_bytes/);
  });

  it('never writes a client key or a vendor key into the logs', () => {
    const all = stack.logs.join('\n');
    assert.ok(stack.logs.length > 0);
    assert.equal(all.includes(TEST_API_KEY), false);
    const { channelManager, partnerPortal, nfcTagify, nationalExpress, partnerOrders } = stack.endpoints;
    for (const secret of [
      channelManager.apiKey,
      partnerPortal.apiKey,
      nfcTagify.apiKey,
      nationalExpress.apiKey,
      partnerOrders.clientSecret,
    ]) {
      assert.equal(all.includes(secret), false);
    }
  });
});

describe('a gateway whose vendor key is wrong', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({
      seed: true,
      endpointOverrides: (real) => ({
        channelManager: { baseUrl: real.channelManager!.baseUrl, apiKey: 'a-wrong-vendor-key-99999' },
      }),
    });
  });
  after(async () => {
    await stack.close();
  });

  it('answers UPSTREAM_REJECTED at the field, without the key or the vendor body', async () => {
    const response = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}` },
      body: JSON.stringify({
        query: '{ __typename order(id: "9c6b2f4e-2b71-4d23-9d6a-a3b4c5d6e7f8") { id } }',
      }),
    });
    const text = await response.text();
    const body = JSON.parse(text) as {
      data: { __typename: string; order: null };
      errors: { path: string[]; extensions: { code: string } }[];
    };
    assert.equal(body.data.__typename, 'Query');
    assert.equal(body.data.order, null);
    assert.deepEqual(body.errors[0]?.path, ['order']);
    assert.equal(body.errors[0]?.extensions.code, 'UPSTREAM_REJECTED');
    assert.equal(text.includes('a-wrong-vendor-key-99999'), false);
    assert.equal(text.includes(stack.channelManager.baseUrl), false);
    assert.equal(text.includes('stacktrace'), false);
  });
});
