import type { Caller } from './auth.js';
import type { GatewayConfig } from './config.js';
import type { Logger } from './logger.js';
import type { CallScope } from './vendors/http.js';
import type { ChannelManagerClient } from './vendors/navipartner/client.js';
import { createChannelManagerLoaders } from './vendors/navipartner/loaders.js';
import type { ChannelManagerLoaders } from './vendors/navipartner/loaders.js';
import { ChannelManagerOrderCommands } from './vendors/navipartner/order-commands.js';

/** The vendor clients: one per configured vendor, shared by all requests, stateless. */
export interface VendorClients {
  channelManager: ChannelManagerClient;
}

/** What lives as long as the process. */
export interface GatewayServices {
  config: GatewayConfig;
  logger: Logger;
  vendors: VendorClients;
}

/** What lives as long as one GraphQL operation: the caller, its deadline, and fresh loaders for every vendor. */
export interface GatewayContext {
  requestId: string;
  caller: Caller;
  scope: CallScope;
  logger: Logger;
  channelManager: {
    loaders: ChannelManagerLoaders;
    commands: ChannelManagerOrderCommands;
  };
}

export function createContext(services: GatewayServices, requestId: string, caller: Caller): GatewayContext {
  const scope: CallScope = { requestId, deadline: Date.now() + services.config.operationTimeoutMs };
  const { channelManager } = services.vendors;
  const loaders = createChannelManagerLoaders(channelManager, scope, services.config.vendorConcurrency);
  return {
    requestId,
    caller,
    scope,
    logger: services.logger.child({ requestId }),
    channelManager: { loaders, commands: new ChannelManagerOrderCommands(channelManager, loaders, scope) },
  };
}
