import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Writable } from 'node:stream';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError } from 'graphql';
import {
  RateLimitedError,
  UpstreamBadResponseError,
  UpstreamUnavailableError,
} from '../../src/errors/gateway-errors.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import type { Metrics } from '../../src/metrics.js';
import { OutcomeUnknownError, VendorHttp, parseRetryAfter } from '../../src/vendors/http.js';
import type { CallScope, RetryPolicy, VendorCall } from '../../src/vendors/http.js';
import { createTransport } from '../../src/vendors/transport.js';
import type { Transport } from '../../src/vendors/transport.js';
import { FakeVendor } from '../support/fake-vendor.js';

const VENDOR = 'test_vendor';
const DISPLAY = 'Test Vendor';
/** Distinctive, so that finding it anywhere but on the wire is unambiguous. */
const SECRET = 'sk_live_Zq9-ThisMustNeverLeak-7781';

interface Harness {
  http: VendorHttp;
  metrics: Metrics;
  /** Every delay the client asked of `sleep`, in order. */
  delays: number[];
  /** Parsed log lines. */
  logs: Record<string, unknown>[];
  /** Raw log text, for secret scanning. */
  rawLogs: string[];
}

interface HarnessOptions {
  baseUrl?: string;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  random?: () => number;
  /** Sleep for real (deadline tests) instead of resolving at once; delays are recorded either way. */
  realSleep?: boolean;
  transport?: Transport;
  requestIdHeaders?: string[];
}

/** Collects the rejection of `promise`, failing the test when it resolves. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail');
}

/** `operation:status` → count, for the requests counter. */
async function requestCounts(metrics: Metrics): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { labels, value } of (await metrics.vendorRequests.get()).values) {
    assert.equal(labels.vendor, VENDOR);
    counts[`${labels.operation}:${labels.status}`] = value;
  }
  return counts;
}

/** `operation:reason` → count, for the retries counter. */
async function retryCounts(metrics: Metrics): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { labels, value } of (await metrics.vendorRetries.get()).values) {
    counts[`${labels.operation}:${labels.reason}`] = value;
  }
  return counts;
}

function errorCode(error: unknown): unknown {
  assert.ok(error instanceof GraphQLError, `expected a GraphQLError, got ${String(error)}`);
  return error.extensions.code;
}

