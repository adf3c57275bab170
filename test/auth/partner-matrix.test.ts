import 'reflect-metadata';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildGraphSchema } from '../../src/graph/schema.js';
import { SEEDED_PARTNER_ID as CM_PARTNER_B } from '../../src/vendors/navipartner/sandbox.js';
import {
  SEEDED_PARTNER_ID as PARTNER_B,
  SEEDED_PRODUCT_IDS,
} from '../../src/vendors/partnerportal/sandbox-seed.js';
import { eventually, testWsClient, wsUrl } from '../support/graphql-ws-client.js';
import type { TestWsClient } from '../support/graphql-ws-client.js';
import { daysFromNow, startStack, TEST_API_KEY } from '../support/stack.js';
import type { GraphQLResponse, TestStack } from '../support/stack.js';
import { callsSince, upstreamCalls } from '../support/upstream-calls.js';

/**
 * Who may do what, as a matrix: every root field of the built schema is run with a key bound to partner A
 * against partner B's objects (and everybody else's), and no answer may carry anything of theirs. Positive
 * controls show A's key does see A's data; a read-only key is refused every mutation without a vendor write.
 *
 * B is the seeded ACME partner (linked to the seeded Channel Manager partner, with seeded ticket and portal
 * orders); A is the seeded PARTNER-002, linked in the test to a Channel Manager partner of its own.
 */

const SECRET = 'whsec_matrix_0123456789abcdef';
/** The sandbox's fixed id of PARTNER-002 (same scheme as SEEDED_PARTNER_ID, number 2). */
const PARTNER_A = PARTNER_B.replace(/\d{19}$/, '2'.padStart(19, '0'));
const CM_PARTNER_A = 'a0a0a0a0-1b1b-4c2c-8d3d-e4e4e4e4e4e4';
const KEY_A = 'matrix-key-partner-a-0123456789';
const KEY_B = 'matrix-key-partner-b-0123456789';
const KEY_READ_ONLY = 'matrix-key-read-only-0123456789';
const VISIT = daysFromNow(30);
const PLAN = 'plan-basic-monthly';

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
const auth = (key: string) => ({ authorization: `Bearer ${key}` });

function ticketOrderInput(partnerId: string, reference: string) {
  return {
    partnerId,
    sellToOrderReference: reference,
    sellToEmail: 'guest@example.com',
    paymentReference: `PAY-${reference}`,
    items: [
      {
        itemNumber: '31001',
        visitDate: VISIT,
        visitTime: '10:30:00',
        quantity: 1,
        wallet: { names: ['Jane Doe'], externalReferenceNumbers: [`${reference}-W`] },
      },
    ],
  };
}

function portalOrderInput(partnerId: string, reference: string) {
  return {
    partnerId,
    externalReference: reference,
    lines: [{ productId: SEEDED_PRODUCT_IDS['31001'], quantity: 1 }],
  };
}

function cardOrderInput(reference: string, partnerId?: string) {
  return {
    productId: 'prod_abc123',
    quantity: 50,
    customerReference: reference,
    ...(partnerId ? { partnerId } : {}),
    shipping: {
      name: 'Jane Smith',
      addressLine1: '1 Road',
      city: 'London',
      postcode: 'EC1A 1BB',
      country: 'GB',
    },
  };
}

const subscriptionInput = (email: string) => ({
  customerEmail: email,
  lines: [{ planId: PLAN, quantity: 1 }],
});

const CREATE_ORDER = `mutation ($input: OrderInput!) {
  createOrder(input: $input) { order { id partnerId sellToOrderReference } userErrors { code message field } } }`;
const CREATE_PORTAL_ORDER = `mutation ($input: PortalOrderInput!) {
  createPortalOrder(input: $input) { portalOrder { id externalReference } userErrors { code message field } } }`;
const CREATE_CARD_ORDER = `mutation ($input: CardOrderInput!) {
  createCardOrder(input: $input) { cardOrder { id customerReference } userErrors { code message field } } }`;
const SUBMIT = `mutation ($input: SubscriptionOrderInput!, $key: String!) {
  submitSubscriptionOrder(input: $input, idempotencyKey: $key) { order { id orderReference owner } userErrors { code message } } }`;
const LINK = `mutation ($id: ID!, $links: PartnerLinksInput!) {
  linkPartner(id: $id, links: $links) { partner { id links { channelManagerPartnerId nationalExpressAccountIds } } userErrors { code message field } } }`;

/** Every field that can carry another partner's data, deep enough to follow each nested way around the rule. */
const PARTNER_FIELDS = `id externalId name email links { channelManagerPartnerId nationalExpressAccountIds }
  ticketOrders(first: 10) { totalCount nodes { id sellToOrderReference } }
  portalOrders(first: 10) { totalCount nodes { id externalReference } }`;
