import { UserErrorCode, userError } from '../../graph/common/user-error.type.js';
import type { UserError } from '../../graph/common/user-error.type.js';
import type { Order } from '../../graph/orders/order.type.js';
import { OutcomeUnknownError } from '../http.js';
import type { CallScope } from '../http.js';
import { ChannelManagerRequestError } from './client.js';
import type { CancelOutcome as CancelOrderOutcome, ChannelManagerClient } from './client.js';
import type { CmOrder, CmOrderRequest } from './contract.js';
import type { ChannelManagerLoaders } from './loaders.js';
import { orderFromVendor, orderMatchesRequest, userErrorsFromVendor } from './mappers.js';

export interface OrderOutcome {
  order: Order | null;
  userErrors: UserError[];
}

/** A change to a ticket order, as subscribers hear of it. `partnerId` is the Channel Manager's, when known. */
export interface OrderChange {
  orderId: string;
  partnerId: string | undefined;
  status: string;
}
export type OrderChangePublisher = (
  change: OrderChange,
  type: 'order.created' | 'order.updated',
  /** The request that made the change, for the log line if publishing fails. */
  requestId: string,
) => Promise<void>;

export interface CancelOutcome extends OrderOutcome {
  removed: boolean;
}

/**
 * The ticket-order writes, with the vendor's rules turned into outcomes a client can act on. One instance per
 * operation (it primes that operation's loaders so a mutation's answer costs no second read).
 */
export class ChannelManagerOrderCommands {
  constructor(
    private readonly client: ChannelManagerClient,
    private readonly loaders: ChannelManagerLoaders,
    private readonly scope: CallScope,
    /** Tells subscribers about a change the vendor has made; must not throw. */
    private readonly publish: OrderChangePublisher = () => Promise.resolve(),
  ) {}

  /**
   * Safe to retry: partnerId + sellToOrderReference is the vendor's natural key, so a repeat can never create a
   * second order. A repeat that meets its own earlier order (same content) answers that order; a lost response
   * (timeout after sending) is resolved the same way by sending again and reconciling the 409.
   */
  async create(request: CmOrderRequest): Promise<OrderOutcome> {
    try {
      return await this.changed(this.issued(await this.sendCreate(request)), 'order.created');
    } catch (error) {
      if (!(error instanceof ChannelManagerRequestError)) throw error;
      if (error.code === 'DUPLICATE_ORDER') return this.reconcileDuplicate(request, error);
      return this.changed(await this.rejected(error, 'input'), 'order.created');
    }
  }

  async confirm(orderId: string, paymentReference: string): Promise<OrderOutcome> {
    try {
      return await this.changed(
        this.issued(await this.client.confirmOrder(orderId, paymentReference, this.scope)),
        'order.updated',
      );
    } catch (error) {
      if (error instanceof ChannelManagerRequestError)
        return this.changed(await this.rejected(error), 'order.updated');
      throw error;
    }
  }

  async replace(orderId: string, request: CmOrderRequest): Promise<OrderOutcome> {
    try {
      return await this.changed(this.issued(await this.sendReplace(orderId, request)), 'order.updated');
    } catch (error) {
      if (error instanceof ChannelManagerRequestError) {
        return this.changed(await this.rejected(error, 'input'), 'order.updated');
      }
      throw error;
    }
  }

  async cancel(orderId: string): Promise<CancelOutcome> {
    try {
      const outcome = await this.sendCancel(orderId);
      this.loaders.orderById.clear(orderId);
      if (outcome.removed) {
        this.loaders.orderById.prime(orderId, null);
        await this.publish(
          { orderId, partnerId: undefined, status: 'REMOVED' },
          'order.updated',
          this.scope.requestId,
        );
        return { order: null, removed: true, userErrors: [] };
      }
      this.loaders.orderById.prime(orderId, outcome.order);
      const order = orderFromVendor(outcome.order);
      await this.publish(
        { orderId, partnerId: order.partnerId, status: order.status },
        'order.updated',
        this.scope.requestId,
      );
      return { order, removed: false, userErrors: [] };
    } catch (error) {
      if (error instanceof ChannelManagerRequestError) {
        return { order: null, removed: false, userErrors: userErrorsFromVendor(error, 'id') };
      }
      throw error;
    }
  }

