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

/**
 * One operation's context. Each vendor's scope (its loaders, their caches and concurrency limits), the product
 * catalogue and the request's logger are made the first time the operation reaches for them: one ticket order
 * never builds the other four vendors' loaders. Apollo hands each operation a shallow copy of the context (own
 * properties onto the same prototype), so what is made lazily lives in one `made` record that the copy shares:
 * an object literal's getters would all run at that copy, and private fields would not be copied at all.
 */
class OperationContext implements GatewayContext {
  readonly scope: CallScope;
  readonly store: Store;
  readonly access: Access;
  private readonly made: {
    channelManager?: ChannelManagerScope;
    partnerPortal?: PartnerPortalScope;
    nfcTagify?: NfcTagifyScope;
    nationalExpress?: NationalExpressScope;
    partnerOrders?: PartnerOrdersScope;
    products?: ProductCatalogue;
    logger?: Logger;
  } = {};

  constructor(
    private readonly services: GatewayServices,
    readonly requestId: string,
    readonly caller: Caller,
  ) {
    this.scope = { requestId, deadline: Date.now() + services.config.operationTimeoutMs, vendorCalls: 0 };
    this.store = services.store;
    const loaders = (): PartnerPortalScope['loaders'] => this.partnerPortal.loaders;
    this.access = new Access(caller, {
      claims: services.store.claims,
      get partnerIdByChannelManagerId() {
        return loaders().partnerIdByChannelManagerId;
      },
    });
  }

  /** The key's name and fingerprint, never the key. */
  get logger(): Logger {
    return (this.made.logger ??= this.services.logger.child({
      requestId: this.requestId,
      keyId: this.caller.keyId,
      keyName: this.caller.name,
    }));
  }

  get channelManager(): ChannelManagerScope {
    return (this.made.channelManager ??= createChannelManagerScope(
      this.services.vendors.channelManager,
      this.scope,
      this.services.config.vendorConcurrency,
      this.services.publishTicketOrder,
    ));
  }

  /** One scope per vendor per operation: products and partners share the same loaders (and so their caches). */
  get partnerPortal(): PartnerPortalScope {
    return (this.made.partnerPortal ??= createPartnerPortalScope(
      this.services.vendors.partnerPortal,
      this.scope,
      this.services.store.links,
      this.services.config.vendorConcurrency,
    ));
  }

  get nfcTagify(): NfcTagifyScope {
    return (this.made.nfcTagify ??= createNfcTagifyScope(
      this.services.vendors.nfcTagify,
      this.scope,
      this.services.config.vendorConcurrency,
      this.services.store.idempotency,
    ));
  }

  get nationalExpress(): NationalExpressScope {
    return (this.made.nationalExpress ??= createNationalExpressScope(
      this.services.vendors.nationalExpress,
      this.scope,
      this.services.config.vendorConcurrency,
    ));
  }

  get partnerOrders(): PartnerOrdersScope {
    return (this.made.partnerOrders ??= createPartnerOrdersScope(
      this.services.vendors.partnerOrders,
      this.scope,
      this.services.store,
    ));
  }

  get products(): ProductCatalogue {
    return (this.made.products ??= new ProductCatalogue(this.partnerPortal, this.nfcTagify, this.scope));
  }
}

export function createContext(services: GatewayServices, requestId: string, caller: Caller): GatewayContext {
  return new OperationContext(services, requestId, caller);
}
