import { getNamedType } from 'graphql';
import type { GraphQLArgument, GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { BadUserInputError } from '../../errors/gateway-errors.js';

/** No vendor's identifier comes near this; a longer one would only make an oversized vendor URL. */
export const MAX_ID_LENGTH = 200;

const isIdArgument = (arg: GraphQLArgument): boolean => getNamedType(arg.type).name === 'ID';

/**
 * Refuses an `ID` argument longer than `MAX_ID_LENGTH`, naming the argument: ids end up in vendor URLs, and a
 * vendor answers a URL of many kilobytes with HTTP 414/431, which says nothing about the input.
 */
function checkIdArguments(idArguments: readonly GraphQLArgument[], args: Record<string, unknown>): void {
  for (const arg of idArguments) {
    const value = args[arg.name];
    for (const id of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (typeof id === 'string' && id.length > MAX_ID_LENGTH) {
        throw new BadUserInputError(
          `${arg.name} must be at most ${MAX_ID_LENGTH} characters, got ${id.length}.`,
          arg.name,
        );
      }
    }
  }
}

type Resolver = GraphQLFieldResolver<unknown, unknown, Record<string, unknown>>;
type RootEntry = Resolver | { subscribe?: Resolver; resolve?: Resolver };

/**
 * Puts the check in front of every root field (queries, mutations, subscriptions) with `ID` arguments, before its
 * resolver (or its `subscribe`) runs. Only root fields take ids, and only they are wrapped: a type-graphql global
 * middleware would also route every plain property of every object through an async middleware chain, a promise
 * per field of a large answer (the benchmark's dashboard resolves tens of thousands).
 */
export function guardIdArguments(schema: GraphQLSchema, resolvers: Record<string, unknown>): void {
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    const entries = root ? (resolvers[root.name] as Record<string, RootEntry> | undefined) : undefined;
    if (!root || !entries) continue;
    for (const field of Object.values(root.getFields())) {
      const idArguments = field.args.filter(isIdArgument);
      const entry = entries[field.name];
      if (idArguments.length === 0 || entry === undefined) continue;
      const guard =
        (resolve: Resolver): Resolver =>
        (source, args, context, info) => {
          checkIdArguments(idArguments, args);
          return resolve(source, args, context, info);
        };
      entries[field.name] =
        typeof entry === 'function'
          ? guard(entry)
          : {
              ...entry,
              ...(entry.subscribe ? { subscribe: guard(entry.subscribe) } : {}),
              ...(entry.resolve ? { resolve: guard(entry.resolve) } : {}),
            };
    }
  }
}
