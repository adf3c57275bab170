import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GraphQLInterfaceType, GraphQLObjectType, GraphQLSchema, GraphQLString, parse } from 'graphql';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import type { GatewayExecutor, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { Trace } from '@apollo/usage-reporting-protobuf';
import { loadConfig } from '../../src/config.js';
import { jitGateway } from '../../src/graph/executor.js';
import { SEEDED_ORDER_ID } from '../../src/vendors/navipartner/sandbox.js';
import { startStack, TEST_API_KEY } from '../support/stack.js';
import type { GraphQLResponse, TestStack } from '../support/stack.js';

const PARTNER = 'ptn_01JSEED0000000000000000001';
const ACCOUNT = 'NXA-100001';
const WEBHOOK_SECRET = 'whsec_executor_test_0123456789abcdef';

/**
 * Operations whose answers must not depend on the executor: every kind of selection the schema has (lists,
 * nested vendor hops, an interface and a union, federation's `_entities`, introspection), and every kind of
 * failure (a bad variable, a field error with its path, a null for a missing object, a failed validation).
 */
/** What a case must answer on both, so that a case can never pass by failing alike: data, errors, or both. */
type Answer = 'data' | 'errors' | 'data and errors';

const SAME_ANSWER: { name: string; answer: Answer; query: string; variables?: Record<string, unknown> }[] = [
  { name: 'floor', answer: 'data', query: '{ __typename }' },
  {
    name: 'an order with every hop',
    answer: 'data',
    query: `query ($id: ID!) { order(id: $id) { id status partnerId receivedAt items { lineNo itemNumber quantity
      visitDate visitTime product { id name price { amount currency } } wallets { walletReferenceNumber name
      unitPriceInclVat { amount currency } tickets { referenceNumber type product { id name } account { id } } } }
      partner { id name } } }`,
    variables: { id: SEEDED_ORDER_ID },
  },
  {
    name: 'lists and pages',
    answer: 'data',
    query: `{ partners(first: 3) { totalCount nodes { id name ticketOrders(first: 2) { totalCount nodes { id } } } }
      products(first: 5) { nodes { id name vendor } } cardOrders(first: 2) { nodes { id status total { amount currency } } } }`,
  },
  {
    name: 'an account and its tickets',
    answer: 'data',
    query: `query ($id: ID!) { account(id: $id) { id name email status tickets(first: 5) { nodes { referenceNumber order { id } } } } }`,
    variables: { id: ACCOUNT },
  },
  {
    name: "federation's _entities (a union resolved per representation)",
    answer: 'data',
    query: `query ($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Partner { id name }
      ... on Order { id status } ... on Account { id } } }`,
    variables: {
      r: [
        { __typename: 'Partner', id: PARTNER },
        { __typename: 'Order', id: SEEDED_ORDER_ID },
        { __typename: 'Account', id: ACCOUNT },
      ],
    },
  },
  { name: 'introspection', answer: 'data', query: '{ __schema { types { name kind fields { name } } } }' },
  {
    name: 'a variable of the wrong type (BAD_USER_INPUT, 400)',
    answer: 'errors',
    query: 'query ($first: Int) { partners(first: $first) { totalCount } }',
    variables: { first: 'ten' },
  },
  {
    name: 'a missing non-null variable',
    answer: 'errors',
    query: 'query ($id: ID!) { order(id: $id) { id } }',
    variables: {},
  },
  {
    name: 'a missing order (null, no error)',
    answer: 'data',
    query: '{ order(id: "00000000-0000-4000-8000-000000000000") { id } }',
  },
  {
    name: 'a field error with its path',
    answer: 'data and errors',
    query: `{ ok: partner(id: "${PARTNER}") { id } bad: partner(id: "${'x'.repeat(300)}") { id } }`,
  },
  { name: 'a validation error', answer: 'errors', query: '{ order { id nope } }' },
];

/** What may differ between two gateways over two sandboxes: the request id a masked error names. */
function comparable(response: GraphQLResponse): unknown {
  return JSON.parse(JSON.stringify(response.body).replace(/"requestId":"[^"]*"/g, '"requestId":"…"'));
}

describe('the executor (GATEWAY_EXECUTOR)', () => {
  let jit: TestStack;
  let js: TestStack;

  before(async () => {
    // PartnerPortal's webhooks fill the inbox the events query reads.
    jit = await startStack({ seed: true, partnerPortalWebhookSecret: WEBHOOK_SECRET });
    js = await startStack({ seed: true, env: { GATEWAY_EXECUTOR: 'graphql-js' } });
  });
  after(async () => {
    await jit?.close();
    await js?.close();
  });

  it('defaults to graphql-jit, takes graphql-js, and names the variable and its values otherwise', () => {
    const base = { GATEWAY_API_KEYS: 'k'.repeat(24) };
    assert.equal(loadConfig(base).graphqlExecutor, 'graphql-jit');
    assert.equal(loadConfig({ ...base, GATEWAY_EXECUTOR: 'graphql-js' }).graphqlExecutor, 'graphql-js');
    assert.throws(
      () => loadConfig({ ...base, GATEWAY_EXECUTOR: 'jit' }),
      /GATEWAY_EXECUTOR.*graphql-jit.*graphql-js/,
    );
  });

  for (const operation of SAME_ANSWER) {
    it(`answers ${operation.name} exactly as graphql-js does`, async () => {
      const [a, b] = await Promise.all([
        jit.gql(operation.query, operation.variables),
        js.gql(operation.query, operation.variables),
      ]);
      assert.equal(a.status, b.status);
      assert.deepEqual(comparable(a), comparable(b));
      const got: Answer = a.body.errors ? (a.body.data ? 'data and errors' : 'errors') : 'data';
      assert.equal(got, operation.answer, JSON.stringify(a.body).slice(0, 500));
    });
  }

  it('gives a federation router the same field-level trace (ftv1) as graphql-js', async () => {
    const tree = async (stack: TestStack) => {
      const response = await fetch(stack.graphqlUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${TEST_API_KEY}`,
          'apollo-federation-include-trace': 'ftv1',
        },
        body: JSON.stringify({ query: '{ partners(first: 2) { nodes { id name } } }' }),
      });
      const body = (await response.json()) as { extensions?: { ftv1?: string } };
      assert.ok(body.extensions?.ftv1, 'no ftv1 trace in the answer');
      const paths: string[] = [];
      const walk = (node: Trace.INode, path: string) => {
        for (const child of node.child ?? []) {
          const at = `${path}/${child.responseName || child.index}`;
          paths.push(at);
          walk(child, at);
        }
      };
      walk(Trace.decode(Buffer.from(body.extensions.ftv1, 'base64')).root ?? {}, '');
      return paths;
    };
    const [fromJit, fromJs] = await Promise.all([tree(jit), tree(js)]);
    assert.deepEqual(fromJit, fromJs);
    assert.ok(fromJit.includes('/partners/nodes/0/name'), JSON.stringify(fromJit));
  });

  it('runs the fields of a mutation one after the other, in the order asked', async () => {
    const phones = ['+44 20 7946 0001', '+44 20 7946 0002', '+44 20 7946 0003'];
    const mutation = `mutation ($id: ID!) { ${phones
      .map((phone, n) => `m${n}: updatePartner(id: $id, input: { phone: "${phone}" }) { partner { phone } }`)
      .join(' ')} }`;
    const answer = await jit.gql<Record<string, { partner: { phone: string } }>>(mutation, { id: PARTNER });
    assert.equal(answer.body.errors, undefined, JSON.stringify(answer.body.errors));
    assert.deepEqual(
      phones.map((_, n) => answer.body.data?.[`m${n}`]?.partner.phone),
      phones,
    );
    const read = await jit.gql<{ partner: { phone: string } }>(`{ partner(id: "${PARTNER}") { phone } }`);
    assert.equal(read.body.data?.partner.phone, phones.at(-1));
  });

  it("resolves the inbox's interface and union types", async () => {
    await jit.gql(
      `mutation { updatePartner(id: "${PARTNER}", input: { phone: "+44 20 7946 0009" }) { userErrors { code } } }`,
    );
    // PartnerPortal announces the change by webhook; the inbox has it a moment later.
    for (let waited = 0; ; waited += 50) {
      const events = await jit.gql<{ events: { nodes: { __typename: string; type: string }[] } }>(
        `{ events(first: 50) { nodes { __typename type ... on PartnerEvent { partnerId }
          ... on OrderEvent { order { __typename ... on Order { id } ... on PortalOrder { id } } } } } }`,
      );
      assert.equal(events.body.errors, undefined, JSON.stringify(events.body.errors));
      const nodes = events.body.data?.events.nodes ?? [];
      if (nodes.some((node) => node.__typename === 'PartnerEvent' && node.type === 'partner.updated')) break;
      assert.ok(waited < 5_000, `no partner.updated PartnerEvent in ${JSON.stringify(nodes)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
});

describe('the graphql-jit executor on its own', () => {
  const Named = new GraphQLInterfaceType({ name: 'Named', fields: { name: { type: GraphQLString } } });
  const Cat = new GraphQLObjectType({
    name: 'Cat',
    interfaces: [Named],
    fields: { name: { type: GraphQLString } },
  });
  const schemaWith = (resolveType: GraphQLInterfaceType['resolveType']) => {
    Named.resolveType = resolveType;
    return new GraphQLSchema({
      types: [Cat],
      query: new GraphQLObjectType({
        name: 'Query',
        fields: { pet: { type: Named, resolve: () => ({ name: 'Tom' }) } },
      }),
    });
  };
  const executorOf = async (schema: GraphQLSchema): Promise<GatewayExecutor> => {
    const loaded = await jitGateway(schema).load({ apollo: {} });
    assert.ok(loaded.executor);
    return loaded.executor;
  };
  const run = (executor: GatewayExecutor, document: DocumentNode, operationName: string | null) =>
    executor({
      document,
      operationName,
      operation: document.definitions[0] as OperationDefinitionNode,
      context: {},
      request: {},
    } as unknown as GatewayGraphQLRequestContext);

  it('refuses to start on an interface or union whose resolveType is async, naming it', () => {
    assert.throws(
      () => jitGateway(schemaWith(async () => Promise.resolve('Cat'))),
      /Named\.resolveType is async/,
    );
  });

  it('answers through graphql-jit, and leaves what it cannot compile to graphql-js', async () => {
    const executor = await executorOf(schemaWith(() => 'Cat'));
    const document = parse('query Pet { pet { __typename name } }');
    assert.deepEqual(await run(executor, document, 'Pet'), {
      data: { pet: { __typename: 'Cat', name: 'Tom' } },
    });
    // graphql-jit cannot compile an operation the document does not have; graphql-js answers as it always has.
    const answer = await run(executor, document, 'Missing');
    assert.equal(answer.data, undefined);
    assert.equal(answer.errors?.[0]?.message, 'Unknown operation named "Missing".');
  });
});
