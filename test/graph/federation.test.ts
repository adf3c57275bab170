import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { SEEDED_ORDER_ID } from '../../src/vendors/navipartner/sandbox.js';
import { callsSince, upstreamCalls } from '../support/upstream-calls.js';
import { startStack, TEST_API_KEY } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

const PARTNER = 'ptn_01JSEED0000000000000000001';
const PORTAL_PRODUCT = 'prd_01JSEED0000000000000000001';
const CARD_PRODUCT = 'prod_abc123';
const ACCOUNT = 'NXA-100001';
const CARD_ORDER = 'ord_seed000001';
const PORTAL_ORDER = 'ord_01JSEED0000000000000000001';
const ENTITIES = ['Partner', 'Order', 'Product', 'Account', 'CardOrder', 'PortalOrder'];

/** `ptn_01JSEED…NN`: the sandbox's seeded partner n (1 is ACME-001). */
const seeded = (n: number) => `ptn_01JSEED${String(n).padStart(19, '0')}`;

const ENTITIES_QUERY = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Partner { id externalId }
    ... on Order { id partnerId }
    ... on Product { id vendor }
    ... on Account { id }
    ... on CardOrder { id createdAt }
    ... on PortalOrder { id status }
  }
}`;

interface EntitiesData {
  _entities: ({ __typename: string; id: string } & Record<string, unknown>)[];
}

/** A second subgraph, as another team would run it: loyalty points for our orders and partners. */
const LOYALTY_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Order @key(fields: "id") {
    id: ID!
    loyaltyPoints: Int
  }

  type Partner @key(fields: "id") {
    id: ID!
    loyaltyPoints: Int
  }
`;
const points = (id: string) => id.length * 10;

/** Forwards our API key to the partner-graph subgraph, as a router configured to propagate it would. */
class AuthorizedDataSource extends RemoteGraphQLDataSource {
  override willSendRequest({ request }: GraphQLDataSourceProcessOptions): void {
    request.http?.headers.set('authorization', `Bearer ${TEST_API_KEY}`);
  }
}

describe('federation: an Apollo Federation 2 subgraph', () => {
  let stack: TestStack;

  before(async () => {
    stack = await startStack({ seed: true });
  });
  after(async () => {
    await stack.close();
  });

  it('prints its SDL with a key on every entity in `_service { sdl }`', async () => {
    const response = await stack.gql<{ _service: { sdl: string } }>('{ _service { sdl } }');
    const sdl = response.body.data?._service.sdl ?? '';
    assert.match(sdl, /@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/);
    for (const entity of ENTITIES) {
      assert.match(sdl, new RegExp(`type ${entity}\\s+@key\\(fields: "id"\\)`), entity);
    }
  });

  it('answers `_entities` for every entity type from the sandboxes, null for unknown ids', async () => {
    const representations = [
      { __typename: 'Partner', id: PARTNER },
      { __typename: 'Order', id: SEEDED_ORDER_ID },
      { __typename: 'Product', id: PORTAL_PRODUCT },
      { __typename: 'Product', id: CARD_PRODUCT },
      { __typename: 'Account', id: ACCOUNT },
      { __typename: 'CardOrder', id: CARD_ORDER },
      { __typename: 'PortalOrder', id: PORTAL_ORDER },
    ];
    const response = await stack.gql<EntitiesData>(ENTITIES_QUERY, { representations });
    assert.equal(response.body.errors, undefined);
    const entities = response.body.data?._entities ?? [];
    assert.deepEqual(
      entities.map((entity) => [entity.__typename, entity.id]),
      representations.map((reference) => [reference.__typename, reference.id]),
    );
    assert.equal(entities[0]?.externalId, 'ACME-001');
    assert.deepEqual([entities[2]?.vendor, entities[3]?.vendor], ['PARTNER_PORTAL', 'NFC_TAGIFY']);

    const unknown = await stack.gql<EntitiesData>(ENTITIES_QUERY, {
      representations: [
        { __typename: 'Partner', id: 'ptn_01JNOSUCHPARTNER0000000000' },
        { __typename: 'Order', id: '00000000-0000-4000-8000-000000000000' },
        { __typename: 'Product', id: 'prd_01JNOSUCHPRODUCT0000000000' },
        { __typename: 'Account', id: 'NXA-999999' },
        { __typename: 'CardOrder', id: 'ord_nosuch000' },
        { __typename: 'PortalOrder', id: 'ord_01JNOSUCHORDER000000000000' },
      ],
    });
    assert.deepEqual(unknown.body, { data: { _entities: [null, null, null, null, null, null] } });
  });

  it('loads a batch of representations as one batch upstream', async () => {
    const ids = [1, 2, 3, 4, 5].map(seeded);
    const before = await upstreamCalls(stack.gateway);
    const response = await stack.gql<EntitiesData>(ENTITIES_QUERY, {
      representations: ids.map((id) => ({ __typename: 'Partner', id })),
    });
    assert.deepEqual(
      response.body.data?._entities.map((entity) => entity.id),
      ids,
    );
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'partner_portal.listPartners': 1,
    });
  });

  it('composes with a second subgraph and answers a query across both through @apollo/gateway', async () => {
    const loyalty = new ApolloServer({
      schema: buildSubgraphSchema({
        typeDefs: parse(LOYALTY_SDL),
        resolvers: {
          Order: { __resolveReference: ({ id }: { id: string }) => ({ id, loyaltyPoints: points(id) }) },
          Partner: { __resolveReference: ({ id }: { id: string }) => ({ id, loyaltyPoints: points(id) }) },
        },
      }),
    });
    const { url: loyaltyUrl } = await startStandaloneServer(loyalty, {
      listen: { host: '127.0.0.1', port: 0 },
    });
    let gatewayServer: ApolloServer | undefined;
    try {
      const ours = await stack.gql<{ _service: { sdl: string } }>('{ _service { sdl } }');
      const composed = composeServices([
        { name: 'partner-graph', url: stack.graphqlUrl, typeDefs: parse(ours.body.data?._service.sdl ?? '') },
        { name: 'loyalty', url: loyaltyUrl, typeDefs: parse(LOYALTY_SDL) },
      ]);
      assert.deepEqual(composed.errors ?? [], []);
      assert.ok(composed.supergraphSdl);

      gatewayServer = new ApolloServer({
        gateway: new ApolloGateway({
          supergraphSdl: composed.supergraphSdl,
          buildService: ({ url }) => new AuthorizedDataSource({ url }),
        }),
      });
      const { url: gatewayUrl } = await startStandaloneServer(gatewayServer, {
        listen: { host: '127.0.0.1', port: 0 },
      });
      const response = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: `query ($id: ID!) {
            order(id: $id) { id status loyaltyPoints partner { id externalId loyaltyPoints } }
          }`,
          variables: { id: SEEDED_ORDER_ID },
        }),
      });
      const body = (await response.json()) as { data?: unknown; errors?: unknown };
      assert.equal(body.errors, undefined);
      const direct = await stack.gql<{ order: { status: string } }>(
        `{ order(id: "${SEEDED_ORDER_ID}") { status } }`,
      );
      assert.deepEqual(body.data, {
        order: {
          id: SEEDED_ORDER_ID,
          status: direct.body.data?.order.status,
          loyaltyPoints: points(SEEDED_ORDER_ID),
          partner: { id: PARTNER, externalId: 'ACME-001', loyaltyPoints: points(PARTNER) },
        },
      });
    } finally {
      await gatewayServer?.stop();
      await loyalty.stop();
    }
  });
});
