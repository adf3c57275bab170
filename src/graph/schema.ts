import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import { lexicographicSortSchema, parse } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema, createResolversMap } from 'type-graphql';
import type { PubSub } from 'type-graphql';
import { AccountResolver } from './accounts/account.resolver.js';
import { TicketAccountResolver } from './accounts/ticket-account.resolver.js';
import { guardIdArguments } from './common/bounded-id.js';
import { CardOrderLineResolver, CardOrderResolver } from './card-orders/card-order.resolver.js';
import {
  OrderItemRelationsResolver,
  OrderRelationsResolver,
  TicketRelationsResolver,
} from './orders/order-relations.resolver.js';
import { EventResolver, OrderEventResolver, PartnerEventResolver } from './events/event.resolver.js';
import { resolveEventOrderType } from './events/event-order.union.js';
import { resolveEventType } from './events/event.type.js';
import { OrderResolver } from './orders/order.resolver.js';
import { ProductResolver } from './products/product.resolver.js';
import { PartnerResolver } from './partners/partner.resolver.js';
import { PortalOrderLineResolver, PortalOrderResolver } from './portal-orders/portal-order.resolver.js';
import { SubscriptionOrderResolver } from './subscription-orders/subscription-order.resolver.js';
import { referenceResolvers } from './federation/reference-resolvers.js';

/**
 * The whole graph, as an Apollo Federation 2 subgraph. Validation is not left to type-graphql: mutations validate
 * their inputs themselves so broken rules come back as `userErrors` naming the field, instead of a top-level
 * error.
 *
 * type-graphql builds the schema and its resolvers; `@apollo/subgraph` rebuilds it from the printed SDL (with the
 * `@key`s) plus the same resolvers and the entities' reference resolvers, adding `_service` and `_entities`. The
 * result serves HTTP and graphql-ws alike: subscriptions keep their `subscribe`.
 */
export async function buildGraphSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [
      AccountResolver,
      TicketAccountResolver,
      CardOrderResolver,
      CardOrderLineResolver,
      EventResolver,
      OrderEventResolver,
      PartnerEventResolver,
      OrderResolver,
      OrderRelationsResolver,
      OrderItemRelationsResolver,
      TicketRelationsResolver,
      PartnerResolver,
      ProductResolver,
      PortalOrderResolver,
      PortalOrderLineResolver,
      SubscriptionOrderResolver,
    ],
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: false,
    emitSchemaFile: false,
    pubSub: NO_TOPICS,
  });
  // type-graphql has no place to describe the root types; GraphiQL and codegen users read these too.
  for (const [type, description] of ROOT_DESCRIPTIONS) {
    const root = schema.getType(type);
    if (root) root.description = description;
  }
  const resolvers = createResolversMap(schema) as SubgraphResolvers;
  guardIdArguments(schema, resolvers);
  for (const [type, reference] of Object.entries(referenceResolvers)) {
    resolvers[type] = { ...resolvers[type], ...reference } as SubgraphResolvers[string];
  }
  // type-graphql wraps every abstract type's `resolveType` in an async function; graphql-js awaits it, graphql-jit
  // (the default executor) needs the type name at once. Ours are synchronous: they go in unwrapped.
  for (const [type, resolveType] of SYNC_TYPE_RESOLVERS) {
    resolvers[type] = { ...resolvers[type], __resolveType: resolveType } as SubgraphResolvers[string];
  }
  return buildSubgraphSchema({
    typeDefs: parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(lexicographicSortSchema(schema))}`),
    resolvers,
  });
}

const SYNC_TYPE_RESOLVERS = [
  ['Event', resolveEventType],
  ['EventOrder', resolveEventOrderType],
] as const;

/** Resolvers as `buildSubgraphSchema` takes them. */
type SubgraphResolvers = NonNullable<
  Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>['resolvers']
>;

/** The Federation 2 spec this subgraph is written against, as `@apollo/subgraph` expects it. */
const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

/**
 * type-graphql wants a PubSub as soon as the schema has subscriptions, even though ours bring their own
 * `subscribe` (the event inbox, shared by every process through PostgreSQL). Topics are never used.
 */
const NO_TOPICS: PubSub = {
  publish() {
    throw new Error('Subscriptions read the event inbox; there are no in-process topics.');
  },
  subscribe() {
    throw new Error('Subscriptions read the event inbox; there are no in-process topics.');
  },
};

const ROOT_DESCRIPTIONS = [
  ['Query', 'Reads across the partner vendors: ticket orders (Channel Manager) and more as vendors join.'],
  ['Mutation', 'Writes to the partner vendors. Every mutation answers a payload with `userErrors`.'],
  [
    'Subscription',
    'Live changes over graphql-ws on /graphql (authenticated in `connection_init`), resumable with `after`.',
  ],
] as const;

/**
 * The committed SDL, as a router composes it (`_service { sdl }`: `@link`, `@key`s, no federation plumbing):
 * sorted so that moving code around does not show up as a schema change.
 */
export function printGraphSchema(schema: GraphQLSchema): string {
  return `${printSubgraphSchema(lexicographicSortSchema(schema))}\n`;
}
