import type { GatewayContext } from '../../context.js';
import type { WebhookEventRow } from '../../store/schema.js';
import { Vendor } from '../common/vendor.enum.js';
import { OrderEvent, PartnerEvent } from './event.type.js';
import type { GatewayEvent } from './event.type.js';

/** The inbox's `source` words (written by the receivers and the ticket-order publisher) as graph vendors. */
const VENDOR_OF_SOURCE: Readonly<Record<string, Vendor>> = {
  partner_portal: Vendor.PARTNER_PORTAL,
  channel_manager: Vendor.CHANNEL_MANAGER,
};

/**
 * An inbox row as a graph event. The row is already vendor-neutral (the receiver mapped the webhook); only the
 * source word becomes the `Vendor` enum here. `context`, when given, is the one the event's object resolves with.
 */
export function eventFromRow(row: WebhookEventRow, context?: GatewayContext): GatewayEvent {
  const common = {
    id: row.event_id,
    type: row.type,
    createdAt: new Date(row.occurred_at),
    ...(context ? { context } : {}),
  };
  if (row.subject === 'order') {
    const vendor = VENDOR_OF_SOURCE[row.source];
    if (!vendor) throw new Error(`inbox event ${row.event_id} has an unknown source: ${row.source}`);
    return Object.assign(new OrderEvent(), common, {
      orderId: row.subject_id,
      status: row.status,
      partnerId: row.partner_id,
      vendor,
    });
  }
  return Object.assign(new PartnerEvent(), common, { partnerId: row.partner_id });
}