const ORDER_FIELDS = `id partnerId sellToOrderReference status partner { id name }
  items { wallets { tickets { referenceNumber account { id email } } } }`;
const PORTAL_ORDER_FIELDS = 'id externalReference portalStatus: status partner { id name }';
const CARD_ORDER_FIELDS = 'id customerReference cardStatus: status';
const ACCOUNT_FIELDS = 'id email name tickets(first: 10) { nodes { referenceNumber order { id } } }';
const EVENT_FIELDS = `id type
  ... on OrderEvent { partnerId orderId order { ... on Order { ${ORDER_FIELDS} } ... on PortalOrder { ${PORTAL_ORDER_FIELDS} } } }
  ... on PartnerEvent { partnerId partner { ${PARTNER_FIELDS} } }`;

interface Seen {
  /** Strings that belong to other partners: none may appear in any answer to A's key. */
  foreign: Set<string>;
  /** Ids of A's own objects, for the positive controls. */
  orderA: string;
  portalOrderA: string;
  cardOrderA: string;
  accountA: string;
  orderB: string;
  portalOrderB: string;
  cardOrderB: { id: string; customerReference: string };
  accountB: string;
  subscriptionKeyB: string;
  firstEventId: string;
}

describe('a key bound to partner A, against every root field', () => {
  let stack: TestStack;
  let dir: string;
  let seen: Seen;
  const clients: TestWsClient[] = [];

  const as = <T = Record<string, unknown>>(key: string, query: string, variables?: Record<string, unknown>) =>
    stack.gql<T>(query, variables, auth(key));
  const full = async <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) => {
    const response = await stack.gql<T>(query, variables);
    assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
    return response.body.data as T;
  };
  const ws = (key: string): TestWsClient => {
    const client = testWsClient(wsUrl(stack.origin), { apiKey: key });
    clients.push(client);
    return client;
  };
  const assertNothingForeign = (what: string, answer: unknown): void => {
    const text = JSON.stringify(answer);
    for (const marker of seen.foreign) {
      assert.ok(
        !text.includes(marker),
        `${what}: the answer carries "${marker}" of another partner: ${text}`,
      );
    }
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'partner-matrix-'));
    const keysFile = join(dir, 'keys.json');
    // Hash-only entries for B and the read-only key: the file need not hold a single key.
    writeFileSync(
      keysFile,
      JSON.stringify([
        { key: KEY_A, name: 'partner-a', scopes: ['read', 'write'], partners: [PARTNER_A] },
        { sha256: sha256(KEY_B), name: 'partner-b', scopes: ['read', 'write'], partners: [PARTNER_B] },
        { sha256: sha256(KEY_READ_ONLY), name: 'read-only', scopes: ['read'] },
      ]),
    );
    stack = await startStack({
      seed: true,
      env: { GATEWAY_KEYS_FILE: keysFile },
      partnerPortalWebhookSecret: SECRET,
    });

    // The data, placed with the full-access key.
    const accounts = await full<{ accounts: { nodes: { id: string; email: string }[] } }>(
      '{ accounts(first: 100) { nodes { id email } } }',
    );
    const [accountA, accountB] = accounts.accounts.nodes;
    assert.ok(accountA && accountB, 'the seeded National Express accounts');
    const linkA = await full<{ linkPartner: { userErrors: unknown[] } }>(LINK, {
      id: PARTNER_A,
      links: { channelManagerPartnerId: CM_PARTNER_A, nationalExpressAccountIds: [accountA.id] },
    });
    assert.deepEqual(linkA.linkPartner.userErrors, []);
    const linkB = await full<{ linkPartner: { userErrors: unknown[] } }>(LINK, {
      id: PARTNER_B,
      links: { nationalExpressAccountIds: [accountB.id] },
    });
    assert.deepEqual(linkB.linkPartner.userErrors, []);

    const orderA = await full<{ createOrder: { order: { id: string } } }>(CREATE_ORDER, {
      input: ticketOrderInput(CM_PARTNER_A, 'MATRIX-A-1'),
    });
    const orderB = await full<{ createOrder: { order: { id: string } } }>(CREATE_ORDER, {
      input: ticketOrderInput(CM_PARTNER_B, 'MATRIX-B-1'),
    });
    const portalA = await full<{ createPortalOrder: { portalOrder: { id: string } } }>(CREATE_PORTAL_ORDER, {
      input: portalOrderInput(PARTNER_A, 'MATRIX-PA-1'),
    });
    const portalB = await full<{ createPortalOrder: { portalOrder: { id: string } } }>(CREATE_PORTAL_ORDER, {
      input: portalOrderInput(PARTNER_B, 'MATRIX-PB-1'),
    });
    // A's card order placed by A's own key (its only partner is implied); B's by the full key naming B.
    const cardA = await as<{ createCardOrder: { cardOrder: { id: string } | null; userErrors: unknown[] } }>(
      KEY_A,
      CREATE_CARD_ORDER,
      { input: cardOrderInput('MATRIX-CARD-A') },
    );
    assert.deepEqual(cardA.body.data?.createCardOrder.userErrors, [], JSON.stringify(cardA.body));
    const cardB = await full<{ createCardOrder: { cardOrder: { id: string; customerReference: string } } }>(
      CREATE_CARD_ORDER,
      { input: cardOrderInput('MATRIX-CARD-B', PARTNER_B) },
    );
    const subscriptionB = await as<{
      submitSubscriptionOrder: { order: { id: string; orderReference: string } };
    }>(KEY_B, SUBMIT, { input: subscriptionInput('matrix-b@example.com'), key: 'matrix-subscription-1' });
    assert.equal(subscriptionB.body.errors, undefined, JSON.stringify(subscriptionB.body.errors));
    // partner.updated webhooks for both partners.
    for (const id of [PARTNER_A, PARTNER_B]) {
      await full(
        `mutation ($id: ID!) { updatePartner(id: $id, input: { phone: "+44 20 7946 0000" }) { userErrors { code } } }`,
        {
          id,
        },
      );
    }
    await eventually(
      async () => {
        const events = await full<{ events: { nodes: { type: string; partnerId: string | null }[] } }>(
          '{ events(first: 100) { nodes { type ... on OrderEvent { partnerId } ... on PartnerEvent { partnerId } } } }',
        );
        const about = (partner: string, type: string) =>
          events.events.nodes.some((event) => event.partnerId === partner && event.type === type);
        return [PARTNER_A, PARTNER_B].every((p) => about(p, 'partner.updated') && about(p, 'order.created'));
      },
      'the webhooks about both partners',
      15_000,
    );

    // Everything that is not A's, read with the full key: other partners, their orders, accounts, events.
    const foreign = new Set<string>([PARTNER_B, CM_PARTNER_B, 'matrix-b@example.com']);
    const partners = await full<{ partners: { nodes: { id: string; externalId: string; name: string }[] } }>(
      '{ partners(first: 100) { nodes { id externalId name } } }',
    );
    for (const partner of partners.partners.nodes) {
      if (partner.id === PARTNER_A) continue;
      foreign.add(partner.id);
      foreign.add(partner.externalId);
    }
    foreign.add(partners.partners.nodes.find((partner) => partner.id === PARTNER_B)!.name);
    const ticketOrdersB = await full<{ orders: { nodes: { id: string; sellToOrderReference: string }[] } }>(
      'query ($p: ID!) { orders(partnerId: $p, first: 100) { nodes { id sellToOrderReference } } }',
      { p: CM_PARTNER_B },
    );
    for (const order of ticketOrdersB.orders.nodes) foreign.add(order.id).add(order.sellToOrderReference);
    const portalOrdersB = await full<{
      partner: { portalOrders: { nodes: { id: string; externalReference: string }[] } };
    }>(
      'query ($p: ID!) { partner(id: $p) { portalOrders(first: 100) { nodes { id externalReference } } } }',
      { p: PARTNER_B },
    );
    for (const order of portalOrdersB.partner.portalOrders.nodes)
      foreign.add(order.id).add(order.externalReference);
    const cards = await full<{ cardOrders: { nodes: { id: string; customerReference: string }[] } }>(
      '{ cardOrders(first: 100) { nodes { id customerReference } } }',
    );
    for (const card of cards.cardOrders.nodes) {
      if (card.id !== cardA.body.data?.createCardOrder.cardOrder?.id)
        foreign.add(card.id).add(card.customerReference);
    }
    for (const account of accounts.accounts.nodes) {
      if (account.id !== accountA.id) foreign.add(account.id).add(account.email);
    }
    const sub = subscriptionB.body.data!.submitSubscriptionOrder.order;
    foreign.add(sub.id).add(sub.orderReference);
    const events = await full<{ events: { nodes: { id: string; partnerId: string | null }[] } }>(
      '{ events(first: 100) { nodes { id ... on OrderEvent { partnerId } ... on PartnerEvent { partnerId } } } }',
    );
    for (const event of events.events.nodes) if (event.partnerId !== PARTNER_A) foreign.add(event.id);

    seen = {
      foreign,
      orderA: orderA.createOrder.order.id,
      portalOrderA: portalA.createPortalOrder.portalOrder.id,
      cardOrderA: cardA.body.data.createCardOrder.cardOrder!.id,
      accountA: accountA.id,
      orderB: orderB.createOrder.order.id,
      portalOrderB: portalB.createPortalOrder.portalOrder.id,
      cardOrderB: cardB.createCardOrder.cardOrder,
      accountB: accountB.id,
      subscriptionKeyB: 'matrix-subscription-1',
      firstEventId: events.events.nodes[0]!.id,
    };
  });

  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What A's key tries against B, per root field; each answer is checked for foreign data. */
  type Probe = (key: string) => Promise<unknown>;
  type Entry = { probes: Probe[]; expect?: (answers: GraphQLResponse['body'][]) => void };

  const query =
    (text: string, variables?: () => Record<string, unknown>): Probe =>
    async (key) =>
      as(key, text, variables?.());
  const codes = (body: GraphQLResponse['body'], field: string): string[] => [
    ...(body.errors ?? []).map((error) => String(error.extensions?.code)),
    ...((body.data?.[field] as { userErrors?: { code: string }[] } | null)?.userErrors ?? []).map(
      (e) => e.code,
    ),
  ];
  const refused =
    (field: string, code: 'NOT_FOUND' | 'FORBIDDEN' | 'DUPLICATE') =>
    (answers: GraphQLResponse['body'][]) => {
      for (const answer of answers)
        assert.ok(
          codes(answer, field).includes(code),
          `${field}: ${code} expected, got ${JSON.stringify(answer)}`,
        );
    };
  const nullData = (field: string) => (answers: GraphQLResponse['body'][]) => {
    for (const answer of answers) {
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      assert.equal(answer.data?.[field], null, `${field} must answer null for B's object`);
    }
  };

  const matrix = (): Record<'Query' | 'Mutation' | 'Subscription', Record<string, Entry>> => ({
    Query: {
      account: {
        probes: [
          query(`query ($id: ID!) { account(id: $id) { ${ACCOUNT_FIELDS} } }`, () => ({ id: seen.accountB })),
        ],
        expect: nullData('account'),
      },
      accounts: {
        probes: [
          query(`{ accounts(first: 20) { totalCount nodes { ${ACCOUNT_FIELDS} } } }`),
          query(`query ($e: String) { accounts(filter: { email: $e }) { totalCount nodes { id } } }`, () => ({
            e: [...seen.foreign].find((m) => m.includes('@') && m !== 'matrix-b@example.com'),
          })),
        ],
      },
      cardOrder: {
        probes: [
          query(`query ($id: ID!) { cardOrder(id: $id) { ${CARD_ORDER_FIELDS} } }`, () => ({
            id: seen.cardOrderB.id,
          })),
        ],
        expect: nullData('cardOrder'),
      },
      cardOrders: {
        probes: [
          query(`{ cardOrders(first: 20) { totalCount nodes { ${CARD_ORDER_FIELDS} } } }`),
          query(
            `query ($r: String) { cardOrders(filter: { customerReference: $r }) { totalCount nodes { id } } }`,
            () => ({ r: seen.cardOrderB.customerReference }),
          ),
        ],
      },
      events: { probes: [query(`{ events(first: 20) { totalCount nodes { ${EVENT_FIELDS} } } }`)] },
      order: {
        probes: [
          query(`query ($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`, () => ({ id: seen.orderB })),
        ],
        expect: nullData('order'),
      },
      orders: {
        probes: [
          query(
            `query ($p: ID!) { orders(partnerId: $p, first: 20) { totalCount nodes { ${ORDER_FIELDS} } } }`,
            () => ({ p: CM_PARTNER_B }),
          ),
        ],
      },
      partner: {
        probes: [
          query(`query ($id: ID!) { partner(id: $id) { ${PARTNER_FIELDS} } }`, () => ({ id: PARTNER_B })),
        ],
        expect: nullData('partner'),
      },
      partners: { probes: [query(`{ partners(first: 20) { totalCount nodes { ${PARTNER_FIELDS} } } }`)] },
      portalOrder: {
        probes: [
          query(`query ($id: ID!) { portalOrder(id: $id) { ${PORTAL_ORDER_FIELDS} } }`, () => ({
            id: seen.portalOrderB,
          })),
        ],
        expect: nullData('portalOrder'),
      },
      product: {
        probes: [
          query(`query ($id: ID!) { product(id: $id) { id name } }`, () => ({
            id: SEEDED_PRODUCT_IDS['31001'],
          })),
        ],
      },
      products: { probes: [query('{ products(first: 100) { nodes { id name } } }')] },
      subscriptionOrderPreview: {
        probes: [
          query(
            `query ($input: SubscriptionOrderInput!) { subscriptionOrderPreview(input: $input) { total { amount } } }`,
            () => ({ input: subscriptionInput('preview@example.com') }),
          ),
        ],
      },
      _service: { probes: [query('{ _service { sdl } }')] },
      _entities: {
        // One call per entity type (their fields would clash in one selection), each with B's object.
        probes: (
          [
            ['Partner', PARTNER_FIELDS, () => PARTNER_B],
            ['Order', ORDER_FIELDS, () => seen.orderB],
            ['PortalOrder', PORTAL_ORDER_FIELDS, () => seen.portalOrderB],
            ['CardOrder', CARD_ORDER_FIELDS, () => seen.cardOrderB.id],
            ['Account', ACCOUNT_FIELDS, () => seen.accountB],
          ] as const
        ).map(([type, fields, id]) =>
          query(
            `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${type} { ${fields} } } }`,
            () => ({
              r: [{ __typename: type, id: id() }],
            }),
          ),
        ),
        expect: (answers) => {
          for (const answer of answers) assert.deepEqual(answer, { data: { _entities: [null] } });
        },
      },
    },
    Mutation: {
      cancelOrder: {
        probes: [
          query(
            'mutation ($id: ID!) { cancelOrder(id: $id) { order { id } removed userErrors { code } } }',
            () => ({ id: seen.orderB }),
          ),
        ],
        expect: refused('cancelOrder', 'NOT_FOUND'),
      },
      confirmOrder: {
        probes: [
          query(
            'mutation ($id: ID!) { confirmOrder(id: $id, paymentReference: "PAY-X") { order { id } userErrors { code } } }',
            () => ({ id: seen.orderB }),
          ),
        ],
        expect: refused('confirmOrder', 'NOT_FOUND'),
      },
      createCardOrder: {
        probes: [
          query(CREATE_CARD_ORDER, () => ({ input: cardOrderInput('MATRIX-CARD-X', PARTNER_B) })),
          // B's reference, same content, under A's partner: never B's order.
          query(CREATE_CARD_ORDER, () => ({ input: cardOrderInput(seen.cardOrderB.customerReference) })),
        ],
        expect: ([forB, sameReference]) => {
          refused('createCardOrder', 'FORBIDDEN')([forB!]);
          refused('createCardOrder', 'DUPLICATE')([sameReference!]);
        },
      },
      createOrder: {
        probes: [query(CREATE_ORDER, () => ({ input: ticketOrderInput(CM_PARTNER_B, 'MATRIX-X-1') }))],
        expect: refused('createOrder', 'FORBIDDEN'),
      },
      createPartner: {
        probes: [
          query(
            'mutation { createPartner(input: { externalId: "MATRIX-NEW", name: "New" }) { partner { id } userErrors { code } } }',
          ),
        ],
        expect: refused('createPartner', 'FORBIDDEN'),
      },
      createPortalOrder: {
        probes: [query(CREATE_PORTAL_ORDER, () => ({ input: portalOrderInput(PARTNER_B, 'MATRIX-PX-1') }))],
        expect: refused('createPortalOrder', 'FORBIDDEN'),
      },
      linkPartner: {
        probes: [
          query(LINK, () => ({ id: PARTNER_B, links: { nationalExpressAccountIds: [] } })),
          // Claiming B's Channel Manager partner (or B's account) for A would hand A B's orders.
          query(LINK, () => ({
            id: PARTNER_A,
            links: { channelManagerPartnerId: CM_PARTNER_B, nationalExpressAccountIds: [seen.accountB] },
          })),
        ],
        expect: refused('linkPartner', 'FORBIDDEN'),
      },
      linkTicket: {
        probes: [
          query(
            'mutation ($a: ID!) { linkTicket(accountId: $a, ticketReference: "ATF-BIL010665L-3") { account { id } userErrors { code } } }',
            () => ({ a: seen.accountB }),
          ),
        ],
        expect: refused('linkTicket', 'NOT_FOUND'),
      },
      replaceOrder: {
        probes: [
          query(
            'mutation ($id: ID!, $input: OrderInput!) { replaceOrder(id: $id, input: $input) { order { id } userErrors { code } } }',
            () => ({ id: seen.orderB, input: ticketOrderInput(CM_PARTNER_A, 'MATRIX-B-1') }),
          ),
          query(
            'mutation ($id: ID!, $input: OrderInput!) { replaceOrder(id: $id, input: $input) { order { id } userErrors { code } } }',
            () => ({ id: seen.orderB, input: ticketOrderInput(CM_PARTNER_B, 'MATRIX-B-1') }),
          ),
        ],
        expect: ([ownPartner, otherPartner]) => {
          refused('replaceOrder', 'NOT_FOUND')([ownPartner!]);
          refused('replaceOrder', 'FORBIDDEN')([otherPartner!]);
        },
      },
      submitSubscriptionOrder: {
        // B's idempotency key under A's key places A's own order, never answers B's.
        probes: [
          query(SUBMIT, () => ({
            input: subscriptionInput('matrix-b@example.com'),
            key: seen.subscriptionKeyB,
          })),
        ],
        expect: ([answer]) =>
          assert.ok(
            (answer!.data?.submitSubscriptionOrder as { order: { id: string } | null }).order?.id,
            JSON.stringify(answer),
          ),
      },
      unlinkTicket: {
        probes: [
          query(
            'mutation ($a: ID!) { unlinkTicket(accountId: $a, ticketReference: "ATF-BIL010665L-3") { account { id } userErrors { code } } }',
            () => ({ a: seen.accountB }),
          ),
        ],
        expect: refused('unlinkTicket', 'NOT_FOUND'),
      },
      updatePartner: {
        probes: [
          query(
            'mutation ($id: ID!) { updatePartner(id: $id, input: { name: "Taken over" }) { partner { id name } userErrors { code } } }',
            () => ({ id: PARTNER_B }),
          ),
        ],
        expect: refused('updatePartner', 'NOT_FOUND'),
      },
    },
    Subscription: {
      orderUpdated: {
        probes: [subscriptionProbe('orderUpdated', undefined), subscriptionProbe('orderUpdated', PARTNER_B)],
      },
      partnerUpdated: {
        probes: [
          subscriptionProbe('partnerUpdated', undefined),
          subscriptionProbe('partnerUpdated', PARTNER_B),
        ],
      },
    },
  });

  /**
   * Replays every stored event (after the first) to A's key, then a fresh event about A as a sentinel: what
   * arrived before it is all the stream would ever show of the replay, and none of it may be B's.
   */
  function subscriptionProbe(field: 'orderUpdated' | 'partnerUpdated', partnerId: string | undefined): Probe {
    return async (key) => {
      const fields =
        field === 'orderUpdated'
          ? `id type partnerId orderId order { ... on Order { ${ORDER_FIELDS} } ... on PortalOrder { ${PORTAL_ORDER_FIELDS} } }`
          : `id type partnerId partner { ${PARTNER_FIELDS} }`;
      const subscription = ws(key).subscribe<Record<string, { id: string; partnerId: string | null }>>(
        `subscription ($p: ID, $after: String) { ${field}(partnerId: $p, after: $after) { ${fields} } }`,
        { p: partnerId ?? null, after: seen.firstEventId },
      );
      await Promise.race([
        eventually(() => stack.gateway.openSubscriptions() > 0, 'the subscription to start', 15_000),
        subscription.ended.then(({ error }) =>
          assert.fail(`the subscription ended: ${JSON.stringify(error)}`),
        ),
      ]);
      const before = subscription.results.length;
      // A sentinel about A (unless the probe asks for B's events only, which A may never get).
      if (field === 'orderUpdated') {
        await full(CREATE_PORTAL_ORDER, {
          input: portalOrderInput(PARTNER_A, `MATRIX-SENTINEL-${Date.now()}`),
        });
      } else {
        await full(
          'mutation ($id: ID!) { updatePartner(id: $id, input: { name: "Partner A" }) { userErrors { code } } }',
          {
            id: PARTNER_A,
          },
        );
      }
      if (partnerId === undefined) {
        await eventually(
          () =>
            subscription.results
              .slice(before)
              .some((result) => result.data?.[field]?.partnerId === PARTNER_A),
          'the sentinel about A',
          15_000,
        );
        for (const result of subscription.results) {
          assert.equal(result.errors, undefined, JSON.stringify(result.errors));
          assert.equal(result.data?.[field]?.partnerId, PARTNER_A, JSON.stringify(result));
        }
      } else {
        // Events about B keep coming: none may reach A. A full-access subscriber opened after A's hears the
        // same stream; once it has the newest event about B, A's stream had its chance to leak it.
        const known = new Set((await eventsAbout(PARTNER_B)).map((event) => event.id));
        if (field === 'orderUpdated') {
          await full(CREATE_PORTAL_ORDER, {
            input: portalOrderInput(PARTNER_B, `MATRIX-B-LATE-${Date.now()}`),
          });
        } else {
          await full(
            'mutation { updatePartner(id: "' +
              PARTNER_B +
              '", input: { name: "ACME again" }) { userErrors { code } } }',
          );
        }
        let newest = '';
        await eventually(
          async () => {
            newest = (await eventsAbout(PARTNER_B)).find((event) => !known.has(event.id))?.id ?? '';
            return newest !== '';
          },
          'the late event about B',
          15_000,
        );
        const control = ws(TEST_API_KEY).subscribe<Record<string, { id: string }>>(
          `subscription ($p: ID, $after: String) { ${field}(partnerId: $p, after: $after) { id } }`,
          { p: PARTNER_B, after: seen.firstEventId },
        );
        await eventually(
          () => control.results.some((result) => result.data?.[field]?.id === newest),
          'the late event at a full-access subscriber',
          15_000,
        );
        assert.deepEqual(subscription.results, [], 'A hears nothing of B');
        control.unsubscribe();
      }
      subscription.unsubscribe();
      return subscription.results;
    };
  }

  /** The events about a partner, newest first. */
  async function eventsAbout(partnerId: string): Promise<{ id: string }[]> {
    const events = await full<{ events: { nodes: { id: string; partnerId: string | null }[] } }>(
      '{ events(first: 100) { nodes { id ... on OrderEvent { partnerId } ... on PartnerEvent { partnerId } } } }',
    );
    let page = events.events.nodes;
    let all = page;
    while (page.length === 100) {
      const next = await full<{ events: { nodes: { id: string; partnerId: string | null }[] } }>(
        'query ($after: String) { events(first: 100, after: $after) { nodes { id ... on OrderEvent { partnerId } ... on PartnerEvent { partnerId } } } }',
        { after: page.at(-1)!.id },
      );
      page = next.events.nodes;
      all = [...all, ...page];
    }
    return all.filter((event) => event.partnerId === partnerId).reverse();
  }

  it('has a matrix entry for every Query, Mutation and Subscription root field of the schema', async () => {
    const schema = await buildGraphSchema();
    const entries = matrix();
    const roots = {
      Query: schema.getQueryType(),
      Mutation: schema.getMutationType(),
      Subscription: schema.getSubscriptionType(),
    };
    for (const [type, root] of Object.entries(roots)) {
      assert.ok(root, type);
      assert.deepEqual(
        Object.keys(entries[type as keyof typeof roots]).sort(),
        Object.keys(root.getFields()).sort(),
        `${type}: every root field needs a matrix entry`,
      );
    }
  });

  it('answers 401 to a key the file does not hold, and to the hash a hash-only entry stores', async () => {
    for (const key of ['matrix-key-unknown-0123456789', sha256(KEY_B)]) {
      const response = await as(key, '{ partners(first: 1) { totalCount } }');
      assert.equal(response.status, 401, key);
      assert.deepEqual(
        response.body.errors?.map((error) => error.extensions?.code),
        ['UNAUTHENTICATED'],
      );
    }
    // The file's hash-only key itself works.
    const b = await as(KEY_B, 'query ($id: ID!) { partner(id: $id) { id } }', { id: PARTNER_B });
    assert.deepEqual(b.body, { data: { partner: { id: PARTNER_B } } });
  });

  it('refuses a read-only key every mutation with FORBIDDEN (403), before any vendor call, over HTTP and graphql-ws', async () => {
    const before = await upstreamCalls(stack.gateway);
    for (const [field, entry] of Object.entries(matrix().Mutation)) {
      for (const probe of entry.probes) {
        const response = (await probe(KEY_READ_ONLY)) as GraphQLResponse;
        assert.equal(response.status, 403, `${field}: ${JSON.stringify(response.body)}`);
        assert.deepEqual(
          response.body.errors?.map((error) => error.extensions?.code),
          ['FORBIDDEN'],
          `${field}: ${JSON.stringify(response.body)}`,
        );
        assert.equal(response.body.data, undefined, field);
      }
    }
    // Not one upstream call: the operation was refused before any resolver ran.
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {});
    const overWs = ws(KEY_READ_ONLY).subscribe(
      'mutation { createPartner(input: { externalId: "MATRIX-WS", name: "Over ws" }) { partner { id } } }',
    );
    const { error } = await overWs.ended;
    const errors = (Array.isArray(error) ? error : [error]) as { extensions?: { code?: string } }[];
    assert.deepEqual(
      errors.map((each) => each.extensions?.code),
      ['FORBIDDEN'],
      JSON.stringify(error),
    );
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {});
    // The same key reads.
    const read = await as(KEY_READ_ONLY, '{ partners(first: 1) { totalCount } }');
    assert.equal(read.body.errors, undefined, JSON.stringify(read.body.errors));
  });

  it('shows A nothing of B at any root field, and changes nothing of B', async () => {
    const entries = matrix();
    const before = await upstreamCalls(stack.gateway);
    const snapshot = () =>
      full(
        `query ($b: ID!, $o: ID!, $a: ID!) { partner(id: $b) { name phone links { channelManagerPartnerId nationalExpressAccountIds } }
          order(id: $o) { status sellToOrderReference } account(id: $a) { linkedTicketCount updatedAt } }`,
        { b: PARTNER_B, o: seen.orderB, a: seen.accountB },
      );
    const bBefore = await snapshot();
    for (const [type, fields] of Object.entries(entries)) {
      if (type === 'Subscription') continue;
      for (const [field, entry] of Object.entries(fields)) {
        const answers = [];
        for (const probe of entry.probes) answers.push(((await probe(KEY_A)) as GraphQLResponse).body);
        assertNothingForeign(`${type}.${field}`, answers);
        if (entry.expect) entry.expect(answers);
        // Without a stated expectation the answer must be a plain success: an error proves nothing.
        else
          for (const answer of answers)
            assert.equal(answer.errors, undefined, `${field}: ${JSON.stringify(answer)}`);
      }
    }
    assert.deepEqual(await snapshot(), bBefore, "B's partner, order and account are as they were");
    const writes = Object.keys(callsSince(before, await upstreamCalls(stack.gateway))).filter((call) =>
      /\.(create|update|replace|confirm|cancel|link|unlink)/i.test(call),
    );
    // The one write A may make: its own subscription order.
    assert.deepEqual(writes, [], 'no vendor write on behalf of A against B');
  });

  it('streams A nothing of B over graphql-ws, with or without a partnerId', async () => {
    for (const [field, entry] of Object.entries(matrix().Subscription)) {
      for (const probe of entry.probes) assertNothingForeign(`Subscription.${field}`, await probe(KEY_A));
    }
  });

  it('shows A its own data at every vendor (positive control)', async () => {
    const answer = await as(
      KEY_A,
      `query ($a: ID!, $o: ID!, $po: ID!, $c: ID!, $acc: ID!, $cm: ID!) {
        partner(id: $a) { id links { channelManagerPartnerId nationalExpressAccountIds } ticketOrders { nodes { id } } portalOrders { nodes { id } } }
        partners { totalCount nodes { id } }
        order(id: $o) { id partner { id } }
        orders(partnerId: $cm) { nodes { id } }
        portalOrder(id: $po) { id partner { id } }
        cardOrder(id: $c) { id }
        cardOrders { nodes { id } }
        account(id: $acc) { id }
        accounts { totalCount nodes { id } }
        events(first: 100) { nodes { ... on OrderEvent { partnerId } ... on PartnerEvent { partnerId } } }
      }`,
      {
        a: PARTNER_A,
        o: seen.orderA,
        po: seen.portalOrderA,
        c: seen.cardOrderA,
        acc: seen.accountA,
        cm: CM_PARTNER_A,
      },
    );
    assert.equal(answer.body.errors, undefined, JSON.stringify(answer.body.errors));
    type Ids = { nodes: { id: string }[] };
    const data = answer.body.data as {
      partner: { links: unknown; ticketOrders: Ids; portalOrders: Ids };
      partners: unknown;
      order: unknown;
      orders: Ids;
      portalOrder: unknown;
      cardOrder: unknown;
      cardOrders: Ids;
      account: unknown;
      accounts: unknown;
      events: { nodes: { partnerId: string }[] };
    };
    assert.deepEqual(data.partner.links, {
      channelManagerPartnerId: CM_PARTNER_A,
      nationalExpressAccountIds: [seen.accountA],
    });
    assert.ok(data.partner.ticketOrders.nodes.some((o) => o.id === seen.orderA));
    assert.ok(data.partner.portalOrders.nodes.some((o) => o.id === seen.portalOrderA));
    assert.deepEqual(data.partners, { totalCount: 1, nodes: [{ id: PARTNER_A }] });
    assert.deepEqual(data.order, { id: seen.orderA, partner: { id: PARTNER_A } });
    assert.ok(data.orders.nodes.some((o) => o.id === seen.orderA));
    assert.deepEqual(data.portalOrder, { id: seen.portalOrderA, partner: { id: PARTNER_A } });
    assert.deepEqual(data.cardOrder, { id: seen.cardOrderA });
    assert.deepEqual(data.cardOrders.nodes, [{ id: seen.cardOrderA }]);
    assert.deepEqual(data.account, { id: seen.accountA });
    assert.deepEqual(data.accounts, { totalCount: 1, nodes: [{ id: seen.accountA }] });
    assert.ok(data.events.nodes.length > 0 && data.events.nodes.every((e) => e.partnerId === PARTNER_A));
  });
});
