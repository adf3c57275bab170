import type { IncomingEvent } from '../store/webhook-inbox.js';
import { isRecord } from '../vendors/json-shape.js';

/** PartnerPortal's fulfilment statuses in their only direction of travel; cancelled ends any of them. */
const STATUS_RANK: Record<string, number> = {
  pending: 0,
  processing: 1,
  shipped: 2,
  delivered: 3,
  cancelled: 4,
};

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * A verified PartnerPortal webhook body (`{ id, type, created_at, data }`, as the document shows it) in the
 * inbox's vendor-neutral words. Unknown event types are kept too (the sender may add some) but publish nothing.
 */
export function incomingFromPartnerPortal(rawBody: Buffer): Parsed<IncomingEvent> {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  if (!isRecord(body)) return { ok: false, reason: 'body is not an object' };
  const { id, type, created_at: createdAt, data } = body;
  if (typeof id !== 'string' || id.length === 0 || id.length > 200)
    return { ok: false, reason: 'id is missing' };
  if (typeof type !== 'string') return { ok: false, reason: 'type is missing' };
  const occurredAt = typeof createdAt === 'string' ? new Date(createdAt) : new Date(NaN);
  if (Number.isNaN(occurredAt.getTime())) return { ok: false, reason: 'created_at is not a date-time' };
  if (!isRecord(data)) return { ok: false, reason: 'data is not an object' };

  if (type === 'order.created' || type === 'order.updated') {
    const orderId = data.order_id;
    if (typeof orderId !== 'string' && typeof orderId !== 'number')
      return { ok: false, reason: 'data.order_id is missing' };
    const status = typeof data.status === 'string' ? data.status.toLowerCase() : null;
    return {
      ok: true,
      value: {
        eventId: id,
        source: 'partner_portal',
        type,
        subject: 'order',
        subjectId: String(orderId),
        partnerId: typeof data.partner_id === 'string' ? data.partner_id : null,
        status: status ? status.toUpperCase() : null,
        statusRank: status !== null ? (STATUS_RANK[status] ?? null) : null,
        occurredAt,
        payload: body,
      },
    };
  }
  const partnerId =
    typeof data.partner_id === 'string' ? data.partner_id : typeof data.id === 'string' ? data.id : null;
  return {
    ok: true,
    value: {
      eventId: id,
      source: 'partner_portal',
      type,
      subject: 'partner',
      subjectId: partnerId ?? id,
      partnerId,
      status: null,
      statusRank: null,
      occurredAt,
      payload: body,
    },
  };
}
