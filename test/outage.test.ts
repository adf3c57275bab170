import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { VendorEndpoints } from '../src/config.js';
import type { Metrics } from '../src/metrics.js';
import { DEFAULT_RETRY_BUDGET } from '../src/vendors/resilience.js';
import { DOC_CUSTOMER_EMAIL } from '../src/vendors/partnerorders/sandbox-seed.js';
import { SEEDED_PARTNER_ID } from '../src/vendors/partnerportal/sandbox.js';
import type { FaultRule } from '../src/vendors/sandbox-faults.js';
import { clearFaults, setFaults } from './support/faults.js';
import { startStack } from './support/stack.js';
import type { GraphQLResponse, TestStack } from './support/stack.js';

/**
 * One vendor down at a time, through the real gateway over the real sandboxes: its fields come back null with an
 * UPSTREAM_UNAVAILABLE error at their path, and every other vendor's fields answer exactly as when all are up.
 */

type VendorKey = keyof VendorEndpoints;

/** The gateway's metric label of each vendor. */
const LABEL: Record<VendorKey, string> = {
  channelManager: 'channel_manager',
  partnerPortal: 'partner_portal',
  nfcTagify: 'nfc_tagify',
  nationalExpress: 'national_express',
  partnerOrders: 'partner_orders',
};

/** Makes every request to one sandbox fail, through its fault control route, as a real outage would. */
async function takeDown(stack: TestStack, vendor: VendorKey, fault: FaultRule): Promise<void> {
  await setFaults(stack[vendor].origin, [{ route: '*', ...fault }]);
}

async function bringBack(stack: TestStack, vendor: VendorKey): Promise<void> {
  await clearFaults(stack[vendor].origin);
}

const ALL_VENDORS = /* GraphQL */ `
  query AllVendors($partnerId: ID!, $preview: SubscriptionOrderInput!) {
    partner(id: $partnerId) {
      id
      name
      ticketOrders(first: 2) {
        nodes {
          id
          status
          items {
            itemNumber
            product {
              id
            }
          }
        }
      }
      portalOrders(first: 2) {
        nodes {
          id
          lines {
            sku
            product {
              id
            }
          }
        }
      }
    }
    order(id: "9c6b2f4e-2b71-4d23-9d6a-a3b4c5d6e7f8") {
      id
      status
      partner {
        id
      }
    }
    cardOrders(first: 2) {
      nodes {
        id
        status
        product {
          id
        }
      }
    }
    accounts(first: 2) {
      nodes {
        id
        tickets(first: 2) {
          nodes {
            referenceNumber
            account {
              id
            }
          }
        }
      }
    }
    subscriptionOrderPreview(input: $preview) {
      total {
        amount
        currency
      }
    }
    products(first: 3) {
      nodes {
        id
        vendor
      }
    }
  }
`;

const VARIABLES = {
  partnerId: SEEDED_PARTNER_ID,
  preview: {
    externalId: 'OUTAGE-1',
    customerEmail: DOC_CUSTOMER_EMAIL,
    customerName: 'Jane Doe',
    lines: [{ planId: 'plan-basic-monthly', quantity: 1 }],
  },
};

/** For each vendor: how it fails in this test, its name in errors, and the paths that must come back null. */
const OUTAGES: { vendor: VendorKey; display: string; fault: FaultRule; paths: string[][] }[] = [
  {
    vendor: 'channelManager',
    display: 'Channel Manager',
    fault: { status: 503 },
    paths: [['partner', 'ticketOrders'], ['order']],
  },
  {
    vendor: 'partnerPortal',
    display: 'PartnerPortal',
    fault: { reset: true },
    // The catalogue list needs both catalogues to place its cursors; the card orders' products do not.
    paths: [['partner'], ['order', 'partner'], ['products']],
  },
  {
    vendor: 'nfcTagify',
    display: 'NFC Tagify',
    fault: { timeout: true },
    paths: [['cardOrders'], ['products']],
  },
  { vendor: 'nationalExpress', display: 'National Express', fault: { status: 500 }, paths: [['accounts']] },
  {
    vendor: 'partnerOrders',
    display: 'Partner Orders',
    fault: { reset: true },
    paths: [['subscriptionOrderPreview']],
  },
];

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A copy of `data` with the value at each path replaced by null. */
function withNulls(data: unknown, paths: string[][]): unknown {
  const copy = structuredClone(data) as Record<string, unknown>;
  for (const path of paths) {
    let node = copy;
    for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
    node[path.at(-1)!] = null;
  }
  return copy;
}

