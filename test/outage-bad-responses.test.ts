import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { VendorEndpoints } from '../src/config.js';
import { DOC_CUSTOMER_EMAIL } from '../src/vendors/partnerorders/sandbox-seed.js';
import { SEEDED_PARTNER_ID } from '../src/vendors/partnerportal/sandbox.js';
import type { Transport, TransportRequest, TransportResponse } from '../src/vendors/transport.js';
import { clearFaults, setFaults } from './support/faults.js';
import { startStack } from './support/stack.js';
import type { GraphQLResponse, TestStack } from './support/stack.js';

/**
 * Vendors that answer garbage: not JSON, truncated JSON, JSON of the wrong shape. Whatever a vendor sends, the
 * client gets HTTP 200 with that vendor's fields null and UPSTREAM_BAD_RESPONSE naming the vendor (never a raw
 * body, never INTERNAL_SERVER_ERROR), and every other vendor's fields as they were.
 */

type VendorKey = keyof VendorEndpoints;

const DISPLAY: Record<VendorKey, string> = {
  channelManager: 'Channel Manager',
  partnerPortal: 'PartnerPortal',
  nfcTagify: 'NFC Tagify',
  nationalExpress: 'National Express',
  partnerOrders: 'Partner Orders',
};

/** The query's top-level fields that read nothing from the vendor: they must answer as when it is healthy. */
const UNTOUCHED: Record<VendorKey, string[]> = {
  channelManager: ['cardOrders', 'accounts', 'subscriptionOrderPreview', 'products'],
  partnerPortal: ['cardOrders', 'accounts', 'subscriptionOrderPreview'],
  nfcTagify: ['partner', 'order', 'accounts', 'subscriptionOrderPreview'],
  nationalExpress: ['partner', 'order', 'cardOrders', 'subscriptionOrderPreview', 'products'],
  partnerOrders: ['partner', 'order', 'cardOrders', 'accounts', 'products'],
};

const ALL_VENDORS = /* GraphQL */ `
  query AllVendors($partnerId: ID!, $preview: SubscriptionOrderInput!) {
    partner(id: $partnerId) {
      id
      externalId
      name
      email
      phone
      createdAt
      updatedAt
      ticketOrders(first: 3) {
        totalCount
        nodes {
          id
          status
          statusMessage
          sellToOrderReference
          receivedAt
          items {
            lineNo
            itemNumber
            quantity
            visitDate
            visitTime
            product {
              id
              name
              price {
                amount
                currency
              }
            }
            wallets {
              id
              name
              issuedAt
              unitPriceInclVat {
                amount
                currency
              }
              tickets {
                id
                referenceNumber
                type
              }
            }
          }
        }
      }
      portalOrders(first: 3) {
        totalCount
        nodes {
          id
          status
          externalReference
          createdAt
          total {
            amount
            currency
          }
          lines {
            sku
            name
            quantity
            unitPrice {
              amount
              currency
            }
            product {
              id
              minQuantity
            }
          }
        }
      }
    }
    order(id: "9c6b2f4e-2b71-4d23-9d6a-a3b4c5d6e7f8") {
      id
      status
      receivedAt
      partner {
        id
        name
      }
    }
    cardOrders(first: 3) {
      totalCount
      nodes {
        id
        status
        customerReference
        createdAt
        updatedAt
        quantity
        trackingNumber
        total {
          amount
          currency
        }
        shipping {
          name
        }
        lines {
          id
          name
          quantity
          status
          unitPrice {
            amount
            currency
          }
        }
        product {
          id
          name
          price {
            amount
            currency
          }
        }
      }
    }
    accounts(first: 3) {
      totalCount
      nodes {
        id
        email
        firstName
        lastName
        status
        createdAt
        updatedAt
        linkedTicketCount
        tickets(first: 3) {
          totalCount
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
      subtotal {
        amount
        currency
      }
      tax {
        amount
        currency
      }
      total {
        amount
        currency
      }
      lines {
        description
        interval
        quantity
        amount {
          amount
          currency
        }
      }
    }
    products(first: 50) {
      totalCount
      nodes {
        id
        vendor
        name
        sku
        minQuantity
        price {
          amount
          currency
        }
      }
    }
  }
`;

