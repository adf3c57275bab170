import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { GraphQLError } from 'graphql';
import { UpstreamUnavailableError } from '../../src/errors/gateway-errors.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import type { Metrics } from '../../src/metrics.js';
import { OutcomeUnknownError, VendorHttp } from '../../src/vendors/http.js';
import type { CallScope, VendorCall, VendorHttpOptions } from '../../src/vendors/http.js';
import { DEFAULT_RETRY_BUDGET, RetryBudget } from '../../src/vendors/resilience.js';
import type { Transport, TransportRequest, TransportResponse } from '../../src/vendors/transport.js';

const VENDOR = 'test_vendor';
const SECRET = 'sk_live_breaker-secret-must-not-leak-4410';

/** What the fake vendor does with one request: answer with a status, or fail like a network would. */
type Behaviour = number | 'timeout' | 'reset' | 'refused' | (() => Promise<number>);

/** An in-memory transport: no sockets, every request recorded, answers decided by a function of the call count. */
class FakeTransport implements Transport {
  readonly requests: TransportRequest[] = [];
  constructor(public behave: (n: number, request: TransportRequest) => Behaviour) {}

  async send(request: TransportRequest): Promise<TransportResponse> {
    this.requests.push(request);
    let behaviour = this.behave(this.requests.length, request);
    if (typeof behaviour === 'function') behaviour = await behaviour();
    if (behaviour === 'timeout') {
      return new Promise((_resolve, reject) => {
        request.signal.addEventListener('abort', () => reject(new Error('aborted')));
      });
    }
    if (behaviour === 'reset') throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    if (behaviour === 'refused') throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    const status = behaviour;
    return {
      status,
      header: () => null,
      text: () => Promise.resolve(status === 204 ? '' : JSON.stringify({ status })),
    };
  }

  close(): void {}
}

interface Harness {
  http: VendorHttp;
  transport: FakeTransport;
  metrics: Metrics;
  logs: Record<string, unknown>[];
  rawLogs: string[];
}

