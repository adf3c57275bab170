import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import type { ExecutionArgs, FormattedExecutionResult, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import {
  execute,
  getOperationAST,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  subscribe,
  validate,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { operationScopeError } from '../access/operation-scope.js';
import type { ApiKeyAuthenticator, Caller } from '../auth.js';
import { createContext } from '../context.js';
import type { GatewayServices } from '../context.js';
import { ErrorCode } from '../errors/error-code.js';
import { maskError } from '../errors/mask-error.js';
import { PARSE_MAX_TOKENS, operationLimitRules } from '../graph/limits.js';
import type { SubscriptionContext } from '../graph/events/event-context.js';
import type { Logger } from '../logger.js';
import type { LiveSubscriptions } from './live-subscriptions.js';
import type { OriginPolicy } from './origin-policy.js';

export interface SubscriptionServerOptions {
  httpServer: HttpServer;
  path: string;
  schema: GraphQLSchema;
  services: GatewayServices;
  authenticator: ApiKeyAuthenticator;
  origins: OriginPolicy;
  subscriptions: LiveSubscriptions;
  logger: Logger;
}

export interface SubscriptionServer {
  /** Closes every socket (1001 Going away: clients reconnect elsewhere and resume with `after`), then the server. */
  close(): Promise<void>;
}

/** What one graphql-ws connection carries, from `connection_init` until the socket closes. */
// A type, not an interface: graphql-ws wants it indexable.
type ConnectionExtra = {
  caller: Caller;
  /** Request id of each running operation, by the client's operation id. */
  operations: Map<string, string>;
};

/** A peer that does not answer the close handshake is cut off after this long, so shutdown never hangs. */
const CLOSE_GRACE_MS = 1_000;

/** `connection_init` payload keys that may carry the key, as browsers' clients spell them. */
function authorizationOf(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' ? value : undefined;
}

/** graphql-js's own request errors carry no code; Apollo gives them one, and the masking rule relies on it. */
function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    ...(error.nodes ? { nodes: error.nodes } : {}),
    ...(error.source ? { source: error.source } : {}),
    ...(error.positions ? { positions: error.positions } : {}),
    extensions: { ...error.extensions, code },
  });
}

/**
 * graphql-ws on the gateway's HTTP server, at the same path as HTTP GraphQL. The upgrade is refused (403) for a
 * browser origin the gateway does not allow; `connection_init` must carry a client key, as HTTP's Authorization
 * header does, or the socket is closed with 4403. Every operation gets its own context (and every event of a
 * subscription its own again, see `LiveEvents`). Errors leave through the same masking rule as over HTTP.
 */
export function startSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const { logger, schema, services, subscriptions } = options;
  // The same limits as over HTTP (Apollo's `validationRules`, `introspection`, `parseOptions`).
  const rules = [
    ...specifiedRules,
    ...operationLimitRules(),
    ...(services.config.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  const wss = new WebSocketServer({
    server: options.httpServer,
    path: options.path,
    verifyClient: (info, done) => {
      const origin = info.req.headers.origin;
      if (options.origins.allows(origin)) {
        done(true);
        return;
      }
      logger.warn({ origin }, 'websocket refused: origin not allowed');
      done(false, 403, 'Forbidden');
    },
  });

  const mask = (error: GraphQLError, requestId: string | undefined): GraphQLFormattedError =>
    maskError(error.toJSON(), error, {
      ...(requestId ? { requestId } : {}),
      hideSuggestions: services.config.production,
      includeStack: false,
      onMasked: (original) => logger.error({ err: original, requestId }, 'unexpected error masked'),
    });

  const disposable = useServer<Record<string, unknown>, ConnectionExtra>(
    {
      schema,
      // Every line logged while an operation (or a subscription's event) resolves names its request id: the
      // context carries it (`ctx.logger`, the vendor calls' scope), see `logger.ts`.
      execute,
      subscribe,
      // Close reasons never carry internal messages, whatever NODE_ENV says.
      isProd: true,
      onConnect: (ctx) => {
        const caller = options.authenticator.authenticate(authorizationOf(ctx.connectionParams));
        if (!caller) {
          logger.warn('websocket refused: no valid API key in connection_init');
          return false;
        }
        ctx.extra.caller = caller;
        ctx.extra.operations = new Map();
        logger.debug({ keyId: caller.keyId, keyName: caller.name }, 'websocket connected');
        return true;
      },
      onSubscribe: (ctx, id, payload): ExecutionArgs | readonly GraphQLError[] => {
        const requestId = randomUUID();
        ctx.extra.operations?.set(id, requestId);
        let document;
        try {
          document = parse(payload.query, { maxTokens: PARSE_MAX_TOKENS });
        } catch (error) {
          return [withCode(error as GraphQLError, 'GRAPHQL_PARSE_FAILED')];
        }
        const errors = validate(schema, document, rules);
        if (errors.length > 0) return errors.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED'));
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) {
          return [
            new GraphQLError('Unable to identify the operation: name it with `operationName`.', {
              extensions: { code: 'OPERATION_RESOLUTION_FAILURE' },
            }),
          ];
        }
        // The same scope rule as over HTTP, before anything runs.
        const refused = ctx.extra.caller && operationScopeError(ctx.extra.caller, operation.operation);
        if (refused) return [refused];
        logger.info(
          {
            requestId,
            keyId: ctx.extra.caller?.keyId,
            keyName: ctx.extra.caller?.name,
            operationName: payload.operationName ?? undefined,
          },
          'graphql-ws operation',
        );
        return {
          schema,
          document,
          ...(payload.operationName ? { operationName: payload.operationName } : {}),
          ...(payload.variables ? { variableValues: payload.variables } : {}),
        };
      },
      context: (ctx, id): SubscriptionContext => {
        const caller = ctx.extra.caller!;
        const requestId = ctx.extra.operations?.get(id) ?? randomUUID();
        // Added to the context itself: its vendor scopes are getters on its class, which a spread would drop.
        return Object.assign(createContext(services, requestId, caller), {
          live: { subscriptions, freshContext: () => createContext(services, requestId, caller) },
        });
      },
      onNext: (ctx, id, _payload, _args, result): FormattedExecutionResult | void => {
        if (!result.errors?.length) return;
        const requestId = ctx.extra.operations?.get(id);
        return {
          ...(result.data === undefined ? {} : { data: result.data }),
          ...(result.extensions ? { extensions: result.extensions } : {}),
          errors: result.errors.map((error) =>
            // Without a path, graphql-js refused the request before any resolver ran (variable coercion).
            mask(
              error.path === undefined && error.extensions.code === undefined
                ? withCode(error, ErrorCode.BAD_USER_INPUT)
                : error,
              requestId,
            ),
          ),
        };
      },
      onError: (ctx, id, _payload, errors) => {
        const requestId = ctx.extra.operations?.get(id);
        return errors.map((error) => mask(error, requestId));
      },
      onComplete: (ctx, id) => {
        ctx.extra.operations?.delete(id);
      },
    },
    wss,
  );

  let closing: Promise<void> | undefined;
  return {
    close: () =>
      (closing ??= (async () => {
        const cutOff = setTimeout(() => {
          for (const socket of wss.clients) socket.terminate();
        }, CLOSE_GRACE_MS);
        try {
          await disposable.dispose();
        } finally {
          clearTimeout(cutOff);
        }
        // Streams whose socket went without graphql-ws noticing (none expected) end here.
        await subscriptions.close();
      })()),
  };
}