const VARIABLES = {
  partnerId: SEEDED_PARTNER_ID,
  preview: {
    externalId: 'BAD-RESPONSE-1',
    customerEmail: DOC_CUSTOMER_EMAIL,
    customerName: 'Jane Doe',
    lines: [
      { planId: 'plan-basic-monthly', quantity: 2 },
      { planId: 'plan-pro-yearly', quantity: 1 },
    ],
  },
};

const STILL = Date.now();

/** Marks a value the gateway must never echo to a client. */
const MARK = 'zz-vendor-garbage-7731';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const MUTATIONS = ['delete', 'null', 'number', 'string', 'boolean', 'array', 'object'] as const;
type Mutation = (typeof MUTATIONS)[number];

/** Every path into a JSON value (the root excluded), depth first. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const children: [string | number, Json][] = Array.isArray(value)
    ? value.map((child, index) => [index, child])
    : value !== null && typeof value === 'object'
      ? Object.entries(value)
      : [];
  return children.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

/** `value` with the node at `path` removed or replaced by a value of another type. */
function mutate(value: Json, path: (string | number)[], mutation: Mutation): Json {
  const copy = structuredClone(value);
  let parent = copy as Record<string | number, Json> | Json[];
  for (const key of path.slice(0, -1))
    parent = (parent as Record<string | number, Json>)[key] as typeof parent;
  const last = path.at(-1)!;
  if (mutation === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
    return copy;
  }
  const replacement: Record<Exclude<Mutation, 'delete'>, Json> = {
    null: null,
    number: -7731.5,
    string: MARK,
    boolean: true,
    array: [MARK],
    object: { [MARK]: MARK },
  };
  (parent as Record<string | number, Json>)[last] = replacement[mutation];
  return copy;
}

/**
 * Between the gateway and the sandboxes: rewrites the `nth` JSON 2xx answer of one vendor (counting from 1 since
 * `arm`) with `rewrite`. Everything else passes untouched.
 */
class GarbleWire {
  private target: { origin: string; nth: number; rewrite: (body: Json) => Json } | undefined;
  private seen = 0;
  /** What was rewritten (for the failure message), once it happened. */
  garbled: string | undefined;

  arm(origin: string, nth: number, rewrite: (body: Json) => Json): void {
    this.target = { origin, nth, rewrite };
    this.seen = 0;
    this.garbled = undefined;
  }

  disarm(): void {
    this.target = undefined;
  }

  wrap(inner: Transport): Transport {
    return { send: (request) => this.send(inner, request), close: () => inner.close() };
  }

  private async send(inner: Transport, request: TransportRequest): Promise<TransportResponse> {
    const response = await inner.send(request);
    const header = (name: string): string | null => response.header(name);
    const target = this.target;
    if (!target || new URL(request.url).origin !== target.origin) return response;
    if (response.status < 200 || response.status >= 300) return response;
    const text = await response.text();
    let body: Json;
    try {
      body = JSON.parse(text) as Json;
    } catch {
      return { status: response.status, header, text: () => Promise.resolve(text) };
    }
    if (++this.seen !== target.nth) {
      return { status: response.status, header, text: () => Promise.resolve(text) };
    }
    const garbled = JSON.stringify(target.rewrite(body));
    this.garbled = `${request.method} ${new URL(request.url).pathname}: ${garbled.slice(0, 300)}`;
    return { status: response.status, header, text: () => Promise.resolve(garbled) };
  }
}