function harness(
  behave: (n: number, request: TransportRequest) => Behaviour,
  options: Partial<VendorHttpOptions> = {},
): Harness {
  const transport = new FakeTransport(behave);
  const metrics = createMetrics();
  const logs: Record<string, unknown>[] = [];
  const rawLogs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      rawLogs.push(chunk.toString());
      for (const line of chunk
        .toString()
        .split('\n')
        .filter((l) => l.trim() !== '')) {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  const http = new VendorHttp({
    vendor: VENDOR,
    displayName: 'Test Vendor',
    baseUrl: 'http://vendor.invalid/api',
    headers: { authorization: `Bearer ${SECRET}` },
    timeoutMs: 200,
    transport,
    metrics,
    logger: createLogger('info', stream),
    sleep: () => Promise.resolve(),
    random: () => 0.5,
    ...options,
  });
  return { http, transport, metrics, logs, rawLogs };
}

const getThing: VendorCall = { operation: 'getThing', method: 'GET', path: '/things/1' };
const createThing: VendorCall = { operation: 'createThing', method: 'POST', path: '/things', body: {} };
const scope = (): CallScope => ({ requestId: 'req-resilience', deadline: Date.now() + 10_000 });

async function failure(promise: Promise<unknown>): Promise<GraphQLError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GraphQLError, `expected a GraphQLError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

async function counter(metrics: Metrics, name: string): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  assert.ok(metric, name);
  return (await metric.get()).values.reduce((sum, { value }) => sum + value, 0);
}

async function circuitGauge(metrics: Metrics): Promise<number | undefined> {
  const values = (await metrics.vendorCircuitState.get()).values;
  return values.find((entry) => entry.labels.vendor === VENDOR)?.value;
}

const never = { failureThreshold: 1_000_000 };
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('RetryBudget', () => {
  it('starts full, spends one token per retry and refuses when empty', () => {
    const budget = new RetryBudget({ ratio: 0.1, minPerSecond: 0, capacity: 3, now: () => 0 });
    assert.deepEqual(
      Array.from({ length: 4 }, () => budget.tryRetry()),
      [true, true, true, false],
    );
  });

  it('earns one retry per ten first attempts, never above its capacity', () => {
    const budget = new RetryBudget({ ratio: 0.1, minPerSecond: 0, capacity: 2, now: () => 0 });
    while (budget.tryRetry());
    for (let i = 0; i < 9; i++) budget.recordFirstAttempt();
    assert.equal(budget.tryRetry(), false, 'nine first attempts earn 0.9 of a retry');
    budget.recordFirstAttempt();
    assert.equal(budget.tryRetry(), true);
    assert.equal(budget.tryRetry(), false);
    for (let i = 0; i < 1_000; i++) budget.recordFirstAttempt();
    assert.equal(budget.balance, 2);
  });

  it('refills at the floor rate with time, so a quiet gateway can still retry', () => {
    let now = 0;
    const budget = new RetryBudget({ ratio: 0.1, minPerSecond: 0.5, capacity: 10, now: () => now });
    while (budget.tryRetry());
    now += 1_000;
    assert.equal(budget.tryRetry(), false, 'half a token after one second');
    now += 1_000;
    assert.equal(budget.tryRetry(), true);
    now += 3_600_000;
    assert.equal(budget.balance, 10);
  });
});

describe('VendorHttp retry budget', () => {
  it('keeps a sustained outage to ~1.1x the first attempts, not 3x', async (t) => {
    const first = 1_000;
    const { http, transport, metrics } = harness(() => 503, {
      breaker: never,
      retry: { maxAttempts: 3 },
      retryBudget: { now: () => 0 },
    });
    // In waves of concurrent requests: the budget is the vendor's, shared by all of them.
    for (let wave = 0; wave < first / 50; wave++) {
      const errors = await Promise.all(
        Array.from({ length: 50 }, () => failure(http.call(getThing, scope()))),
      );
      for (const error of errors) assert.equal(error.extensions.code, 'UPSTREAM_UNAVAILABLE');
    }
    const calls = transport.requests.length;
    const bound = first * (1 + DEFAULT_RETRY_BUDGET.ratio) + DEFAULT_RETRY_BUDGET.capacity;
    t.diagnostic(`${calls} upstream calls for ${first} first attempts`);
    assert.ok(calls <= bound, `${calls} upstream calls for ${first} first attempts (bound ${bound})`);
    // Positive control: the budget did allow retries, and refused the rest.
    assert.ok(calls >= first * 1.09, `${calls} calls: the budget should have allowed ~10% retries`);
    assert.equal(await counter(metrics, 'gateway_vendor_retries_total'), calls - first);
    assert.ok((await counter(metrics, 'gateway_vendor_retries_denied_total')) > first * 0.8);
  });

  it('lets a healthy vendor retry its occasional failure, and counts 429 retries too', async () => {
    const { http, transport } = harness((n) => (n % 2 === 1 ? 429 : 200), {
      breaker: never,
      retryBudget: { capacity: 2, minPerSecond: 0, now: () => 0 },
    });
    for (let i = 0; i < 2; i++) await http.call(getThing, scope());
    assert.equal(transport.requests.length, 4, 'two calls, each retried once');
    const error = await failure(http.call(getThing, scope()));
    assert.equal(error.extensions.code, 'RATE_LIMITED');
    assert.equal(transport.requests.length, 5, 'the budget is spent: no third retry');
  });
});

describe('VendorHttp circuit breaker', () => {
  it('opens after consecutive failures and then fails fast without calling the vendor', async () => {
    const { http, transport, metrics, logs, rawLogs } = harness(() => 503, {
      breaker: { failureThreshold: 3, halfOpenAfterMs: 60_000 },
      retry: { maxAttempts: 1 },
    });
    assert.equal(await circuitGauge(metrics), 0);
    for (let i = 0; i < 3; i++) await failure(http.call(getThing, scope()));
    assert.equal(transport.requests.length, 3);
    assert.equal(await circuitGauge(metrics), 2);

    for (const call of [getThing, createThing]) {
      const error = await failure(http.call(call, scope()));
      assert.ok(error instanceof UpstreamUnavailableError);
      assert.ok(
        !(error instanceof OutcomeUnknownError),
        'a call that never left cannot have reached the vendor',
      );
      assert.equal(error.extensions.code, 'UPSTREAM_UNAVAILABLE');
      assert.match(error.message, /^Test Vendor is unavailable \(circuit open/);
    }
    assert.equal(transport.requests.length, 3, 'no upstream call while open');
    assert.equal(await counter(metrics, 'gateway_vendor_short_circuits_total'), 2);
    const opened = logs.filter((line) => line.msg === 'vendor circuit opened: calls fail fast');
    assert.deepEqual(
      opened.map(({ vendor, circuit, reason }) => ({ vendor, circuit, reason })),
      [{ vendor: VENDOR, circuit: 'open', reason: 'HTTP 503' }],
    );
    assert.ok(!rawLogs.join('').includes(SECRET));
  });

  it('counts timeouts and connection errors; a retried GET stops retrying once it opens', async () => {
    const failures: Behaviour[] = ['timeout', 'reset', 'refused'];
    const { http, transport } = harness((n) => failures[(n - 1) % 3]!, {
      breaker: { failureThreshold: 3, halfOpenAfterMs: 60_000 },
      retry: { maxAttempts: 5 },
      timeoutMs: 20,
    });
    const error = await failure(http.call(getThing, scope()));
    assert.match(error.message, /circuit open/);
    assert.equal(transport.requests.length, 3, 'the fourth attempt failed fast');
  });

  it('half-opens after the delay: one probe goes through, others fail fast, success closes it', async () => {
    let release: (status: number) => void = () => {};
    let healthy = false;
    const { http, transport, metrics, logs } = harness(
      () => (healthy ? () => new Promise<number>((resolve) => (release = resolve)) : 500),
      { breaker: { failureThreshold: 2, halfOpenAfterMs: 50 }, retry: { maxAttempts: 1 } },
    );
    for (let i = 0; i < 2; i++) await failure(http.call(getThing, scope()));
    assert.equal(await circuitGauge(metrics), 2);
    await pause(100);

    healthy = true;
    const probe = http.call(getThing, scope());
    // Let the probe reach the transport.
    while (transport.requests.length < 3) await pause(1);
    assert.equal(await circuitGauge(metrics), 1);
    const during = await failure(http.call(getThing, scope()));
    assert.match(during.message, /circuit open/);
    assert.equal(transport.requests.length, 3, 'only the probe went upstream');

    release(200);
    assert.equal((await probe).status, 200);
    assert.equal(await circuitGauge(metrics), 0);
    release = () => {};
    const after = http.call(getThing, scope());
    while (transport.requests.length < 4) await pause(1);
    release(200);
    assert.equal((await after).status, 200);
    assert.deepEqual(
      logs.filter((line) => typeof line.circuit === 'string').map((line) => line.circuit),
      ['open', 'half-open', 'closed'],
    );
  });

  it('a failed probe opens it again for another delay', async () => {
    const { http, transport } = harness(() => 502, {
      breaker: { failureThreshold: 1, halfOpenAfterMs: 50 },
      retry: { maxAttempts: 1 },
    });
    await failure(http.call(getThing, scope()));
    await pause(100);
    const probe = await failure(http.call(getThing, scope()));
    assert.match(probe.message, /HTTP 502/);
    const after = await failure(http.call(getThing, scope()));
    assert.match(after.message, /circuit open/);
    assert.equal(transport.requests.length, 2);
  });

  it('is not tripped by 4xx or 429 answers: the vendor is up', async () => {
    const statuses = [400, 404, 409, 422, 429];
    const { http, transport, metrics } = harness((n) => statuses[(n - 1) % statuses.length]!, {
      breaker: { failureThreshold: 2, halfOpenAfterMs: 60_000 },
      retry: { maxAttempts: 1 },
    });
    for (let i = 0; i < 20; i++) {
      try {
        await http.call(getThing, scope());
      } catch (error) {
        assert.equal((error as GraphQLError).extensions.code, 'RATE_LIMITED');
      }
    }
    assert.equal(transport.requests.length, 20);
    assert.equal(await circuitGauge(metrics), 0);
    assert.equal(await counter(metrics, 'gateway_vendor_short_circuits_total'), 0);
  });

  it('a success in between resets the count: only consecutive failures open it', async () => {
    const { http, transport } = harness((n) => (n % 3 === 0 ? 200 : 503), {
      breaker: { failureThreshold: 3, halfOpenAfterMs: 60_000 },
      retry: { maxAttempts: 1 },
    });
    for (let i = 0; i < 30; i++) await http.call(getThing, scope()).catch(() => undefined);
    assert.equal(transport.requests.length, 30);
  });

  it('still never repeats a write that may have reached the vendor', async () => {
    const { http, transport } = harness(() => 'timeout', {
      breaker: { failureThreshold: 5, halfOpenAfterMs: 60_000 },
      timeoutMs: 20,
    });
    const error = await failure(http.call(createThing, scope()));
    assert.ok(error instanceof OutcomeUnknownError);
    assert.equal(transport.requests.length, 1);
  });

  it('does not hold a timeout against the vendor when our own event loop was stalled through it', async () => {
    // The gateway's own CPU-bound work (here a busy loop right after the request left) keeps it from reading an
    // answer that may be sitting in the socket: the attempt times out, but that is not the vendor's fault.
    const stallFor = (ms: number): Behaviour => {
      const end = performance.now() + ms;
      while (performance.now() < end);
      return 'timeout';
    };
    const { http, transport, metrics, logs } = harness(() => stallFor(400), {
      breaker: { failureThreshold: 1, halfOpenAfterMs: 60_000 },
      retry: { maxAttempts: 1 },
      timeoutMs: 100,
    });
    for (let call = 0; call < 3; call++) await failure(http.call(getThing, scope()));
    assert.equal(transport.requests.length, 3, 'every call reached the vendor: the circuit stayed closed');
    assert.equal(await circuitGauge(metrics), 0);
    const overloaded = logs.filter((line) => typeof line.gatewayStalledMs === 'number');
    assert.equal(overloaded.length, 3);
    assert.ok(overloaded.every((line) => (line.gatewayStalledMs as number) >= 250));

    // The same vendor hanging while the gateway is idle is the vendor's fault: one timeout opens the circuit.
    transport.behave = () => 'timeout';
    await failure(http.call(getThing, scope()));
    assert.equal(await circuitGauge(metrics), 2);
  });

  it('does not hold an attempt cut short by the operation deadline against the vendor', async () => {
    const { http, transport, metrics } = harness(() => 'timeout', {
      breaker: { failureThreshold: 1, halfOpenAfterMs: 60_000 },
      retry: { maxAttempts: 1 },
      timeoutMs: 5_000,
    });
    await failure(http.call(getThing, { requestId: 'short', deadline: Date.now() + 30 }));
    assert.equal(await circuitGauge(metrics), 0);
    await failure(http.call(getThing, { requestId: 'short', deadline: Date.now() + 30 }));
    assert.equal(transport.requests.length, 2);
  });
});
