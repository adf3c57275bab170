import {
  RateLimitedError,
  UpstreamRejectedError,
  UpstreamUnavailableError,
} from '../../errors/gateway-errors.js';
import { UserErrorCode, userError } from '../../graph/common/user-error.type.js';
import type { UserError } from '../../graph/common/user-error.type.js';
import type { SubscriptionOrderPreview } from '../../graph/subscription-orders/subscription-order-preview.type.js';
import type { SubscriptionOrder } from '../../graph/subscription-orders/subscription-order.type.js';
import { LEASE_GRACE_MS, RecordPoll } from '../../store/idempotency.js';
import type { IdempotencyStore } from '../../store/idempotency.js';
import { OutcomeUnknownError } from '../http.js';
import type { CallScope } from '../http.js';
import { PartnerOrdersRequestError, SubmitNotCreatedError, isSubmitted } from './client.js';
import type { PartnerOrdersClient } from './client.js';
import type { PoOrderRequest, PoSubmitResponse } from './contract.js';
import {
  badInputFromUserErrors,
  previewFromVendor,
  requestHash,
  subscriptionOrderFromVendor,
  userErrorsFromVendor,
} from './mappers.js';

export interface SubmitOutcome {
  order: SubscriptionOrder | null;
  userErrors: UserError[];
}

/** Who submits under which key: keys are the caller's own, so two clients can never collide. */
export interface SubmitKey {
  /** The caller's key fingerprint (`Caller.keyId`). */
  keyId: string;
  /** The client's `idempotencyKey`. */
  idempotencyKey: string;
}

/**
 * The Partner Orders operations of one GraphQL operation (its scope carries the deadline). Submits are made
 * exactly-once by the gateway's own idempotency record, written before the vendor is called; the README's
 * "Client" section describes the states.
 */
export class PartnerOrdersCommands {
  constructor(
    private readonly client: PartnerOrdersClient,
    private readonly records: IdempotencyStore,
    private readonly scope: CallScope,
  ) {}

  /** Prices an order. A vendor 400/404 is the client's input: BAD_USER_INPUT naming the field. */
  async preview(request: PoOrderRequest): Promise<SubscriptionOrderPreview> {
    try {
      return previewFromVendor(await this.client.preview(request, this.scope));
    } catch (error) {
      if (error instanceof PartnerOrdersRequestError)
        throw badInputFromUserErrors(userErrorsFromVendor(error));
      throw error;
    }
  }

  /**
   * Places an order once per (caller, idempotencyKey): the first request claims the key and calls the vendor;
   * a repeat with the same body answers the stored order (no vendor call), or waits for the first to finish when
   * it is still under way; a repeat with another body is a DUPLICATE. A failure that certainly created nothing
   * frees the key for a retry.
   */
  async submit(request: PoOrderRequest, key: SubmitKey): Promise<SubmitOutcome> {
    const recordScope = `partner_orders.submit:${key.keyId}`;
    const hash = requestHash(request);
    const poll = new RecordPoll(this.scope.deadline);
    for (;;) {
      const leaseMs = this.scope.deadline - Date.now() + LEASE_GRACE_MS;
      const claim = await this.records.claim(recordScope, key.idempotencyKey, hash, leaseMs);
      switch (claim.kind) {
        case 'claimed':
          return this.place(request, recordScope, key.idempotencyKey, claim.attempt);
        case 'succeeded':
          return this.replay(claim.response);
        case 'mismatch':
          return refused(
            UserErrorCode.DUPLICATE,
            'This idempotencyKey was already used for a different order; use a new key for a new order.',
          );
        case 'unknown':
          return refused(
            UserErrorCode.INVALID_STATE,
            'The earlier submission with this idempotencyKey got no answer from Partner Orders, so whether it ' +
              'placed an order is unknown, and it is not sent again. Check with Partner Orders before ' +
              'submitting the order under a new key.',
          );
        case 'pending':
          // The first request is still at the vendor: its answer is ours, once it is stored.
          if (!(await poll.wait())) {
            throw new UpstreamUnavailableError(
              'Partner Orders',
              'an earlier submission with this idempotencyKey is still in progress; retry with the same key',
            );
          }
      }
    }
  }

  private async place(
    request: PoOrderRequest,
    recordScope: string,
    key: string,
    attempt: number,
  ): Promise<SubmitOutcome> {
    let order: PoSubmitResponse;
    try {
      order = await this.client.submit(request, this.scope);
    } catch (error) {
      if (createdNothing(error)) {
        await this.records.fail(recordScope, key, attempt);
        if (error instanceof PartnerOrdersRequestError) {
          return { order: null, userErrors: userErrorsFromVendor(error) };
        }
      } else {
        await this.records.markUnknown(recordScope, key, attempt);
      }
      throw error;
    }
    // False only when the lease ran out and another request took the key over: this order is still ours.
    await this.records.succeed(recordScope, key, attempt, order);
    return { order: subscriptionOrderFromVendor(order), userErrors: [] };
  }

  private replay(stored: unknown): SubmitOutcome {
    if (!isSubmitted(stored)) throw new Error('A stored Partner Orders submit response is not one.');
    return { order: subscriptionOrderFromVendor(stored), userErrors: [] };
  }
}

/**
 * Whether a submit failure certainly left nothing at the vendor: it refused the body (400/404), rolled back (502),
 * refused our token or scopes, asked us to slow down (429), or was never reached (token endpoint down, refused
 * connection, deadline spent before sending). A lost answer (OutcomeUnknownError) or a 200 we could not read is
 * not: the order may exist.
 */
function createdNothing(error: unknown): boolean {
  if (error instanceof PartnerOrdersRequestError || error instanceof SubmitNotCreatedError) return true;
  if (error instanceof RateLimitedError || error instanceof UpstreamRejectedError) return true;
  return error instanceof UpstreamUnavailableError && !(error instanceof OutcomeUnknownError);
}

function refused(code: UserErrorCode, message: string): SubmitOutcome {
  return { order: null, userErrors: [userError(code, message, ['idempotencyKey'])] };
}