/** The client-facing contract for a vendor that answered garbage. */
function assertBadResponseOnly(
  response: GraphQLResponse,
  healthy: Record<string, unknown>,
  vendor: VendorKey,
  context: string,
): void {
  assert.equal(response.status, 200, context);
  const data = response.body.data;
  assert.ok(data, `${context}: no data at all`);
  for (const error of response.body.errors ?? []) {
    assert.equal(error.extensions?.code, 'UPSTREAM_BAD_RESPONSE', `${context}: ${JSON.stringify(error)}`);
    assert.equal(error.extensions?.vendor, DISPLAY[vendor], context);
    assert.ok(error.path, `${context}: an error at a field`);
    assert.match(error.message, new RegExp(`^${DISPLAY[vendor]} sent a response the gateway could not`));
  }
  assert.ok(!JSON.stringify(response.body.errors ?? []).includes(MARK), `${context}: vendor body echoed`);
  for (const key of UNTOUCHED[vendor]) assert.deepEqual(data[key], healthy[key], `${context}: ${key}`);
}

describe('vendors answering garbage', () => {
  const wire = new GarbleWire();
  let stack: TestStack;
  let healthy: Record<string, unknown>;

  async function healthyNow(): Promise<Record<string, unknown>> {
    wire.disarm();
    const response = await stack.gql(ALL_VENDORS, VARIABLES);
    assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
    return response.body.data!;
  }

  before(async () => {
    stack = await startStack({
      seed: true,
      // A still clock: the seeded card orders advance with time, and every answer is compared with a healthy one.
      now: () => new Date(STILL),
      wrapTransport: (transport) => wire.wrap(transport),
      // Hundreds of whole-graph queries: the vendors' own per-minute limits are not under test here.
      sandboxes: {
        nfcTagify: { requestsPerMinute: 100_000 },
        nationalExpress: { requestsPerMinute: 100_000 },
        partnerPortal: { rateLimitPerMinute: 100_000 },
      },
      env: { NFC_TAGIFY_REQUESTS_PER_MINUTE: '100000' },
    });
    healthy = await healthyNow();
  });
  after(async () => {
    await stack.close();
  });

  const vendors = Object.keys(DISPLAY) as VendorKey[];

  for (const vendor of vendors) {
    it(`${DISPLAY[vendor]}: truncated JSON on every read → its fields null with UPSTREAM_BAD_RESPONSE`, async () => {
      await setFaults(stack[vendor].origin, [{ route: '*', malformed: true }]);
      try {
        const response = await stack.gql(ALL_VENDORS, VARIABLES);
        assertBadResponseOnly(response, healthy, vendor, 'truncated');
        assert.ok((response.body.errors ?? []).length > 0, 'the garbage was noticed');
        assert.match(response.body.errors?.[0]?.message ?? '', /not JSON/);
      } finally {
        await clearFaults(stack[vendor].origin);
      }
    });
  }

  it('any one field of any vendor answer removed or of the wrong type: never a crash, never a raw body', async () => {
    let runs = 0;
    let noticed = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...vendors),
        fc.integer({ min: 1, max: 4 }),
        fc.nat(),
        fc.constantFrom(...MUTATIONS),
        async (vendor, nth, pick, mutation) => {
          const before = await healthyNow();
          wire.arm(new URL(stack.endpoints[vendor].baseUrl).origin, nth, (body) => {
            const paths = pathsOf(body);
            return paths.length === 0 ? MARK : mutate(body, paths[pick % paths.length]!, mutation);
          });
          const response = await stack.gql(ALL_VENDORS, VARIABLES);
          wire.disarm();
          runs++;
          if (response.body.errors) noticed++;
          assertBadResponseOnly(response, before, vendor, `${mutation} in ${wire.garbled ?? '(nothing)'}`);
        },
      ),
      { numRuns: 150, seed: 7731, endOnFailure: true },
    );
    // Positive control: many of the rewrites were caught as bad responses (others hit fields nobody reads).
    assert.ok(noticed > runs / 4, `${noticed} of ${runs} rewrites noticed`);
  });
});