/** A port that refuses connections: opened, noted and closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let requestSeq = 0;
function scope(deadlineInMs = 10_000): CallScope {
  return { requestId: `req-${++requestSeq}-${process.pid}`, deadline: Date.now() + deadlineInMs };
}

const getThing: VendorCall = { operation: 'getThing', method: 'GET', path: '/things/42' };
const createThing: VendorCall = {
  operation: 'createThing',
  method: 'POST',
  path: '/things',
  body: { name: 'x' },
};

describe('VendorHttp over the default transport', () => {
  let vendor: FakeVendor;
  const transports: Transport[] = [];

  function harness(options: HarnessOptions = {}): Harness {
    const transport = options.transport ?? createTransport();
    transports.push(transport);
    const metrics = createMetrics();
    const delays: number[] = [];
    const logs: Record<string, unknown>[] = [];
    const rawLogs: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        const text = chunk.toString();
        rawLogs.push(text);
        for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
          logs.push(JSON.parse(line) as Record<string, unknown>);
        }
        callback();
      },
    });
    const http = new VendorHttp({
      vendor: VENDOR,
      displayName: DISPLAY,
      baseUrl: options.baseUrl ?? `${vendor.baseUrl}/api`,
      headers: { 'x-api-key': SECRET },
      ...(options.requestIdHeaders ? { requestIdHeaders: options.requestIdHeaders } : {}),
      timeoutMs: options.timeoutMs ?? 1_000,
      retry: {
        maxAttempts: 3,
        baseDelayMs: 100,
        maxDelayMs: 2_000,
        maxRetryAfterMs: 5_000,
        ...options.retry,
      },
      transport,
      metrics,
      logger: createLogger('debug', stream),
      sleep: (ms) => {
        delays.push(ms);
        return options.realSleep ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
      },
      random: options.random ?? (() => 1),
    });
    return { http, metrics, delays, logs, rawLogs };
  }

  before(async () => {
    vendor = await FakeVendor.start();
  });
  beforeEach(() => vendor.reset());
  after(async () => {
    for (const transport of transports) transport.close();
    await vendor.close();
  });

  describe('a successful call', () => {
    it('parses the JSON body and sends the request id and the credential', async () => {
      const { http } = harness();
      vendor.script({ status: 200, body: { id: 42, name: 'widget' }, headers: { etag: '"v1"' } });
      const callScope = scope();
      const response = await http.call(getThing, callScope);
      assert.equal(response.status, 200);
      assert.deepEqual(response.body, { id: 42, name: 'widget' });
      assert.equal(response.header('etag'), '"v1"');
      assert.equal(vendor.requests.length, 1);
      const [seen] = vendor.requests;
      assert.equal(seen?.method, 'GET');
      assert.equal(seen?.url, '/api/things/42');
      assert.equal(seen?.headers['x-request-id'], callScope.requestId);
      assert.equal(seen?.headers['x-api-key'], SECRET);
      assert.equal(seen?.headers.accept, 'application/json');
    });

    it('sends content-type: application/json only with a body', async () => {
      const { http } = harness();
      vendor.script({ status: 200, body: {} }, { status: 201, body: { id: 7 } });
      await http.call(getThing, scope());
      const created = await http.call(createThing, scope());
      assert.equal(created.status, 201);
      assert.deepEqual(created.body, { id: 7 });
      assert.equal(vendor.requests.length, 2);
      assert.equal(vendor.requests[0]?.headers['content-type'], undefined);
      assert.equal(vendor.requests[0]?.body, '');
      assert.equal(vendor.requests[1]?.method, 'POST');
      assert.equal(vendor.requests[1]?.headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(vendor.requests[1]?.body ?? ''), { name: 'x' });
    });

    it('sends a form body and per-call headers, and never logs the per-call credential', async () => {
      const { http, rawLogs } = harness();
      vendor.script({ status: 200, body: { access_token: 't' } });
      await http.call(
        {
          operation: 'oauthToken',
          method: 'POST',
          path: '/token',
          form: { grant_type: 'client_credentials', scope: 'a b' },
          headers: { authorization: 'Basic per-call-secret-123' },
        },
        scope(),
      );
      const [seen] = vendor.requests;
      assert.equal(seen?.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.equal(seen?.body, 'grant_type=client_credentials&scope=a+b');
      assert.equal(seen?.headers.authorization, 'Basic per-call-secret-123');
      assert.equal(rawLogs.join('').includes('per-call-secret-123'), false);
    });

    it('sends the request id under every configured header', async () => {
      const { http } = harness({ requestIdHeaders: ['x-request-id', 'x-tracing-id'] });
      vendor.script({ status: 200, body: {} });
      const callScope = scope();
      await http.call(getThing, callScope);
      assert.equal(vendor.requests[0]?.headers['x-tracing-id'], callScope.requestId);
      assert.equal(vendor.requests[0]?.headers['x-request-id'], callScope.requestId);
    });

    it('builds the query string and drops undefined parameters', async () => {
      const { http } = harness();
      vendor.script({ status: 200, body: [] });
      await http.call(
        {
          operation: 'listThings',
          method: 'GET',
          path: '/things',
          query: { q: 'a b&c', page: 2, cursor: undefined },
        },
        scope(),
      );
      assert.equal(vendor.requests.length, 1);
      const url = new URL(vendor.requests[0]?.url ?? '', vendor.baseUrl);
      assert.equal(url.pathname, '/api/things');
      assert.deepEqual(
        [...url.searchParams],
        [
          ['q', 'a b&c'],
          ['page', '2'],
        ],
      );
    });

    it('returns a 204 with an undefined body', async () => {
      const { http } = harness();
      vendor.script({ status: 204 });
      const response = await http.call(
        { operation: 'deleteThing', method: 'DELETE', path: '/things/42' },
        scope(),
      );
      assert.equal(response.status, 204);
      assert.equal(response.body, undefined);
      assert.equal(vendor.requests.length, 1);
    });
  });

  describe('5xx answers', () => {
    it('retries a GET with exponential backoff and full jitter, succeeding on the third attempt', async () => {
      const { http, delays, metrics } = harness({ random: () => 1 });
      vendor.script(
        { status: 503, body: 'busy' },
        { status: 500, body: { error: 'x' } },
        { status: 200, body: { ok: 1 } },
      );
      const response = await http.call(getThing, scope());
      assert.deepEqual(response.body, { ok: 1 });
      assert.equal(vendor.requests.length, 3);
      assert.deepEqual(delays, [100, 200]);
      assert.deepEqual(await requestCounts(metrics), {
        'getThing:503': 1,
        'getThing:500': 1,
        'getThing:200': 1,
      });
      assert.deepEqual(await retryCounts(metrics), { 'getThing:503': 1, 'getThing:500': 1 });
      // Every attempt carries the same request id.
      const ids = new Set(vendor.requests.map((r) => r.headers['x-request-id']));
      assert.equal(ids.size, 1);
    });

    it('scales the jitter by random() and caps it at maxDelayMs', async () => {
      const half = harness({ random: () => 0.5 });
      vendor.script({ status: 502 }, { status: 502 }, { status: 200, body: {} });
      await half.http.call(getThing, scope());
      assert.deepEqual(half.delays, [50, 100]);

      vendor.reset();
      const capped = harness({ random: () => 1, retry: { maxAttempts: 4, maxDelayMs: 150 } });
      vendor.script({ status: 502 }, { status: 502 }, { status: 502 }, { status: 200, body: {} });
      await capped.http.call(getThing, scope());
      assert.deepEqual(capped.delays, [100, 150, 150]);
      assert.equal(vendor.requests.length, 4);
    });

    it('gives up after maxAttempts with UPSTREAM_UNAVAILABLE', async () => {
      const { http, delays, metrics } = harness();
      vendor.script({ status: 503 }, { status: 503 }, { status: 503 }, { status: 200, body: {} });
      const error = await failure(http.call(getThing, scope()));
      assert.ok(error instanceof UpstreamUnavailableError);
      assert.ok(
        !(error instanceof OutcomeUnknownError),
        'a GET is safe to repeat: its outcome is not unknown',
      );
      assert.equal(errorCode(error), 'UPSTREAM_UNAVAILABLE');
      assert.equal(error.extensions.vendor, DISPLAY);
      assert.match(error.message, /Test Vendor is unavailable \(HTTP 503\)/);
      assert.equal(vendor.requests.length, 3);
      assert.deepEqual(delays, [100, 200]);
      assert.deepEqual(await requestCounts(metrics), { 'getThing:503': 3 });
      assert.deepEqual(await retryCounts(metrics), { 'getThing:503': 2 });
    });

    it('does not retry a POST: one request, OutcomeUnknownError', async () => {
      const { http, delays, metrics } = harness();
      vendor.script({ status: 500 }, { status: 201, body: {} });
      const error = await failure(http.call(createThing, scope()));
      assert.ok(error instanceof OutcomeUnknownError);
      assert.ok(error instanceof UpstreamUnavailableError);
      assert.equal(error.outcomeUnknown, true);
      assert.equal(errorCode(error), 'UPSTREAM_UNAVAILABLE');
      assert.equal(vendor.requests.length, 1);
      assert.deepEqual(delays, []);
      assert.deepEqual(await retryCounts(metrics), {});
    });

    it('retries a POST marked idempotent', async () => {
      const { http, delays } = harness();
      vendor.script({ status: 500 }, { status: 201, body: { id: 1 } });
      const response = await http.call({ ...createThing, idempotent: true }, scope());
      assert.equal(response.status, 201);
      assert.equal(vendor.requests.length, 2);
      assert.deepEqual(delays, [100]);
      assert.equal(vendor.requests[0]?.body, vendor.requests[1]?.body);
    });

    it('does not retry a GET marked non-idempotent', async () => {
      const { http } = harness();
      vendor.script({ status: 500 }, { status: 200, body: {} });
      const error = await failure(http.call({ ...getThing, idempotent: false }, scope()));
      assert.ok(error instanceof OutcomeUnknownError);
      assert.equal(vendor.requests.length, 1);
    });

    it('retries PUT and DELETE by default', async () => {
      const { http } = harness();
      vendor.script({ status: 503 }, { status: 200, body: {} }, { status: 503 }, { status: 204 });
      await http.call({ operation: 'putThing', method: 'PUT', path: '/things/42', body: { a: 1 } }, scope());
      await http.call({ operation: 'deleteThing', method: 'DELETE', path: '/things/42' }, scope());
      assert.deepEqual(
        vendor.requests.map((r) => r.method),
        ['PUT', 'PUT', 'DELETE', 'DELETE'],
      );
    });

    it('does not retry a PATCH by default (documented: idempotent defaults to false for it)', async () => {
      const { http } = harness();
      vendor.script({ status: 503 }, { status: 503 }, { status: 503 });
      const error = await failure(
        http.call({ operation: 'patchThing', method: 'PATCH', path: '/things/42', body: { a: 1 } }, scope()),
      );
      assert.equal(vendor.requests.length, 1);
      assert.ok(error instanceof OutcomeUnknownError);
    });

    it('honours Retry-After on a 503', async () => {
      const { http, delays } = harness();
      vendor.script({ status: 503, headers: { 'retry-after': '2' } }, { status: 200, body: {} });
      await http.call(getThing, scope());
      assert.deepEqual(delays, [2000]);
      assert.equal(vendor.requests.length, 2);
    });
  });

  describe('timeouts', () => {
    it('retries a GET that times out, then fails with UPSTREAM_UNAVAILABLE naming the timeout', async () => {
      const { http, metrics, delays } = harness({ timeoutMs: 80 });
      vendor.script({ delayMs: 300, body: {} }, { delayMs: 300, body: {} }, { delayMs: 300, body: {} });
      const started = Date.now();
      const error = await failure(http.call(getThing, scope()));
      assert.ok(error instanceof UpstreamUnavailableError);
      assert.ok(!(error instanceof OutcomeUnknownError));
      assert.equal(errorCode(error), 'UPSTREAM_UNAVAILABLE');
      assert.match(error.message, /timed out after 80 ms/);
      assert.equal(vendor.requests.length, 3);
      assert.deepEqual(delays, [100, 200]);
      assert.deepEqual(await requestCounts(metrics), { 'getThing:timeout': 3 });
      assert.deepEqual(await retryCounts(metrics), { 'getThing:timeout': 2 });
      assert.ok(Date.now() - started < 800, 'each attempt is cut at the timeout');
    });

    it('times out a POST once: one request, OutcomeUnknownError', async () => {
      const { http, metrics } = harness({ timeoutMs: 80 });
      vendor.script({ delayMs: 300, status: 201, body: {} }, { status: 201, body: {} });
      const error = await failure(http.call(createThing, scope()));
      assert.ok(error instanceof OutcomeUnknownError);
      assert.equal(errorCode(error), 'UPSTREAM_UNAVAILABLE');
      assert.match(error.message, /\(timed out after 80 ms\)/);
      assert.equal(vendor.requests.length, 1);
      assert.deepEqual(await requestCounts(metrics), { 'createThing:timeout': 1 });
    });

    it('covers the body too: headers at once, body too late, is a timeout and is retried', async () => {
      const { http, metrics } = harness({ timeoutMs: 80 });
      vendor.script({ bodyDelayMs: 300, body: { late: true } }, { body: { late: false } });
      const response = await http.call(getThing, scope());
      assert.deepEqual(response.body, { late: false });
      assert.equal(vendor.requests.length, 2);
      assert.deepEqual(await requestCounts(metrics), { 'getThing:timeout': 1, 'getThing:200': 1 });
    });
  });

  describe('429 and Retry-After', () => {
    it('waits Retry-After seconds, then succeeds', async () => {
      const { http, delays, metrics } = harness();
      vendor.script({ status: 429, headers: { 'retry-after': '1' } }, { status: 200, body: { ok: true } });
      const response = await http.call(getThing, scope());
      assert.deepEqual(response.body, { ok: true });
      assert.deepEqual(delays, [1000]);
      assert.equal(vendor.requests.length, 2);
      assert.deepEqual(await requestCounts(metrics), { 'getThing:429': 1, 'getThing:200': 1 });
      assert.deepEqual(await retryCounts(metrics), { 'getThing:429': 1 });
    });

    it('retries a 429 even for a POST: the vendor did nothing', async () => {
      const { http, delays } = harness();
      vendor.script({ status: 429, headers: { 'retry-after': '1' } }, { status: 201, body: { id: 9 } });
      const response = await http.call(createThing, scope());
      assert.equal(response.status, 201);
      assert.deepEqual(delays, [1000]);
      assert.equal(vendor.requests.length, 2);
    });

    it('accepts Retry-After as an HTTP date', async () => {
      const { http, delays } = harness();
      const at = new Date(Date.now() + 3_000).toUTCString();
      vendor.script({ status: 429, headers: { 'retry-after': at } }, { status: 200, body: {} });
      await http.call(getThing, scope());
      assert.equal(vendor.requests.length, 2);
      assert.equal(delays.length, 1);
      // The date has whole-second resolution: 2–3 s away.
      assert.ok(delays[0]! > 1_000 && delays[0]! <= 3_000, `delay ${delays[0]}`);
    });

    it('does not wait for a Retry-After beyond maxRetryAfterMs: RATE_LIMITED with retryAfterSeconds', async () => {
      const { http, delays, metrics } = harness();
      vendor.script({ status: 429, headers: { 'retry-after': '120' } }, { status: 200, body: {} });
      const error = await failure(http.call(getThing, scope()));
      assert.ok(error instanceof RateLimitedError);
      assert.equal(errorCode(error), 'RATE_LIMITED');
      assert.equal(error.retryAfterSeconds, 120);
      assert.equal(error.extensions.retryAfterSeconds, 120);
      assert.match(error.message, /retry in 120 s/);
      assert.equal(vendor.requests.length, 1);
      assert.deepEqual(delays, []);
      assert.deepEqual(await retryCounts(metrics), {});
    });

    it('gives up with RATE_LIMITED when every attempt is a 429', async () => {
      const { http, delays } = harness();
      vendor.script({ status: 429 }, { status: 429 }, { status: 429 }, { status: 200, body: {} });
      const error = await failure(http.call(createThing, scope()));
      assert.ok(error instanceof RateLimitedError);
      assert.equal(error.retryAfterSeconds, undefined);
      assert.equal(vendor.requests.length, 3);
      // No Retry-After: ordinary backoff.
      assert.deepEqual(delays, [100, 200]);
    });

    it('ignores a Retry-After that is neither delta-seconds nor an HTTP date', async () => {
      const { http, delays } = harness();
      vendor.script({ status: 429, headers: { 'retry-after': '1.5' } }, { status: 200, body: {} });
      await http.call(getThing, scope());
      assert.equal(vendor.requests.length, 2);
      assert.notDeepEqual(delays, [0], 'a malformed Retry-After must not turn into an immediate retry');
    });
  });

  describe('the operation deadline', () => {
    it('shrinks the per-attempt timeout to the time left and does not retry past the deadline', async () => {
      const { http, delays, metrics } = harness({ timeoutMs: 1_000, realSleep: true });
      vendor.script({ delayMs: 300, body: {} }, { delayMs: 300, body: {} }, { delayMs: 300, body: {} });
      const started = Date.now();
      const error = await failure(http.call(getThing, scope(150)));
      const elapsed = Date.now() - started;
      assert.ok(error instanceof UpstreamUnavailableError);
      assert.match(error.message, /timed out after (1[0-4]\d|150) ms/);
      assert.ok(elapsed < 400, `took ${elapsed} ms`);
      assert.equal(vendor.requests.length, 1);
      assert.deepEqual(delays, []);
      assert.deepEqual(await requestCounts(metrics), { 'getThing:timeout': 1 });
    });

    it('stops retrying once the next backoff would end past the deadline', async () => {
      const { http, delays } = harness({ timeoutMs: 1_000, realSleep: true, random: () => 1 });
      vendor.script({ status: 503 }, { status: 503 }, { status: 503 });
      const started = Date.now();
      // First backoff (100 ms) fits in 300 ms; the second (200 ms), starting after ≥ 100 ms, cannot.
      const error = await failure(http.call(getThing, scope(300)));
      const elapsed = Date.now() - started;
      assert.ok(error instanceof UpstreamUnavailableError);
      assert.match(error.message, /HTTP 503/);
      assert.equal(vendor.requests.length, 2);
      assert.deepEqual(delays, [100]);
      assert.ok(elapsed < 300, `took ${elapsed} ms`);
    });

    it('does not wait for a Retry-After that ends past the deadline', async () => {
      const { http, delays } = harness();
      vendor.script({ status: 429, headers: { 'retry-after': '2' } }, { status: 200, body: {} });
      const error = await failure(http.call(getThing, scope(1_000)));
      assert.ok(error instanceof RateLimitedError);
      assert.equal(error.retryAfterSeconds, 2);
      assert.equal(vendor.requests.length, 1);
      assert.deepEqual(delays, []);
    });

    it('fails without any request when the deadline has already passed', async () => {
      const { http, metrics } = harness();
      vendor.script({ status: 200, body: {} });
      const error = await failure(http.call(getThing, { requestId: 'late', deadline: Date.now() - 1 }));
      assert.ok(error instanceof UpstreamUnavailableError);
      assert.match(error.message, /deadline/);
      assert.equal(vendor.requests.length, 0);
      assert.deepEqual(await requestCounts(metrics), {});
    });
  });

  describe('connection failures', () => {
    it('retries a refused connection, even for a POST, then fails with UPSTREAM_UNAVAILABLE', async () => {
      const port = await closedPort();
      const { http, delays, metrics } = harness({ baseUrl: `http://127.0.0.1:${port}` });
      const error = await failure(http.call(createThing, scope()));
      assert.ok(error instanceof UpstreamUnavailableError);
      assert.ok(!(error instanceof OutcomeUnknownError), 'a refused connection was never sent');
      assert.match(error.message, /connection refused/);
      assert.deepEqual(delays, [100, 200]);
      assert.deepEqual(await requestCounts(metrics), { 'createThing:network_error': 3 });
      assert.deepEqual(await retryCounts(metrics), { 'createThing:network_error': 2 });
    });

    it('retries a GET whose socket is destroyed mid-response (Content-Length)', async () => {
      const { http, metrics } = harness();
      vendor.script({ destroy: 'mid-body', body: { truncated: 'xxxxxxxxxxxxxxxx' } }, { body: { ok: 1 } });
      const response = await http.call(getThing, scope());
      assert.deepEqual(response.body, { ok: 1 });
      assert.equal(vendor.requests.length, 2);
      assert.deepEqual(await requestCounts(metrics), { 'getThing:network_error': 1, 'getThing:200': 1 });
    });

    it('retries a GET whose socket is destroyed mid-response (chunked)', async () => {
      const { http, metrics } = harness();
      vendor.script(
        { destroy: 'mid-body', chunked: true, body: { truncated: 'xxxxxxxxxxxxxxxx' } },
        { body: { ok: 2 } },
      );
      const response = await http.call(getThing, scope());
      assert.deepEqual(response.body, { ok: 2 });
      assert.equal(vendor.requests.length, 2);
      assert.deepEqual(await requestCounts(metrics), { 'getThing:network_error': 1, 'getThing:200': 1 });
    });

    it('retries a GET whose socket is destroyed before any answer', async () => {
      const { http } = harness();
      vendor.script({ destroy: 'before-response' }, { body: { ok: 3 } });
      const response = await http.call(getThing, scope());
      assert.deepEqual(response.body, { ok: 3 });
      assert.equal(vendor.requests.length, 2);
    });

    it('does not retry a POST whose socket is destroyed after it was sent', async () => {
      const { http, metrics } = harness();
      vendor.script({ destroy: 'before-response' }, { status: 201, body: {} });
      const error = await failure(http.call(createThing, scope()));
      assert.ok(error instanceof OutcomeUnknownError);
      assert.match(error.message, /\(connection failed\)/);
      assert.equal(vendor.requests.length, 1);
      assert.deepEqual(await requestCounts(metrics), { 'createThing:network_error': 1 });
    });
  });

  describe('bodies that are not what they seem', () => {
    it('fails a 2xx whose body is not JSON with UPSTREAM_BAD_RESPONSE, without retrying', async () => {
      const { http, metrics } = harness();
      vendor.script({ status: 200, body: '<html>oops</html>' }, { status: 200, body: {} });
      const error = await failure(http.call(getThing, scope()));
      assert.ok(error instanceof UpstreamBadResponseError);
      assert.equal(errorCode(error), 'UPSTREAM_BAD_RESPONSE');
      assert.ok(!error.message.includes('oops'), 'no vendor body in a client-facing message');
      assert.equal(vendor.requests.length, 1);
      assert.deepEqual(await requestCounts(metrics), { 'getThing:200': 1 });
    });

    it('returns a 4xx with a non-JSON body with body undefined', async () => {
      const { http } = harness();
      vendor.script({ status: 404, body: 'Not Found', headers: { 'content-type': 'text/plain' } });
      const response = await http.call(getThing, scope());
      assert.equal(response.status, 404);
      assert.equal(response.body, undefined);
      assert.equal(vendor.requests.length, 1);
    });

    it('returns a 4xx JSON answer as is, without retrying', async () => {
      const { http, delays, metrics } = harness();
      const problem = { error: 'invalid', fields: [{ name: 'qty', message: 'must be positive' }] };
      vendor.script({ status: 422, body: problem }, { status: 200, body: {} });
      const response = await http.call(createThing, scope());
      assert.equal(response.status, 422);
      assert.deepEqual(response.body, problem);
      assert.equal(vendor.requests.length, 1);
      assert.deepEqual(delays, []);
      assert.deepEqual(await requestCounts(metrics), { 'createThing:422': 1 });
    });
  });

  describe('metrics', () => {
    it('counts one request per attempt and one retry per retry, in the Prometheus text', async () => {
      const { http, metrics } = harness();
      vendor.script({ status: 503 }, { status: 503 }, { status: 200, body: {} });
      await http.call(getThing, scope());
      const requests = await metrics.registry.getSingleMetricAsString('gateway_vendor_requests_total');
      assert.match(
        requests,
        /gateway_vendor_requests_total\{vendor="test_vendor",operation="getThing",status="503"\} 2(\n|$)/,
      );
      assert.match(
        requests,
        /gateway_vendor_requests_total\{vendor="test_vendor",operation="getThing",status="200"\} 1(\n|$)/,
      );
      const retries = await metrics.registry.getSingleMetricAsString('gateway_vendor_retries_total');
      assert.match(
        retries,
        /gateway_vendor_retries_total\{vendor="test_vendor",operation="getThing",reason="503"\} 2(\n|$)/,
      );
      const duration = await metrics.registry.getSingleMetricAsString(
        'gateway_vendor_request_duration_seconds',
      );
      assert.match(
        duration,
        /gateway_vendor_request_duration_seconds_count\{vendor="test_vendor",operation="getThing"\} 3(\n|$)/,
      );
      assert.equal(vendor.requests.length, 3);
    });
  });

  describe('secrets and logs', () => {
    it('never puts the credential in a log line or an error, and logs every attempt with the request id', async () => {
      const { http, logs, rawLogs } = harness({ timeoutMs: 80 });
      const port = await closedPort();
      const refused = harness({ baseUrl: `http://127.0.0.1:${port}` });
      vendor.script(
        { status: 503, body: { echo: 'nothing' } },
        { status: 200, body: {} },
        { status: 500 }, // POST: outcome unknown
        { delayMs: 300, body: {} }, // POST timeout
        { status: 429, headers: { 'retry-after': '600' } },
        { status: 200, body: 'not json' },
      );
      const callScope = scope();
      await http.call(getThing, callScope);
      const errors = [
        await failure(http.call(createThing, callScope)),
        await failure(http.call(createThing, callScope)),
        await failure(http.call(getThing, callScope)),
        await failure(http.call(getThing, callScope)),
        await failure(refused.http.call(getThing, callScope)),
        await failure(http.call(getThing, { requestId: callScope.requestId, deadline: 0 })),
      ];
      // Positive control: the secret did travel, on the wire.
      assert.ok(vendor.requests.every((r) => r.headers['x-api-key'] === SECRET));
      assert.equal(vendor.requests.length, 6);

      for (const error of errors) {
        assert.ok(error instanceof GraphQLError);
        assert.ok(!error.message.includes(SECRET), error.message);
        assert.ok(!JSON.stringify(error).includes(SECRET));
        assert.ok(!String(error.stack).includes(SECRET));
      }
      const allLogs = [...rawLogs, ...refused.rawLogs].join('');
      assert.ok(!allLogs.includes(SECRET), 'secret in the logs');

      // One line per attempt (2 + 1 + 1 + 1 + 1 here, 3 refused there), each with the request id.
      assert.equal(logs.length, 6);
      assert.equal(refused.logs.length, 3);
      for (const line of [...logs, ...refused.logs]) {
        assert.equal(line.requestId, callScope.requestId);
        assert.equal(line.vendor, VENDOR);
        assert.equal(line.msg, 'vendor call');
      }
      assert.deepEqual(
        logs.map((l) => [l.operation, l.status, l.attempt]),
        [
          ['getThing', '503', 1],
          ['getThing', '200', 2],
          ['createThing', '500', 1],
          ['createThing', 'timeout', 1],
          ['getThing', '429', 1],
          ['getThing', '200', 1],
        ],
      );
    });
  });

  describe('keep-alive', () => {
    let own: FakeVendor;
    before(async () => {
      own = await FakeVendor.start();
    });
    beforeEach(() => own.reset());
    after(async () => {
      await own.close();
    });

    it('reuses one TCP connection for sequential calls, without leaking socket listeners', async () => {
      const warnings: Error[] = [];
      const onWarning = (warning: Error): void => {
        warnings.push(warning);
      };
      process.on('warning', onWarning);
      try {
        const { http } = harness({ baseUrl: own.baseUrl });
        const calls = 15;
        for (let i = 0; i < calls; i++) own.script({ status: 200, body: { i } });
        for (let i = 0; i < calls; i++) {
          const response = await http.call(
            { operation: 'getThing', method: 'GET', path: `/things/${i}` },
            scope(),
          );
          assert.deepEqual(response.body, { i });
        }
        // Warnings are emitted on the next tick.
        await new Promise((resolve) => setImmediate(resolve));
        assert.equal(own.requests.length, calls);
        // undici hands the body over a moment before it puts the connection back in the pool, so the second call
        // may open a second connection; from then on the two are reused (node-fetch reuses its one).
        assert.ok(own.connections <= 2, `${calls} sequential calls opened ${own.connections} connections`);
        assert.deepEqual(
          warnings.map((w) => w.name),
          [],
        );
      } finally {
        process.off('warning', onWarning);
      }
    });

    it('opens a fresh connection after a timeout killed the pooled one', async () => {
      const { http } = harness({ baseUrl: own.baseUrl, timeoutMs: 80, retry: { maxAttempts: 1 } });
      own.script({ body: { a: 1 } }, { delayMs: 300, body: {} }, { body: { a: 2 } });
      await http.call(getThing, scope());
      await failure(http.call(getThing, scope()));
      const response = await http.call(getThing, scope());
      assert.deepEqual(response.body, { a: 2 });
      assert.equal(own.requests.length, 3);
      // The timed-out connection was destroyed, never reused: at least one more was opened.
      assert.ok(own.connections >= 2, `saw ${own.connections} connections`);
    });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');

  it('reads delta-seconds', () => {
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter('0', now), 0);
    assert.equal(parseRetryAfter(' 3 ', now), 3_000);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    assert.equal(parseRetryAfter('Sat, 01 Mar 2025 12:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Sat, 01 Mar 2025 11:59:00 GMT', now), 0);
  });

  it('ignores garbage, empty and absent values', () => {
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter('', now), undefined);
    assert.equal(parseRetryAfter('   ', now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
  });

  it('ignores values V8 would still parse as a date', () => {
    assert.equal(parseRetryAfter('1.5', now), undefined);
    assert.equal(parseRetryAfter('-1', now), undefined);
    assert.equal(parseRetryAfter('wait 5', now), undefined);
  });
});
