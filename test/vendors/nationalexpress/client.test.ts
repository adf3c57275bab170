import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import {
  RateLimitedError,
  UpstreamBadResponseError,
  UpstreamRejectedError,
  UpstreamUnavailableError,
} from '../../../src/errors/gateway-errors.js';
import { createLogger } from '../../../src/logger.js';
import { createMetrics } from '../../../src/metrics.js';
import { VendorHttp } from '../../../src/vendors/http.js';
import type { CallScope } from '../../../src/vendors/http.js';
import {
  NationalExpressClient,
  NationalExpressRequestError,
} from '../../../src/vendors/nationalexpress/client.js';
import { NE_TRACING_HEADER } from '../../../src/vendors/nationalexpress/contract.js';
import {
  SEEDED_ACCOUNT_ID,
  SEEDED_SUSPENDED_ACCOUNT_ID,
  SEEDED_UNLINKED_TICKET_REFERENCE,
  startNationalExpressSandbox,
} from '../../../src/vendors/nationalexpress/sandbox.js';
import type { NationalExpressSandbox } from '../../../src/vendors/nationalexpress/sandbox.js';
import { createTransport } from '../../../src/vendors/transport.js';
import type { Transport } from '../../../src/vendors/transport.js';

const API_KEY = 'ne-client-test-key';
const scope = (requestId = 'client-test'): CallScope => ({ requestId, deadline: Date.now() + 30_000 });

interface Harness {
  client: NationalExpressClient;
  logs: Record<string, unknown>[];
}

function harness(transport: Transport, baseUrl: string, apiKey = API_KEY): Harness {
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger('debug', sink);
  const http = new VendorHttp({
    vendor: 'national_express',
    displayName: 'National Express',
    baseUrl,
    headers: { authorization: `Bearer ${apiKey}` },
    timeoutMs: 2_000,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    transport,
    metrics: createMetrics(),
    logger,
    requestIdHeaders: ['x-request-id', NE_TRACING_HEADER],
  });
  return { client: new NationalExpressClient(http, logger), logs };
}

/** A vendor that answers every call with this status and body (tests of answers the sandbox never gives). */
function answering(status: number, body: unknown, headers: Record<string, string> = {}): Transport {
  return {
    send: () =>
      Promise.resolve({
        status,
        header: (name: string) => headers[name.toLowerCase()] ?? null,
        text: () => Promise.resolve(typeof body === 'string' ? body : JSON.stringify(body)),
      }),
    close: () => undefined,
  };
}

const envelope = (code: number, data: unknown, extra: Record<string, unknown> = {}) => ({
  code,
  message: code === 100000 ? 'Success' : 'Something: detail',
  data,
  ...extra,
  meta: { timestamp: '2026-06-10T12:00:00.000Z', version: '1.0', tracing: 'client-test' },
  links: {},
});

describe('National Express client: codes against the sandbox', () => {
  let sandbox: NationalExpressSandbox;
  const transport = createTransport();
  let ne: Harness;

  before(async () => {
    sandbox = await startNationalExpressSandbox({ apiKey: API_KEY });
    ne = harness(transport, sandbox.baseUrl);
  });
  after(async () => {
    transport.close();
    await sandbox.close();
  });

  it('reads an account, and logs the tracing id the vendor echoed next to our request id', async () => {
    const account = await ne.client.getAccount(SEEDED_ACCOUNT_ID, scope('trace-me-42'));
    assert.equal(account?.accountId, SEEDED_ACCOUNT_ID);
    const answer = ne.logs.find(
      (line) => line.msg === 'national express answer' && line.requestId === 'trace-me-42',
    );
    assert.deepEqual(answer && { operation: answer.operation, tracing: answer.tracing, code: answer.code }, {
      operation: 'getAccount',
      tracing: 'trace-me-42',
      code: 100000,
    });
  });

  it('answers 100404 as null (account, its tickets) or false (unlink of a ticket not linked)', async () => {
    assert.equal(await ne.client.getAccount('NXA-999999', scope()), null);
    assert.equal(await ne.client.listTickets('NXA-999999', {}, scope()), null);
    assert.equal(
      await ne.client.unlinkTicket(SEEDED_ACCOUNT_ID, SEEDED_UNLINKED_TICKET_REFERENCE, scope()),
      false,
    );
  });

  it('carries 100400 field messages and a 100403 on linking as request errors', async () => {
    await assert.rejects(
      ne.client.listAccounts({ status: 'asleep' as 'active' }, scope()),
      (error: unknown) =>
        error instanceof NationalExpressRequestError &&
        error.code === 100400 &&
        error.errors.some((detail) => detail.field === 'status'),
    );
    await assert.rejects(
      ne.client.linkTicket(SEEDED_SUSPENDED_ACCOUNT_ID, SEEDED_UNLINKED_TICKET_REFERENCE, scope()),
      (error: unknown) =>
        error instanceof NationalExpressRequestError &&
        error.code === 100403 &&
        error.errors[0]?.field === 'accountId',
    );
  });

  it('tells a new link (201) from a repeated one (200)', async () => {
    const first = await ne.client.linkTicket('NXA-100003', 'ATF-CLIENT0001-1', scope());
    const again = await ne.client.linkTicket('NXA-100003', 'ATF-CLIENT0001-1', scope());
    assert.deepEqual([first.created, again.created], [true, false]);
    assert.equal(again.link.linkedAt, first.link.linkedAt);
    assert.equal(await ne.client.unlinkTicket('NXA-100003', 'ATF-CLIENT0001-1', scope()), true);
  });

  it('maps 100503 to UPSTREAM_UNAVAILABLE, and retries a 100500', async () => {
    sandbox.setMaintenance(true);
    try {
      await assert.rejects(ne.client.getAccount(SEEDED_ACCOUNT_ID, scope()), UpstreamUnavailableError);
    } finally {
      sandbox.setMaintenance(false);
    }
    sandbox.failNext(1);
    assert.equal((await ne.client.getAccount(SEEDED_ACCOUNT_ID, scope()))?.accountId, SEEDED_ACCOUNT_ID);
    sandbox.failNext(3);
    await assert.rejects(ne.client.listAccounts({}, scope()), UpstreamUnavailableError);
  });

  it('maps 100401 (our token refused) to UPSTREAM_REJECTED', async () => {
    const wrong = harness(transport, sandbox.baseUrl, 'not-the-key');
    await assert.rejects(wrong.client.getAccount(SEEDED_ACCOUNT_ID, scope()), (error: unknown) => {
      assert.ok(error instanceof UpstreamRejectedError);
      assert.equal(error.extensions.status, 401);
      return true;
    });
  });
});

