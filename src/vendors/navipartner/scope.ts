import type { CallScope } from '../http.js';
import type { ChannelManagerClient } from './client.js';
import { createChannelManagerLoaders } from './loaders.js';
import type { ChannelManagerLoaders } from './loaders.js';
import { ChannelManagerOrderCommands } from './order-commands.js';
import type { OrderChangePublisher } from './order-commands.js';

/** The Channel Manager as one GraphQL operation sees it: fresh loaders, and writes that prime them. */
export interface ChannelManagerScope {
  loaders: ChannelManagerLoaders;
  commands: ChannelManagerOrderCommands;
}

export function createChannelManagerScope(
  client: ChannelManagerClient,
  scope: CallScope,
  concurrency: number,
  publish?: OrderChangePublisher,
): ChannelManagerScope {
  const loaders = createChannelManagerLoaders(client, scope, concurrency);
  return { loaders, commands: new ChannelManagerOrderCommands(client, loaders, scope, publish) };
}
