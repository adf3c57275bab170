import type { GatewayContext } from '../../context.js';
import type { LiveSubscriptions } from '../../events/live-subscriptions.js';

/** What a subscription needs beyond an ordinary operation: the process's streams and fresh contexts. */
export interface LiveEvents {
  subscriptions: LiveSubscriptions;
  /**
   * A new operation context (caller, deadline, loaders) for one delivered event: a subscription lives for hours,
   * and one built at subscribe time would answer later events from loaders filled by earlier ones.
   */
  freshContext(): GatewayContext;
}

/** The context of operations over graphql-ws; `live` is absent over HTTP, which has no subscriptions. */
export type SubscriptionContext = GatewayContext & { live?: LiveEvents };