function errorsByPath(response: GraphQLResponse): { path: string; code: unknown; vendor: unknown }[] {
  return (response.body.errors ?? [])
    .map((error) => ({
      path: (error.path ?? []).join('.'),
      code: error.extensions?.code,
      vendor: error.extensions?.vendor,
    }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

async function metricValue(metrics: Metrics, name: string, labels: Record<string, string>): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  assert.ok(metric, name);
  return (await metric.get()).values
    .filter((entry) => Object.entries(labels).every(([key, value]) => entry.labels[key] === value))
    .reduce((sum, entry) => sum + entry.value, 0);
}

function secretsOf(stack: TestStack): string[] {
  const { channelManager, partnerPortal, nfcTagify, nationalExpress, partnerOrders } = stack.endpoints;
  return [
    channelManager.apiKey,
    partnerPortal.apiKey,
    nfcTagify.apiKey,
    nationalExpress.apiKey,
    partnerOrders.clientSecret,
  ];
}

describe('one vendor down, the rest of the query answers', () => {
  let stack: TestStack;
  let healthy: unknown;

  /** The all-vendor query until it answers exactly as with every vendor up (the breaker's probe closes it). */
  async function untilHealthy(): Promise<void> {
    for (let tries = 0; tries < 100; tries++) {
      const response = await stack.gql(ALL_VENDORS, VARIABLES);
      if (response.body.errors === undefined) {
        assert.deepEqual(response.body.data, healthy);
        return;
      }
      await pause(50);
    }
    assert.fail('the gateway did not recover after the vendor came back');
  }

  before(async () => {
    stack = await startStack({
      seed: true,
      env: { VENDOR_TIMEOUT_MS: '300', VENDOR_BREAKER_HALF_OPEN_MS: '200' },
    });
    const response = await stack.gql(ALL_VENDORS, VARIABLES);
    assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
    healthy = response.body.data;
  });
  after(async () => {
    await stack.close();
  });

  it('answers every vendor’s fields when all are up (positive control)', () => {
    const data = healthy as Record<string, Record<string, unknown> | null>;
    for (const key of [
      'partner',
      'order',
      'cardOrders',
      'accounts',
      'subscriptionOrderPreview',
      'products',
    ]) {
      assert.ok(data[key], `${key} answered`);
    }
    const partner = data.partner as {
      ticketOrders: { nodes: unknown[] };
      portalOrders: { nodes: unknown[] };
    };
    assert.ok(partner.ticketOrders.nodes.length > 0);
    assert.ok(partner.portalOrders.nodes.length > 0);
  });

  for (const outage of OUTAGES) {
    const how = outage.fault.status ? `HTTP ${outage.fault.status}` : Object.keys(outage.fault).join();
    it(`${outage.display} down (${how}): its fields are null with UPSTREAM_UNAVAILABLE, the rest answers`, async () => {
      const labels = { vendor: LABEL[outage.vendor] };
      const asked = await metricValue(stack.gateway.metrics, 'gateway_vendor_requests_total', labels);
      await takeDown(stack, outage.vendor, outage.fault);
      try {
        const response = await stack.gql(ALL_VENDORS, VARIABLES);
        assert.equal(response.status, 200);
        assert.deepEqual(response.body.data, withNulls(healthy, outage.paths));
        assert.deepEqual(
          errorsByPath(response),
          outage.paths
            .map((path) => ({ path: path.join('.'), code: 'UPSTREAM_UNAVAILABLE', vendor: outage.display }))
            .sort((a, b) => (a.path < b.path ? -1 : 1)),
        );
        for (const error of response.body.errors ?? []) {
          assert.match(error.message, new RegExp(`^${outage.display} is unavailable \\(`));
        }
        assert.ok(
          (await metricValue(stack.gateway.metrics, 'gateway_vendor_requests_total', labels)) > asked,
          'the failing vendor was asked',
        );
        const body = JSON.stringify(response.body);
        for (const secret of secretsOf(stack)) assert.ok(!body.includes(secret));
      } finally {
        await bringBack(stack, outage.vendor);
      }
      await untilHealthy();
    });
  }
});

describe('a vendor that keeps failing', () => {
  let stack: TestStack;
  const ACCOUNTS = '{ accounts(first: 1) { nodes { id } } cardOrders(first: 1) { nodes { id } } }';

  before(async () => {
    stack = await startStack({
      seed: true,
      env: { VENDOR_BREAKER_FAILURES: '4', VENDOR_BREAKER_HALF_OPEN_MS: '300' },
    });
  });
  after(async () => {
    await stack.close();
  });

  it('opens its circuit: later calls fail fast without reaching it, shown in /metrics and the log; a probe closes it', async () => {
    const metrics = stack.gateway.metrics;
    const reached = (): Promise<number> =>
      metricValue(metrics, 'gateway_vendor_requests_total', { vendor: 'national_express' });
    await takeDown(stack, 'nationalExpress', { status: 503 });
    let reachedBeforeOpen = 0;
    for (let i = 0; i < 10; i++) {
      const response = await stack.gql(ACCOUNTS);
      assert.equal(response.body.data?.accounts, null);
      assert.ok(response.body.data?.cardOrders, 'NFC Tagify answers all along');
      assert.deepEqual(errorsByPath(response), [
        { path: 'accounts', code: 'UPSTREAM_UNAVAILABLE', vendor: 'National Express' },
      ]);
      if (i >= 2) assert.match(response.body.errors?.[0]?.message ?? '', /circuit open/);
      if (i === 2) reachedBeforeOpen = await reached();
    }
    // Four consecutive failures open it (a page may cost two calls at once, so one more can be in flight);
    // after that nothing reaches the vendor until the half-open delay.
    assert.ok(reachedBeforeOpen >= 4 && reachedBeforeOpen <= 5, `${reachedBeforeOpen} calls`);
    assert.equal(await reached(), reachedBeforeOpen);
    assert.ok(
      (await metricValue(metrics, 'gateway_vendor_short_circuits_total', { vendor: 'national_express' })) >=
        7,
    );
    const text = await (await fetch(`${stack.origin}/metrics`)).text();
    assert.match(text, /^gateway_vendor_circuit_state\{vendor="national_express"\} 2$/m);
    assert.match(text, /^gateway_vendor_circuit_state\{vendor="nfc_tagify"\} 0$/m);
    const opened = stack.logs
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('vendor circuit opened'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(
      opened.map(({ vendor, reason }) => ({ vendor, reason })),
      [{ vendor: 'national_express', reason: 'HTTP 503' }],
    );

    // Still down at the probe: open again, one more request reached it.
    await pause(400);
    const probed = await stack.gql(ACCOUNTS);
    assert.equal(probed.body.data?.accounts, null);
    assert.equal(await reached(), reachedBeforeOpen + 1, 'one probe, the rest failed fast');

    await bringBack(stack, 'nationalExpress');
    await pause(400);
    const recovered = await stack.gql(ACCOUNTS);
    assert.equal(recovered.body.errors, undefined);
    assert.ok(recovered.body.data?.accounts);
    assert.equal(
      await metricValue(metrics, 'gateway_vendor_circuit_state', { vendor: 'national_express' }),
      0,
    );
    const logs = stack.logs.join('');
    for (const secret of secretsOf(stack)) assert.ok(!logs.includes(secret));
  });
});

describe('a sustained outage with the circuit held closed', () => {
  let stack: TestStack;

  before(async () => {
    stack = await startStack({
      seed: true,
      // Only the retry budget stands between the outage and three attempts per call.
      env: { VENDOR_BREAKER_FAILURES: '1000' },
    });
  });
  after(async () => {
    await stack.close();
  });

  it('adds at most ~10% retries to the upstream calls, not 3x the traffic', async (t) => {
    const metrics = stack.gateway.metrics;
    const labels = { vendor: 'national_express' };
    await takeDown(stack, 'nationalExpress', { status: 503 });
    const started = Date.now();
    for (let wave = 0; wave < 10; wave++) {
      const responses = await Promise.all(
        Array.from({ length: 15 }, () => stack.gql('{ accounts(first: 1) { nodes { id } } }')),
      );
      for (const response of responses) {
        assert.equal(response.body.errors?.[0]?.extensions?.code, 'UPSTREAM_UNAVAILABLE');
      }
    }
    const seconds = (Date.now() - started) / 1000;
    const calls = await metricValue(metrics, 'gateway_vendor_requests_total', labels);
    const retries = await metricValue(metrics, 'gateway_vendor_retries_total', labels);
    const first = calls - retries;
    assert.ok(first >= 150, `${first} first attempts`);
    const { ratio, capacity, minPerSecond } = DEFAULT_RETRY_BUDGET;
    const bound = first * (1 + ratio) + capacity + minPerSecond * seconds;
    t.diagnostic(`${calls} upstream calls for ${first} first attempts (${(calls / first).toFixed(3)}x)`);
    assert.ok(calls <= bound, `${calls} calls for ${first} first attempts (bound ${bound.toFixed(1)})`);
    assert.ok(retries > 0, 'the budget still allowed some retries');
    assert.ok((await metricValue(metrics, 'gateway_vendor_retries_denied_total', labels)) > 100);
    await bringBack(stack, 'nationalExpress');
  });
});
