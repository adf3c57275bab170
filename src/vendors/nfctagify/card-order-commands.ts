import { UserErrorCode, userError } from '../../graph/common/user-error.type.js';
import type { UserError } from '../../graph/common/user-error.type.js';
import type { CardOrder } from '../../graph/card-orders/card-order.type.js';
import { UpstreamBadResponseError, UpstreamUnavailableError } from '../../errors/gateway-errors.js';
import { LEASE_GRACE_MS, RecordPoll } from '../../store/idempotency.js';
import type { IdempotencyStore } from '../../store/idempotency.js';
import { OutcomeUnknownError } from '../http.js';
import type { CallScope } from '../http.js';
import { NfcTagifyRequestError } from './client.js';
import type { NfcTagifyClient } from './client.js';
import { NT_MAX_PER_PAGE } from './contract.js';
import type { NtCreateOrderRequest, NtOrder } from './contract.js';
import type { NfcTagifyLoaders } from './loaders.js';
import { cardOrderFromNfcTagify, orderMatchesRequest, userErrorsFromVendor } from './mappers.js';

export interface CardOrderOutcome {
  cardOrder: CardOrder | null;
  userErrors: UserError[];
}

/**
 * The idempotency-record scope of card-order creates, keyed by `customer_reference`: one gateway account at the
 * vendor, so one reference space for every caller.
 */
export const CREATE_LEASE_SCOPE = 'nfc_tagify.create_order';

/**
 * The card-order writes. One instance per operation (it primes that operation's loaders, so the answer to a
 * create costs no second read of what the create already read).
 */
export class NfcTagifyCardOrderCommands {
  constructor(
    private readonly client: NfcTagifyClient,
    private readonly loaders: NfcTagifyLoaders,
    private readonly scope: CallScope,
    private readonly records: IdempotencyStore,
  ) {}

  /**
   * Safe to retry, although the vendor is not: it creates a new order for every POST and does not require
   * `customer_reference` to be unique. So the gateway makes the reference our key, and the vendor's list by
   * reference the truth:
   * - creates with one reference take turns under a lease in the gateway's store (`CREATE_LEASE_SCOPE`), so two
   *   identical requests at once, in one process or in several sharing the database, make one order: the second
   *   waits, then finds the first's order;
   * - under the lease it first lists the orders with that reference: the same content answers the existing
   *   order (a resubmit), other content is a DUPLICATE;
   * - when the create's answer is lost (OutcomeUnknownError), it looks again and answers the order it finds, and
   *   creates once more only when there is none.
   */
  async create(request: NtCreateOrderRequest): Promise<CardOrderOutcome> {
    const reference = request.customer_reference;
    const poll = new RecordPoll(this.scope.deadline);
    for (;;) {
      const leaseMs = this.scope.deadline - Date.now() + LEASE_GRACE_MS;
      const attempt = await this.records.acquireLease(CREATE_LEASE_SCOPE, reference, leaseMs);
      if (attempt !== null) {
        try {
          return await this.createOnce(request);
        } finally {
          // Whatever happened, the vendor now holds the truth the next holder looks up first.
          await this.records.releaseLease(CREATE_LEASE_SCOPE, reference, attempt);
        }
      }
      if (!(await poll.wait())) {
        throw new UpstreamUnavailableError(
          'NFC Tagify',
          'another create with this customerReference is still in progress; retry the same request',
        );
      }
    }
  }

  /** The create proper; its caller holds the reference's lease. */
  private async createOnce(request: NtCreateOrderRequest): Promise<CardOrderOutcome> {
    const existing = await this.ordersWithReference(request.customer_reference);
    const same = existing.find((order) => orderMatchesRequest(order, request));
    if (same) return this.answer(same);
    if (existing.length > 0) {
      return {
        cardOrder: null,
        userErrors: [
          userError(
            UserErrorCode.DUPLICATE,
            'A card order with this customerReference already exists, with different content.',
            ['input', 'customerReference'],
          ),
        ],
      };
    }
    try {
      return await this.answerCreated(await this.sendCreate(request));
    } catch (error) {
      if (error instanceof NfcTagifyRequestError)
        return { cardOrder: null, userErrors: userErrorsFromVendor(error) };
      throw error;
    }
  }

  /** A lost answer may hide an order the vendor made: find it before making another, once. */
  private async sendCreate(request: NtCreateOrderRequest): Promise<NtOrder | string> {
    try {
      return (await this.client.createOrder(request, this.scope)).order_id;
    } catch (error) {
      if (!(error instanceof OutcomeUnknownError)) throw error;
      const made = (await this.ordersWithReference(request.customer_reference)).find((order) =>
        orderMatchesRequest(order, request),
      );
      return made ?? (await this.client.createOrder(request, this.scope)).order_id;
    }
  }

  /**
   * The orders carrying this exact reference, newest first, read fresh. Matched here too: a vendor that ignored
   * the `customer_reference` parameter would answer its newest orders, and a retry's order is among those.
   */
  private async ordersWithReference(reference: string): Promise<NtOrder[]> {
    const page = await this.client.listOrders(
      { customer_reference: reference, per_page: NT_MAX_PER_PAGE },
      this.scope,
    );
    for (const order of page.orders)
      this.loaders.orderById.clear(order.order_id).prime(order.order_id, order);
    return page.orders.filter((order) => order.customer_reference === reference);
  }

  /** The create answers only id, status and time: the order itself is read once, through the loader. */
  private async answerCreated(created: NtOrder | string): Promise<CardOrderOutcome> {
    if (typeof created !== 'string') return this.answer(created);
    this.loaders.orderById.clear(created);
    const order = await this.loaders.orderById.load(created);
    if (!order) throw new UpstreamBadResponseError('NFC Tagify', 'the order it just created cannot be found');
    return this.answer(order);
  }

  private answer(order: NtOrder): CardOrderOutcome {
    return { cardOrder: cardOrderFromNfcTagify(order), userErrors: [] };
  }
}