/** A create whose 2xx answer comes back garbled: the vendor acted, so this is an unknown outcome, reconciled. */
interface WriteCase {
  name: string;
  vendor: VendorKey;
  route: string;
  mutation: string;
  field: string;
  variables: (tag: string) => Record<string, unknown>;
  /**
   * What a retry answers: the object (reconciled through the natural key), or, for Partner Orders, whose
   * idempotency record remembers an unknown outcome and never sends it again, INVALID_STATE (README).
   */
  retry: 'the object' | 'INVALID_STATE';
  /** How many objects with this create's natural key the vendor holds. */
  count: (stack: TestStack, tag: string) => Promise<number>;
}

const CM_PARTNER = '21e8c1d2-3f4a-4c5b-9e6d-7f8a9b0c1d2e';

/** The value at `path` (dot-separated) of a query's data, failing the test on any error. */
async function read<T>(
  stack: TestStack,
  query: string,
  variables: Record<string, unknown>,
  path: string,
): Promise<T> {
  const response = await stack.gql(query, variables);
  assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
  let value: unknown = response.body.data;
  for (const key of path.split('.')) value = (value as Record<string, unknown>)[key];
  return value as T;
}

const WRITES: WriteCase[] = [
  {
    name: 'createOrder (Channel Manager)',
    retry: 'the object',
    vendor: 'channelManager',
    route: 'POST /channelManager',
    field: 'createOrder',
    mutation: `mutation ($input: OrderInput!) {
      createOrder(input: $input) { order { id sellToOrderReference } userErrors { code message } }
    }`,
    variables: (tag) => ({
      input: {
        partnerId: CM_PARTNER,
        sellToOrderReference: tag,
        items: [{ itemNumber: '31001', visitDate: '2027-06-01', visitTime: '10:30:00', quantity: 1 }],
        paymentReference: `PAY-${tag}`,
      },
    }),
    count: (stack, tag) =>
      read<number>(
        stack,
        'query ($p: ID!, $r: String) { orders(partnerId: $p, filter: { sellToOrderReference: $r }) { totalCount } }',
        { p: CM_PARTNER, r: tag },
        'orders.totalCount',
      ),
  },
  {
    name: 'createPartner (PartnerPortal)',
    retry: 'the object',
    vendor: 'partnerPortal',
    route: 'POST /partners',
    field: 'createPartner',
    mutation: `mutation ($input: PartnerInput!) {
      createPartner(input: $input) { partner { id externalId } userErrors { code message } }
    }`,
    variables: (tag) => ({ input: { externalId: tag, name: `Partner ${tag}` } }),
    count: async (stack, tag) =>
      (
        await read<{ externalId: string }[]>(
          stack,
          '{ partners(first: 100) { nodes { externalId } } }',
          {},
          'partners.nodes',
        )
      ).filter((node) => node.externalId === tag).length,
  },
  {
    name: 'createPortalOrder (PartnerPortal)',
    retry: 'the object',
    vendor: 'partnerPortal',
    route: 'POST /orders',
    field: 'createPortalOrder',
    mutation: `mutation ($input: PortalOrderInput!) {
      createPortalOrder(input: $input) { portalOrder { id externalReference } userErrors { code message } }
    }`,
    variables: (tag) => ({
      input: {
        partnerId: SEEDED_PARTNER_ID,
        externalReference: tag,
        lines: [{ productId: 'prd_01JSEED0000000000000000001', quantity: 1 }],
      },
    }),
    count: async (stack, tag) =>
      (
        await read<{ externalReference: string }[]>(
          stack,
          'query ($id: ID!) { partner(id: $id) { portalOrders(first: 100) { nodes { externalReference } } } }',
          { id: SEEDED_PARTNER_ID },
          'partner.portalOrders.nodes',
        )
      ).filter((node) => node.externalReference === tag).length,
  },
  {
    name: 'createCardOrder (NFC Tagify)',
    retry: 'the object',
    vendor: 'nfcTagify',
    route: 'POST /orders',
    field: 'createCardOrder',
    mutation: `mutation ($input: CardOrderInput!) {
      createCardOrder(input: $input) { cardOrder { id customerReference } userErrors { code message } }
    }`,
    variables: (tag) => ({
      input: {
        productId: 'prod_abc123',
        quantity: 10,
        customerReference: tag,
        shipping: {
          name: 'Jane Doe',
          addressLine1: '1 High Street',
          city: 'London',
          postcode: 'SW1A 1AA',
          country: 'GB',
        },
      },
    }),
    count: (stack, tag) =>
      read<number>(
        stack,
        'query ($r: String) { cardOrders(first: 100, filter: { customerReference: $r }) { totalCount } }',
        { r: tag },
        'cardOrders.totalCount',
      ),
  },
  {
    name: 'submitSubscriptionOrder (Partner Orders)',
    retry: 'INVALID_STATE',
    vendor: 'partnerOrders',
    route: 'POST /partner/order',
    field: 'submitSubscriptionOrder',
    mutation: `mutation ($key: String!, $input: SubscriptionOrderInput!) {
      submitSubscriptionOrder(idempotencyKey: $key, input: $input) { order { id externalId } userErrors { code message } }
    }`,
    variables: (tag) => ({
      key: `key-${tag}`,
      input: { ...VARIABLES.preview, externalId: tag },
    }),
    count: (stack, tag) =>
      Promise.resolve(
        stack.partnerOrders.orders().filter((order) => JSON.stringify(order).includes(`"${tag}"`)).length,
      ),
  },
];