describe('National Express client: answers the sandbox never gives', () => {
  const base = 'http://vendor.invalid';

  it('maps 100403 on a read to UPSTREAM_REJECTED, not a request error', async () => {
    const ne = harness(answering(403, envelope(100403, null)), base);
    await assert.rejects(ne.client.getAccount(SEEDED_ACCOUNT_ID, scope()), UpstreamRejectedError);
    await assert.rejects(ne.client.listAccounts({}, scope()), UpstreamRejectedError);
    // On linking too, when it is not the account's status that refused.
    await assert.rejects(
      ne.client.linkTicket(SEEDED_ACCOUNT_ID, 'ATF-X00001-1', scope()),
      UpstreamRejectedError,
    );
  });

  it('maps a 2xx with another code than 100000, or without an envelope, to UPSTREAM_BAD_RESPONSE', async () => {
    for (const transport of [
      answering(200, envelope(100400, null)),
      answering(200, { accountId: SEEDED_ACCOUNT_ID }),
      answering(200, '<html>proxy</html>'),
      answering(200, envelope(100000, { accountId: 42 })),
      answering(200, envelope(100000, [], {})),
    ]) {
      const ne = harness(transport, base);
      await assert.rejects(ne.client.getAccount(SEEDED_ACCOUNT_ID, scope()), UpstreamBadResponseError);
    }
    // A list without its pagination is not a list.
    const listing = harness(answering(200, envelope(100000, [])), base);
    await assert.rejects(listing.client.listAccounts({}, scope()), UpstreamBadResponseError);
  });

  it('decides on the HTTP status only when the body is no envelope', async () => {
    await assert.rejects(
      harness(answering(401, '<html>login</html>'), base).client.getAccount('NXA-100001', scope()),
      UpstreamRejectedError,
    );
    // A proxy's 404 page is not "no such account": the base URL may be wrong.
    await assert.rejects(
      harness(answering(404, '<html>nope</html>'), base).client.getAccount('NXA-100001', scope()),
      UpstreamBadResponseError,
    );
  });

  it('maps 100429 to RATE_LIMITED (after HTTP 429 retries), and an unknown code to UPSTREAM_BAD_RESPONSE', async () => {
    const limited = harness(answering(429, envelope(100429, null), { 'retry-after': '60' }), base);
    await assert.rejects(limited.client.getAccount(SEEDED_ACCOUNT_ID, scope()), (error: unknown) => {
      assert.ok(error instanceof RateLimitedError);
      assert.equal(error.retryAfterSeconds, 60);
      return true;
    });
    // The code decides even when the HTTP status does not agree with it.
    await assert.rejects(
      harness(answering(400, envelope(100429, null)), base).client.getAccount('NXA-100001', scope()),
      RateLimitedError,
    );
    await assert.rejects(
      harness(answering(400, envelope(100503, null)), base).client.getAccount('NXA-100001', scope()),
      UpstreamUnavailableError,
    );
    await assert.rejects(
      harness(answering(400, envelope(100777, null)), base).client.getAccount('NXA-100001', scope()),
      UpstreamBadResponseError,
    );
  });
});
