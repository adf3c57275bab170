import { UserErrorCode, userError } from '../../graph/common/user-error.type.js';
import type { UserError } from '../../graph/common/user-error.type.js';
import type { CardOrder } from '../../graph/card-orders/card-order.type.js';
import { UpstreamBadResponseError } from '../../errors/gateway-errors.js';
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
 * The card-order writes. One instance per operation (it primes that operation's loaders, so the answer to a
 * create costs no second read of what the create already read).
 */
export class NfcTagifyCardOrderCommands {
  constructor(
    private readonly client: NfcTagifyClient,
    private readonly loaders: NfcTagifyLoaders,
    private readonly scope: CallScope,
  ) {}

  /**
   * Safe to retry, although the vendor is not: it creates a new order for every POST and does not require
   * `customer_reference` to be unique. So the gateway makes the reference our key:
   * - before creating, it lists the orders with that reference: the same content answers the existing order
   *   (a resubmit), other content is a DUPLICATE;
   * - when the create's answer is lost (OutcomeUnknownError), it looks again and answers the order it finds, and
   *   creates once more only when there is none;
   * - creates with the same reference run one after another in this process, so two identical requests at once
   *   make one order.
   */
  create(request: NtCreateOrderRequest): Promise<CardOrderOutcome> {
    return this.client.referenceLocks.run(request.customer_reference, async () => {
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
    });
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