describe('writes answered with garbage', () => {
  let stack: TestStack;

  before(async () => {
    stack = await startStack({
      seed: true,
      sandboxes: { nfcTagify: { requestsPerMinute: 100_000 } },
      env: { NFC_TAGIFY_REQUESTS_PER_MINUTE: '100000' },
    });
  });
  after(async () => {
    await stack.close();
  });

  for (const write of WRITES) {
    it(`${write.name}: a truncated answer is an unknown outcome, reconciled to exactly one object`, async () => {
      const tag = `BAD-${randomUUID().slice(0, 8).toUpperCase()}`;
      await setFaults(stack[write.vendor].origin, [{ route: write.route, malformed: true, count: 1 }]);
      try {
        const first = await stack.gql(write.mutation, write.variables(tag));
        assert.equal(first.status, 200);
        for (const error of first.body.errors ?? []) {
          // Either reconciled at once (no error), or told the answer was unreadable: never a crash or a raw body.
          assert.equal(error.extensions?.code, 'UPSTREAM_BAD_RESPONSE', JSON.stringify(error));
          assert.equal(error.extensions?.vendor, DISPLAY[write.vendor]);
        }
        // The client retries as the error invites: the same object, still exactly one at the vendor.
        const again = await stack.gql(write.mutation, write.variables(tag));
        assert.equal(again.body.errors, undefined, JSON.stringify(again.body.errors));
        const payload = (again.body.data as Record<string, Record<string, unknown>>)[write.field]!;
        if (write.retry === 'the object') {
          assert.deepEqual(payload.userErrors, []);
          const firstPayload = (first.body.data as Record<string, Record<string, unknown>> | null)?.[
            write.field
          ];
          if (!first.body.errors) assert.deepEqual(firstPayload, payload);
        } else {
          assert.ok(first.body.errors, 'the unknown outcome was reported');
          assert.deepEqual(
            (payload.userErrors as { code: string }[]).map((error) => error.code),
            ['INVALID_STATE'],
          );
        }
        assert.equal(await write.count(stack, tag), 1);
      } finally {
        await clearFaults(stack[write.vendor].origin);
      }
    });
  }
});
