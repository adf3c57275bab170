import { signatureHeader, SIGNATURE_HEADER } from '../../src/events/signature.js';

export interface PortalOrderEventInput {
  id: string;
  orderId: string;
  status: string;
  partnerId?: string;
  type?: 'order.created' | 'order.updated';
  /** ISO 8601; now by default. */
  at?: string;
}

/** A PartnerPortal order event body, as the vendor document shows it. */
export function portalOrderEvent(input: PortalOrderEventInput): string {
  return JSON.stringify({
    id: input.id,
    type: input.type ?? 'order.updated',
    created_at: input.at ?? new Date().toISOString(),
    data: {
      order_id: input.orderId,
      status: input.status,
      ...(input.partnerId ? { partner_id: input.partnerId } : {}),
    },
  });
}

/** POSTs a body to a gateway's webhook endpoint, signed now with `secret`; answers the HTTP status. */
export async function deliverWebhook(origin: string, secret: string, body: string): Promise<number> {
  const response = await fetch(`${origin}/webhooks/partnerportal`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signatureHeader(body, [secret], Math.floor(Date.now() / 1000)),
    },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}
