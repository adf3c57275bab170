import { UserErrorCode, userError } from '../../graph/common/user-error.type.js';
import type { UserError } from '../../graph/common/user-error.type.js';
import type { PortalOrder } from '../../graph/portal-orders/portal-order.type.js';
import { OutcomeUnknownError } from '../http.js';
import type { CallScope } from '../http.js';
import { PartnerPortalRequestError } from './client.js';
import type { PartnerPortalClient } from './client.js';
import type { PpCreateOrderRequest, PpOrder } from './contract.js';
import type { PartnerPortalLoaders } from './loaders.js';
import { portalOrderFromVendor, portalOrderMatchesRequest, userErrorsFromVendor } from './mappers.js';

export interface PortalOrderOutcome {
  portalOrder: PortalOrder | null;
  userErrors: UserError[];
}

/** The portal-order writes. One instance per operation; it primes that operation's loaders. */
export class PartnerPortalOrderCommands {
  constructor(
    private readonly client: PartnerPortalClient,
    private readonly loaders: PartnerPortalLoaders,
    private readonly scope: CallScope,
  ) {}

  /**
   * Safe to retry: partner + `external_reference` is unique at the vendor. A repeat with the same lines answers
   * the existing order; after a lost answer the order is looked up by that pair before creating again.
   */
  async create(request: PpCreateOrderRequest): Promise<PortalOrderOutcome> {
    return this.attemptCreate(request, true);
  }

  private async attemptCreate(request: PpCreateOrderRequest, mayRetry: boolean): Promise<PortalOrderOutcome> {
    try {
      return this.written(await this.client.createOrder(request, this.scope));
    } catch (error) {
      if (error instanceof OutcomeUnknownError && mayRetry) {
        // The vendor may have created it: look before creating again.
        const existing = await this.findByReference(request);
        return existing ? this.reconciled(request, existing) : this.attemptCreate(request, false);
      }
      if (!(error instanceof PartnerPortalRequestError)) throw error;
      if (error.code === 'conflict' && error.field === 'external_reference') {
        const existing = error.existingId
          ? await this.loaders.orderById.clear(error.existingId).load(error.existingId)
          : await this.findByReference(request);
        if (existing) return this.reconciled(request, existing);
      }
      return { portalOrder: null, userErrors: userErrorsFromVendor(error, 'portal order') };
    }
  }

  private reconciled(request: PpCreateOrderRequest, existing: PpOrder): PortalOrderOutcome {
    if (portalOrderMatchesRequest(existing, request)) return this.written(existing);
    return {
      portalOrder: null,
      userErrors: [
        userError(
          UserErrorCode.DUPLICATE,
          'This partner already has a portal order with this externalReference, with different lines.',
          ['input', 'externalReference'],
        ),
      ],
    };
  }

  private async findByReference(request: PpCreateOrderRequest): Promise<PpOrder | null> {
    const list = await this.client.listOrders(
      { partner_id: request.partner_id, external_reference: request.external_reference },
      this.scope,
    );
    return list.data.find((order) => order.external_reference === request.external_reference) ?? null;
  }

  private written(order: PpOrder): PortalOrderOutcome {
    this.loaders.orderById.clear(order.id).prime(order.id, order);
    return { portalOrder: portalOrderFromVendor(order), userErrors: [] };
  }
}
