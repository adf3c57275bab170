import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { operationScopePlugin } from './access/operation-scope.js';
import { jitGateway } from './graph/executor.js';
import { ApiKeyAuthenticator } from './auth.js';
import type { Caller } from './auth.js';
import type { GatewayConfig, VendorEndpoints } from './config.js';
import { createContext } from './context.js';
import { createExpressServer } from './express-server.js';
import type { GatewayContext, GatewayServices } from './context.js';
import { ErrorCode } from './errors/error-code.js';
import { EventFeed } from './events/event-feed.js';
import { graphiqlRouter } from './graphiql/graphiql-router.js';
import { LiveSubscriptions } from './events/live-subscriptions.js';
import { originPolicy } from './events/origin-policy.js';
import { partnerPortalWebhookRouter } from './events/partnerportal-webhook.js';
import { startSubscriptionServer } from './events/subscription-server.js';
import { ticketOrderPublisher } from './events/ticket-order-events.js';
import { EVENTS_CHANNEL } from './store/webhook-inbox.js';
import { maskError } from './errors/mask-error.js';
import { PARSE_MAX_TOKENS, operationLimitRules } from './graph/limits.js';
import { buildGraphSchema } from './graph/schema.js';
import { requestLogger } from './logger.js';
import type { Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import type { Metrics } from './metrics.js';
import { VendorHttp } from './vendors/http.js';
import type { CallScope } from './vendors/http.js';
import { CM_API_KEY_HEADER } from './vendors/navipartner/contract.js';
import { ChannelManagerClient } from './vendors/navipartner/client.js';
import { NationalExpressClient } from './vendors/nationalexpress/client.js';
import { NE_TRACING_HEADER } from './vendors/nationalexpress/contract.js';
import { NfcTagifyClient } from './vendors/nfctagify/client.js';
import { PartnerOrdersClient } from './vendors/partnerorders/client.js';
import { RequestPacer } from './vendors/pacer.js';
import { PartnerPortalClient } from './vendors/partnerportal/client.js';
import { operationGate } from './operation-gate.js';
import type { Store } from './store/store.js';
import { createTransport } from './vendors/transport.js';
import type { Transport } from './vendors/transport.js';

export interface GatewayOptions {
  config: GatewayConfig;
  logger: Logger;
  /** Where each vendor is reached. Real vendors and sandboxes look the same from here. */
  vendors: VendorEndpoints;
  /** The gateway's own database, opened (and migrated) by the caller, closed by the caller. */
  store: Store;
  /** Webhook secrets, when not from the configuration (the embedded default makes one for its sandbox). */
  webhookSecrets?: readonly string[];
  /** Replaces the transport `VENDOR_TRANSPORT` chose, for every vendor. */
  transport?: Transport;
  /**
   * Browser origins allowed to open a subscription WebSocket (`https://app.example.com`; `*` for any), besides
   * the gateway's own (`http://localhost:<port>`, `http://127.0.0.1:<port>`). Default: `GATEWAY_ALLOWED_ORIGINS`.
   */
  allowedOrigins?: readonly string[];
}

export interface RunningGateway {
  /** `http://host:port` */
  origin: string;
  port: number;
  metrics: Metrics;
  /** Subscriptions open in this process (each counted once its starting cursor is fixed). */
  openSubscriptions(): number;
  close(): Promise<void>;
}

const REQUEST_ID = /^[\w.:-]{1,100}$/;

type AuthedRequest = Request & { caller?: Caller; requestId?: string; callScope?: CallScope };

/** The request each error of an operation belongs to (set as the errors are met, read as they are formatted). */
const requestOfError = new WeakMap<object, string>();

function graphqlError(res: Response, status: number, code: ErrorCode, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/** Builds the HTTP server with /graphql, /healthz and /metrics, and starts listening. */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { config, logger } = options;
  const metrics = createMetrics({ defaultMetrics: true });
  const transport =
    options.transport ?? createTransport(config.vendorTransport, { maxSockets: config.vendorMaxSockets });
  const vendorHttp = (
    vendor: string,
    displayName: string,
    endpoint: { baseUrl: string },
    headers: Record<string, string>,
    pacer?: RequestPacer,
    requestIdHeaders?: string[],
  ): VendorHttp =>
    new VendorHttp({
      vendor,
      displayName,
      baseUrl: endpoint.baseUrl,
      headers,
      timeoutMs: config.vendorTimeoutMs,
      breaker: config.vendorBreaker,
      transport,
      metrics,
      logger,
      ...(pacer ? { pacer } : {}),
      ...(requestIdHeaders ? { requestIdHeaders } : {}),
    });
  const { channelManager, partnerPortal, nfcTagify, nationalExpress, partnerOrders } = options.vendors;
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  const feed = new EventFeed();
  const stopListening = await options.store.listen(EVENTS_CHANNEL, feed.notify);
  const services: GatewayServices = {
    config,
    logger,
    store: options.store,
    feed,
    publishTicketOrder: ticketOrderPublisher(options.store, logger),
    vendors: {
      channelManager: new ChannelManagerClient(
        vendorHttp('channel_manager', 'Channel Manager', channelManager, {
          [CM_API_KEY_HEADER]: channelManager.apiKey,
        }),
      ),
      partnerPortal: new PartnerPortalClient(
        vendorHttp('partner_portal', 'PartnerPortal', partnerPortal, bearer(partnerPortal.apiKey)),
      ),
      nfcTagify: new NfcTagifyClient(
        vendorHttp(
          'nfc_tagify',
          'NFC Tagify',
          nfcTagify,
          bearer(nfcTagify.apiKey),
          // The vendor's published budget: waiting briefly here beats collecting its 429s.
          new RequestPacer('NFC Tagify', {
            limit: config.nfcTagifyRequestsPerMinute,
            windowMs: 60_000,
            maxWaitMs: 5_000,
          }),
        ),
      ),
      nationalExpress: new NationalExpressClient(
        // The vendor's Meta block carries a tracing id: ours, so its logs and ours meet.
        vendorHttp(
          'national_express',
          'National Express',
          nationalExpress,
          bearer(nationalExpress.apiKey),
          undefined,
          ['x-request-id', NE_TRACING_HEADER],
        ),
        logger,
      ),
      // Credentials go on each call (a token from the client's cache), never into fixed headers.
      partnerOrders: new PartnerOrdersClient(
        vendorHttp('partner_orders', 'Partner Orders', partnerOrders, {}),
        partnerOrders,
      ),
    },
  };
  const authenticator = new ApiKeyAuthenticator(config.clientKeys);

  const app = express();
  app.disable('x-powered-by');
  const httpServer = createExpressServer(app);
  const schema = await buildGraphSchema();

  // Subscriptions: graphql-ws on the same path, one stream per subscription over the shared inbox and feed.
  const liveSubscriptions = new LiveSubscriptions(options.store.inbox, feed);
  const subscriptionServer = startSubscriptionServer({
    httpServer,
    path: '/graphql',
    schema,
    services,
    authenticator,
    origins: originPolicy({
      allowed: options.allowedOrigins ?? config.allowedOrigins,
      host: config.host,
      port: () => (httpServer.address() as AddressInfo | null)?.port ?? config.port,
    }),
    subscriptions: liveSubscriptions,
    logger,
  });
  const drainSubscriptions: ApolloServerPlugin<GatewayContext> = {
    serverWillStart() {
      return Promise.resolve({
        async drainServer() {
          await subscriptionServer.close();
        },
      });
    },
  };

  const operationMetrics: ApolloServerPlugin<GatewayContext> = {
    requestDidStart() {
      return Promise.resolve({
        // Apollo formats errors without the context: remember whose they are, for the masked message and its log.
        didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) requestOfError.set(error, contextValue.requestId);
          return Promise.resolve();
        },
        willSendResponse({ operationName, response, errors }) {
          const failed =
            Boolean(errors?.length) || (response.body.kind === 'single' && response.body.singleResult.errors);
          metrics.graphqlOperations.inc({
            operation: operationName ?? 'anonymous',
            outcome: failed ? 'error' : 'ok',
          });
          return Promise.resolve();
        },
      });
    },
  };

  const apollo = new ApolloServer<GatewayContext>({
    // graphql-jit by default (`GATEWAY_EXECUTOR`); Apollo's own graphql-js execution otherwise.
    ...(config.graphqlExecutor === 'graphql-jit' ? { gateway: jitGateway(schema) } : { schema }),
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    validationRules: operationLimitRules(),
    parseOptions: { maxTokens: PARSE_MAX_TOKENS },
    // main.ts owns shutdown (gateway, store, sandboxes in order); Apollo's own signal handler would race it.
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => {
      const requestId = requestOfError.get(error as object);
      return maskError(formatted, error, {
        hideSuggestions: config.production,
        requestId,
        includeStack: false,
        onMasked: (original) => logger.error({ err: original, requestId }, 'unexpected error masked'),
      });
    },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      drainSubscriptions,
      ApolloServerPluginLandingPageDisabled(),
      // No field sets a cache hint (vendor data is live), and the default plugin would run a hook on every field
      // of every answer to compute a policy that is always "no cache": 4% of the dashboard's CPU in the profile.
      ApolloServerPluginCacheControlDisabled(),
      operationScopePlugin(),
      operationMetrics,
    ],
  });
  await apollo.start();

  // Every request gets its id before anything else runs: the middleware below logs through a logger bound to it
  // (`requestLogger(req)`), resolvers through `ctx.logger`, vendor calls name it from their scope (`logger.ts`).
  app.use((req: AuthedRequest, res: Response, next: NextFunction) => {
    const incoming = req.header('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  // Vendors call in here: authenticated by signature, not by a client key.
  app.use(
    partnerPortalWebhookRouter({
      secrets: options.webhookSecrets ?? config.partnerPortalWebhookSecrets,
      inbox: options.store.inbox,
      logger,
    }),
  );

  // Browsers opening /graphql get GraphiQL, from our own dependencies (the page is public; its requests carry a key).
  app.use(
    graphiqlRouter({
      enabled: config.graphiql,
      apiKeyForPrefill: config.generatedApiKey ? config.apiKeys[0] : undefined,
    }),
  );

  app.use('/graphql', (req: AuthedRequest, res: Response, next: NextFunction) => {
    const caller = authenticator.authenticate(req.header('authorization'));
    if (!caller) {
      res.setHeader('www-authenticate', 'Bearer realm="partner-graph"');
      graphqlError(
        res,
        401,
        ErrorCode.UNAUTHENTICATED,
        'A valid API key is required: send `Authorization: Bearer <key>`.',
      );
      return;
    }
    req.caller = caller;
    next();
  });

  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    operationGate({
      limit: config.maxConcurrentOperations,
      maxWaitMs: config.operationTimeoutMs,
      callsPerSlot: config.vendorCallsPerSlot,
      vendorCallsOf: (req) => (req as AuthedRequest).callScope?.vendorCalls,
      metrics,
    }),
    expressMiddleware(apollo, {
      context: ({ req }) => {
        const authed = req as AuthedRequest;
        const context = createContext(services, authed.requestId!, authed.caller!);
        // The gate weighs the operation by the vendor calls it makes.
        authed.callScope = context.scope;
        return Promise.resolve(context);
      },
    }),
  );

  app.use((_req, res) => {
    res.status(404).json({ error: 'Not found. GraphQL is served at /graphql.' });
  });

  // Body-parser and other middleware errors: JSON, never Express's HTML page or a stack.
  app.use((error: { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    const status =
      typeof error.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500)
      requestLogger(req, logger).error({ err: error }, 'unexpected error in HTTP middleware');
    const message =
      status === 413
        ? 'The request body is larger than the 1 MB limit.'
        : status === 500
          ? 'Internal server error.'
          : 'The request body is not valid JSON.';
    graphqlError(
      res,
      status,
      status === 500 ? ErrorCode.INTERNAL_SERVER_ERROR : ErrorCode.BAD_USER_INPUT,
      message,
    );
  });

  httpServer.listen(config.port, config.host);
  await once(httpServer, 'listening');
  const { port } = httpServer.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return {
    origin: `http://${host}:${port}`,
    port,
    metrics,
    openSubscriptions: () => liveSubscriptions.size,
    close: async () => {
      await apollo.stop();
      // Already closed by the drain, unless Apollo never got that far.
      await subscriptionServer.close();
      await stopListening();
      transport.close();
    },
  };
}
