import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { OrderChangePublisher } from '../vendors/navipartner/order-commands.js';

/**
 * Ticket orders changed through our own mutations go into the same inbox as the vendors' webhooks, so
 * `orderUpdated` subscribers see them with the same ordering, replay and cross-process delivery. The partner is
 * the PartnerPortal partner the Channel Manager partner is linked to (null when unlinked). A failure to publish
 * is logged, never turned into a failed mutation: the vendor has already done the work.
 */
export function ticketOrderPublisher(store: Store, logger: Logger): OrderChangePublisher {
  return async (order, type, requestId) => {
    try {
      const links = order.partnerId
        ? await store.links.byChannelManagerPartnerIds([order.partnerId])
        : undefined;
      const partnerId = (order.partnerId && links?.get(order.partnerId)) || null;
      await store.inbox.record({
        eventId: `gw_evt_${randomUUID()}`,
        source: 'channel_manager',
        type,
        subject: 'order',
        subjectId: order.orderId,
        partnerId,
        status: order.status,
        // Our own changes are published in the order they happen; no late arrivals to guard against.
        statusRank: null,
        occurredAt: new Date(),
        payload: {
          order_id: order.orderId,
          status: order.status,
          channel_manager_partner_id: order.partnerId ?? null,
        },
      });
    } catch (error) {
      logger.error({ err: error, orderId: order.orderId, requestId }, 'ticket order change not published');
    }
  };
}
