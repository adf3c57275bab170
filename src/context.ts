import { Access } from './access/access.js';
import type { Caller } from './auth.js';
import type { EventFeed } from './events/event-feed.js';
import type { OrderChangePublisher } from './vendors/navipartner/order-commands.js';
import { ProductCatalogue } from './graph/products/product-catalogue.js';
import type { GatewayConfig } from './config.js';
import type { Logger } from './logger.js';
import type { Store } from './store/store.js';
import type { CallScope } from './vendors/http.js';
import type { NfcTagifyClient } from './vendors/nfctagify/client.js';
import { createNfcTagifyScope } from './vendors/nfctagify/scope.js';
import type { NfcTagifyScope } from './vendors/nfctagify/scope.js';
import type { ChannelManagerClient } from './vendors/navipartner/client.js';
import { createChannelManagerScope } from './vendors/navipartner/scope.js';
import type { ChannelManagerScope } from './vendors/navipartner/scope.js';
import type { NationalExpressClient } from './vendors/nationalexpress/client.js';
import { createNationalExpressScope } from './vendors/nationalexpress/scope.js';
import type { NationalExpressScope } from './vendors/nationalexpress/scope.js';
import type { PartnerOrdersClient } from './vendors/partnerorders/client.js';
import { createPartnerOrdersScope } from './vendors/partnerorders/scope.js';
import type { PartnerOrdersScope } from './vendors/partnerorders/scope.js';
import type { PartnerPortalClient } from './vendors/partnerportal/client.js';
import { createPartnerPortalScope } from './vendors/partnerportal/scope.js';
import type { PartnerPortalScope } from './vendors/partnerportal/scope.js';

/** The vendor clients: one per configured vendor, shared by all requests, stateless. */
export interface VendorClients {
  channelManager: ChannelManagerClient;
  partnerPortal: PartnerPortalClient;
  nfcTagify: NfcTagifyClient;
  nationalExpress: NationalExpressClient;
  partnerOrders: PartnerOrdersClient;
}

/** What lives as long as the process. */
export interface GatewayServices {
  config: GatewayConfig;
  logger: Logger;
  vendors: VendorClients;
  store: Store;
  /** Puts ticket-order changes made through our mutations into the event inbox. */
  publishTicketOrder: OrderChangePublisher;
  /** Wakes subscriptions in this process when any process stores an event. */
  feed: EventFeed;
}

/**
 * What lives as long as one GraphQL operation: the caller, its deadline, and a fresh scope (loaders and writes)
 * for every vendor. Nothing here outlives the operation, so one caller's cache never answers another.
 */
export interface GatewayContext {
  requestId: string;
  caller: Caller;
  /** What the caller's key may see and change: every resolver asks it (see `src/access/access.ts`). */
  access: Access;
  scope: CallScope;
  logger: Logger;
  store: Store;
  channelManager: ChannelManagerScope;
  partnerPortal: PartnerPortalScope;
  nfcTagify: NfcTagifyScope;
  nationalExpress: NationalExpressScope;
  partnerOrders: PartnerOrdersScope;
  /** Both catalogues, by id, sku or whole, over this operation's loaders. */
  products: ProductCatalogue;
}

export function createContext(services: GatewayServices, requestId: string, caller: Caller): GatewayContext {
  const scope: CallScope = { requestId, deadline: Date.now() + services.config.operationTimeoutMs };
  const { vendors, config, store } = services;
  // Each vendor's scope (its loaders, their caches and concurrency limits) is made the first time the operation
  // reaches for it: one ticket order never builds the other four vendors' loaders (the profile of the order
  // scenario showed their construction).
  let channelManager: ChannelManagerScope | undefined;
  let partnerPortal: PartnerPortalScope | undefined;
  let nfcTagify: NfcTagifyScope | undefined;
  let nationalExpress: NationalExpressScope | undefined;
  let partnerOrders: PartnerOrdersScope | undefined;
  let products: ProductCatalogue | undefined;
  let logger: Logger | undefined;
  const context: GatewayContext = {
    requestId,
    caller,
    access: new Access(caller, {
      claims: store.claims,
      get partnerIdByChannelManagerId() {
        return context.partnerPortal.loaders.partnerIdByChannelManagerId;
      },
    }),
    scope,
    // The key's name and fingerprint, never the key. Made on first use: most operations log nothing.
    get logger() {
      return (logger ??= services.logger.child({ requestId, keyId: caller.keyId, keyName: caller.name }));
    },
    store,
    get channelManager() {
      return (channelManager ??= createChannelManagerScope(
        vendors.channelManager,
        scope,
        config.vendorConcurrency,
        services.publishTicketOrder,
      ));
    },
    // One scope per vendor per operation: products and partners share the same loaders (and so their caches).
    get partnerPortal() {
      return (partnerPortal ??= createPartnerPortalScope(
        vendors.partnerPortal,
        scope,
        store.links,
        config.vendorConcurrency,
      ));
    },
    get nfcTagify() {
      return (nfcTagify ??= createNfcTagifyScope(
        vendors.nfcTagify,
        scope,
        config.vendorConcurrency,
        store.idempotency,
      ));
    },
    get nationalExpress() {
      return (nationalExpress ??= createNationalExpressScope(
        vendors.nationalExpress,
        scope,
        config.vendorConcurrency,
      ));
    },
    get partnerOrders() {
      return (partnerOrders ??= createPartnerOrdersScope(vendors.partnerOrders, scope, store));
    },
    get products() {
      return (products ??= new ProductCatalogue(context.partnerPortal, context.nfcTagify, scope));
    },
  };
  return context;
}
