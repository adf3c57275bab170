import { UserErrorCode, userError } from '../../graph/common/user-error.type.js';
import type { UserError } from '../../graph/common/user-error.type.js';
import type { Partner } from '../../graph/partners/partner.type.js';
import { PartnerLinkConflictError } from '../../store/partner-links.js';
import type { PartnerLinkStore, PartnerLinksChange } from '../../store/partner-links.js';
import { OutcomeUnknownError } from '../http.js';
import type { CallScope } from '../http.js';
import { PartnerPortalRequestError } from './client.js';
import type { PartnerPortalClient } from './client.js';
import type { PpCreatePartnerRequest, PpPartner, PpUpdatePartnerRequest } from './contract.js';
import type { PartnerPortalLoaders } from './loaders.js';
import { partnerFromVendor, partnerMatchesRequest, userErrorsFromVendor } from './mappers.js';

export interface PartnerOutcome {
  partner: Partner | null;
  userErrors: UserError[];
}

/**
 * The partner writes: PartnerPortal's partner and the gateway's own links of it. One instance per operation; it
 * primes that operation's loaders so a mutation's answer costs no second read.
 */
export class PartnerPortalPartnerCommands {
  constructor(
    private readonly client: PartnerPortalClient,
    private readonly loaders: PartnerPortalLoaders,
    private readonly links: PartnerLinkStore,
    private readonly scope: CallScope,
  ) {}

  /**
   * Safe to retry: `external_id` is unique at the vendor, so a repeat can never create a second partner. A repeat
   * that meets its own earlier partner (same content) answers it; after a lost answer the partner is looked up by
   * `external_id` before creating again.
   */
  async create(request: PpCreatePartnerRequest): Promise<PartnerOutcome> {
    return this.attemptCreate(request, true);
  }

  async update(id: string, request: PpUpdatePartnerRequest): Promise<PartnerOutcome> {
    try {
      return this.written(await this.client.updatePartner(id, request, this.scope));
    } catch (error) {
      if (error instanceof PartnerPortalRequestError) {
        return { partner: null, userErrors: userErrorsFromVendor(error, 'partner') };
      }
      throw error;
    }
  }

  /** The partner must exist at PartnerPortal; the links themselves are ours, in the store. */
  async link(id: string, change: PartnerLinksChange): Promise<PartnerOutcome> {
    const partner = await this.loaders.partnerById.load(id);
    if (!partner) {
      return {
        partner: null,
        userErrors: [userError(UserErrorCode.NOT_FOUND, 'No partner with this id exists.', ['id'])],
      };
    }
    try {
      const row = await this.links.change(id, change);
      this.loaders.linksByPartnerId.clear(id).prime(id, row);
    } catch (error) {
      if (!(error instanceof PartnerLinkConflictError)) throw error;
      return {
        partner: null,
        userErrors: [
          userError(
            UserErrorCode.DUPLICATE,
            `This Channel Manager partner is already linked to another partner (${error.linkedPartnerId}).`,
            ['links', 'channelManagerPartnerId'],
          ),
        ],
      };
    }
    return { partner: partnerFromVendor(partner), userErrors: [] };
  }

  private async attemptCreate(request: PpCreatePartnerRequest, mayRetry: boolean): Promise<PartnerOutcome> {
    try {
      return this.written(await this.client.createPartner(request, this.scope));
    } catch (error) {
      if (error instanceof OutcomeUnknownError && mayRetry) {
        // The vendor may have created it: look before creating again.
        const existing = await this.findByExternalId(request.external_id);
        return existing ? this.reconciled(request, existing) : this.attemptCreate(request, false);
      }
      if (!(error instanceof PartnerPortalRequestError)) throw error;
      if (error.code === 'conflict' && error.field === 'external_id') {
        const existing = error.existingId
          ? await this.fresh(error.existingId)
          : await this.findByExternalId(request.external_id);
        if (existing) return this.reconciled(request, existing);
      }
      return { partner: null, userErrors: userErrorsFromVendor(error, 'partner') };
    }
  }

  /** The same partner again answers it as the first attempt would have; other content is a DUPLICATE. */
  private reconciled(request: PpCreatePartnerRequest, existing: PpPartner): PartnerOutcome {
    if (partnerMatchesRequest(existing, request)) return this.written(existing);
    return {
      partner: null,
      userErrors: [
        userError(
          UserErrorCode.DUPLICATE,
          'A partner with this externalId already exists, with different content.',
          ['input', 'externalId'],
        ),
      ],
    };
  }

  private async findByExternalId(externalId: string): Promise<PpPartner | null> {
    const list = await this.client.listPartners({ external_id: externalId }, this.scope);
    return list.data.find((partner) => partner.external_id === externalId) ?? null;
  }

  /** Read past this operation's cache: the partner was created after anything cached was read. */
  private fresh(id: string): Promise<PpPartner | null> {
    return this.loaders.partnerById.clear(id).load(id);
  }

  /** A written partner is the operation's freshest view of it. */
  private written(partner: PpPartner): PartnerOutcome {
    this.loaders.partnerById.clear(partner.id).prime(partner.id, partner);
    return { partner: partnerFromVendor(partner), userErrors: [] };
  }
}