  private async sendCreate(request: CmOrderRequest): Promise<CmOrder> {
    try {
      return await this.client.createOrder(request, this.scope);
    } catch (error) {
      // The vendor may have created the order; sending again is safe because the natural key is unique.
      if (error instanceof OutcomeUnknownError) return this.client.createOrder(request, this.scope);
      throw error;
    }
  }

  /**
   * A replace whose answer was lost may have been carried out, and if it issued the order a repeat would meet an
   * Issued order (409). So look first: an Issued order with exactly the requested content (an omitted
   * paymentReference keeps the order's own, as the vendor does) is the replace done; anything else is still
   * Draft or Error, where sending it once more is safe.
   */
  private async sendReplace(orderId: string, request: CmOrderRequest): Promise<CmOrder> {
    try {
      return await this.client.replaceOrder(orderId, request, this.scope);
    } catch (error) {
      if (!(error instanceof OutcomeUnknownError)) throw error;
      const current = await this.loaders.orderById.clear(orderId).load(orderId);
      const wanted = { ...request, paymentReference: request.paymentReference ?? current?.paymentReference };
      if (current?.status === 'Issued' && orderMatchesRequest(current, wanted)) return current;
      return this.client.replaceOrder(orderId, request, this.scope);
    }
  }

  /**
   * A DELETE whose answer was lost may have removed a Draft, and a repeat would then answer 404. So look first:
   * gone is removed, Cancelled is cancelled; anything else is sent once more.
   */
  private async sendCancel(orderId: string): Promise<CancelOrderOutcome> {
    try {
      return await this.client.cancelOrder(orderId, this.scope);
    } catch (error) {
      if (!(error instanceof OutcomeUnknownError)) throw error;
      const current = await this.loaders.orderById.clear(orderId).load(orderId);
      if (!current) return { removed: true };
      if (current.status === 'Cancelled') return { removed: false, order: current };
      return this.client.cancelOrder(orderId, this.scope);
    }
  }

  private async reconcileDuplicate(
    request: CmOrderRequest,
    error: ChannelManagerRequestError,
  ): Promise<OrderOutcome> {
    const existing = await this.findByReference(
      request.partnerId,
      request.sellToOrderReference,
      error.orderId,
    );
    if (!existing || !orderMatchesRequest(existing, request)) {
      return { order: null, userErrors: userErrorsFromVendor(error, 'input') };
    }
    // The same order again: answer it as the first attempt would have, failed issuance included.
    return this.issued(existing);
  }

  /** The vendor's 409 may name the order; otherwise the partner's list, filtered by reference, finds it. */
  private async findByReference(
    partnerId: string,
    reference: string,
    hint: string | undefined,
  ): Promise<CmOrder | null> {
    let orderId = hint;
    if (!orderId) {
      const matches = await this.loaders.ordersByPartner.load({
        partnerId,
        query: { sellToOrderReference: reference },
      });
      orderId = matches.find((summary) => summary.sellToOrderReference === reference)?.orderId;
    }
    return orderId ? this.loaders.orderById.load(orderId) : null;
  }

  /** Publishes the order an outcome carries (a write the vendor did); outcomes without one changed nothing. */
  private async changed<T extends OrderOutcome>(
    outcome: T,
    type: 'order.created' | 'order.updated',
  ): Promise<T> {
    if (outcome.order) {
      await this.publish(
        { orderId: outcome.order.id, partnerId: outcome.order.partnerId, status: outcome.order.status },
        type,
        this.scope.requestId,
      );
    }
    return outcome;
  }

  /** A written order is the operation's freshest view of it; an order kept in Error also says why. */
  private issued(order: CmOrder): OrderOutcome {
    this.loaders.orderById.clear(order.orderId).prime(order.orderId, order);
    const userErrors =
      order.status === 'Error'
        ? [userError(UserErrorCode.ISSUANCE_FAILED, order.statusMessage || 'Issuance failed.')]
        : [];
    return { order: orderFromVendor(order), userErrors };
  }

  /** A failed issuance keeps the order as Error: answer it, fetched fresh, with the vendor's reason. */
  private async rejected(error: ChannelManagerRequestError, argument?: string): Promise<OrderOutcome> {
    if (error.code === 'ISSUANCE_FAILED' && error.orderId) {
      this.loaders.orderById.clear(error.orderId);
      const order = await this.loaders.orderById.load(error.orderId);
      if (order?.status === 'Error') return this.issued(order);
    }
    return { order: null, userErrors: userErrorsFromVendor(error, argument) };
  }
}
