import express from 'express';
import type { Request, Response, Router } from 'express';
import { requestLogger } from '../logger.js';
import type { Logger } from '../logger.js';
import type { WebhookInbox } from '../store/webhook-inbox.js';
import { verifySignature, SIGNATURE_HEADER } from './signature.js';
import { incomingFromPartnerPortal } from './partnerportal-events.js';

export interface PartnerPortalWebhookOptions {
  /** Every active secret (rotation: old and new both verify while the sender switches). */
  secrets: readonly string[];
  inbox: WebhookInbox;
  logger: Logger;
  now?: () => number;
}

/**
 * `POST /webhooks/partnerportal`: verify the signature over the raw bytes, store the event in the inbox (unique by
 * event id), and only then answer 2xx. Anything unverified gets 401 and changes nothing; a redelivery gets 200
 * and has no second effect. The body is never logged (it may carry customer data); the secret never is.
 */
export function partnerPortalWebhookRouter(options: PartnerPortalWebhookOptions): Router {
  const router = express.Router();
  const now = options.now ?? Date.now;
  router.post(
    '/webhooks/partnerportal',
    express.raw({ type: () => true, limit: '1mb' }),
    async (req: Request, res: Response) => {
      if (options.secrets.length === 0) {
        // Without a secret nothing can be verified, so nothing is accepted.
        res
          .status(503)
          .json({ error: 'webhooks_not_configured', message: 'Set PARTNERPORTAL_WEBHOOK_SECRET.' });
        return;
      }
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const verdict = verifySignature({
        header: req.get(SIGNATURE_HEADER),
        rawBody,
        secrets: options.secrets,
        nowSeconds: Math.floor(now() / 1000),
      });
      if (!verdict.ok) {
        requestLogger(req, options.logger).warn({ reason: verdict.reason }, 'webhook refused: signature');
        res.status(401).json({ error: 'invalid_signature', reason: verdict.reason });
        return;
      }
      const event = incomingFromPartnerPortal(rawBody);
      if (!event.ok) {
        requestLogger(req, options.logger).warn({ reason: event.reason }, 'webhook refused: payload');
        res.status(400).json({ error: 'invalid_payload', reason: event.reason });
        return;
      }
      const outcome = await options.inbox.record(event.value);
      requestLogger(req, options.logger).info(
        {
          eventId: event.value.eventId,
          type: event.value.type,
          seq: outcome.seq,
          duplicate: !outcome.inserted,
          superseded: outcome.superseded,
        },
        'webhook received',
      );
      res.status(200).json({ received: true, duplicate: !outcome.inserted });
    },
  );
  return router;
}
