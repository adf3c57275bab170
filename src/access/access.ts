import DataLoader from 'dataloader';
import type { Caller, KeyScope } from '../auth.js';
import { ForbiddenError } from '../errors/gateway-errors.js';
import { CLAIM_KIND } from '../store/partner-claims.js';
import type { ClaimKind, PartnerClaimStore } from '../store/partner-claims.js';

/** What the access rules read: the store's claims and the partner links of this operation. */
export interface AccessSources {
  claims: PartnerClaimStore;
  /** Channel Manager partnerId → PartnerPortal partner id (the operation's loader over the partner links). */
  partnerIdByChannelManagerId: DataLoader<string, string | null>;
}

/**
 * Who may see and change what, for one operation: the only place that decides. Resolvers ask it before
 * answering an object or writing one.
 *
 * A key for all partners (`partners` absent) sees everything and pays nothing here. A key bound to partners
 * sees an object only when the gateway can prove it belongs to one of them, through the object's own partner
 * (partners, portal orders), the partner links (ticket orders, through their Channel Manager partner) or the
 * gateway's claims (National Express accounts, card orders by customer reference). Everything else is
 * invisible: a by-id read answers null and a by-id write NOT_FOUND, exactly as for an id that does not exist,
 * so a key cannot learn what other partners have. A write whose input names a partner the key is not bound to
 * is FORBIDDEN: that is decided from the key alone and says nothing about the other partner.
 */
export class Access {
  /** Undefined: every partner. */
  private readonly partners: ReadonlySet<string> | undefined;
  private readonly claimOwners = new Map<ClaimKind, DataLoader<string, string | null | undefined>>();
  /** A partner's National Express accounts, one store query per batch of partners. */
  private readonly accountsOfPartner = new DataLoader<string, string[]>(async (partnerIds) => {
    const grouped = await this.sources.claims.byPartner(CLAIM_KIND.nationalExpressAccount, partnerIds);
    return partnerIds.map((id) => grouped.get(id) ?? []);
  });

  constructor(
    readonly caller: Caller,
    private readonly sources: AccessSources,
  ) {
    this.partners = caller.partners ? new Set(caller.partners) : undefined;
  }

  /** True for a key not bound to partners. */
  get allPartners(): boolean {
    return this.partners === undefined;
  }

  /** The partners the key is bound to; undefined for all. */
  get partnerIds(): readonly string[] | undefined {
    return this.caller.partners;
  }

  hasScope(scope: KeyScope): boolean {
    return this.caller.scopes.includes(scope);
  }

  /** May the key see and change this PartnerPortal partner's data? Null (no partner) only for all-partner keys. */
  mayUsePartner(partnerId: string | null | undefined): boolean {
    if (this.partners === undefined) return true;
    return typeof partnerId === 'string' && this.partners.has(partnerId);
  }

  /** The partner itself, or null when the key may not see it. */
  partner<T extends { id: string }>(partner: T | null): T | null {
    return partner && this.mayUsePartner(partner.id) ? partner : null;
  }

  /** A portal order (it names its partner), or null. */
  portalOrder<T extends { partnerId: string }>(order: T | null): T | null {
    return order && this.mayUsePartner(order.partnerId) ? order : null;
  }

  /** Is this Channel Manager partner linked to one of the key's partners? */
  async mayUseChannelManagerPartner(channelManagerPartnerId: string): Promise<boolean> {
    if (this.partners === undefined) return true;
    return this.mayUsePartner(await this.sources.partnerIdByChannelManagerId.load(channelManagerPartnerId));
  }

  /** A ticket order (its Channel Manager partner, through the links), or null. */
  async ticketOrder<T extends { partnerId: string }>(order: T | null): Promise<T | null> {
    if (!order) return null;
    return (await this.mayUseChannelManagerPartner(order.partnerId)) ? order : null;
  }

  /** Is this National Express account assigned to one of the key's partners? */
  async mayUseAccount(accountId: string): Promise<boolean> {
    if (this.partners === undefined) return true;
    return this.mayUsePartner(await this.ownerOf(CLAIM_KIND.nationalExpressAccount, accountId));
  }

  /** An account, or null. */
  async account<T extends { id: string }>(account: T | null): Promise<T | null> {
    if (!account) return null;
    return (await this.mayUseAccount(account.id)) ? account : null;
  }

  /** A card order (its customer reference, claimed for a partner when it was placed), or null. */
  async cardOrder<T extends { customerReference: string }>(order: T | null): Promise<T | null> {
    if (!order) return null;
    if (this.partners === undefined) return order;
    const owner = await this.ownerOf(CLAIM_KIND.cardOrderReference, order.customerReference);
    return this.mayUsePartner(owner) ? order : null;
  }

  /** The objects of a kind claimed for the key's partners (only asked for bound keys). */
  claimedObjects(kind: ClaimKind): Promise<string[]> {
    return this.sources.claims.ofPartners(kind, this.caller.partners ?? []);
  }

  /** The National Express accounts assigned to a partner (its `links`). */
  accountIdsOf(partnerId: string): Promise<string[]> {
    return this.accountsOfPartner.load(partnerId);
  }

  /** Stops a write the key may never make, whatever the object (e.g. creating partners, changing links). */
  requireAllPartners(action: string): void {
    if (this.partners !== undefined) {
      throw new ForbiddenError(`This API key is bound to partners: it may not ${action}.`);
    }
  }

  /** Stops a write naming a partner the key is not bound to. */
  requirePartner(partnerId: string, field: string): void {
    if (!this.mayUsePartner(partnerId)) {
      throw new ForbiddenError(`${field}: this API key may not act for this partner.`);
    }
  }

  /** Stops a write naming a Channel Manager partner that is not linked to one of the key's partners. */
  async requireChannelManagerPartner(channelManagerPartnerId: string, field: string): Promise<void> {
    if (!(await this.mayUseChannelManagerPartner(channelManagerPartnerId))) {
      throw new ForbiddenError(
        `${field}: this API key may not act for this Channel Manager partner (it is not linked to one of its partners).`,
      );
    }
  }

  /**
   * Which partner a new card order belongs to: the one given (which the key must be bound to), else the key's
   * only partner; null (no partner) for an all-partner key that names none. A key bound to several partners
   * must name one.
   */
  cardOrderPartner(partnerId: string | null | undefined, field: string): string | null {
    if (partnerId) {
      this.requirePartner(partnerId, field);
      return partnerId;
    }
    const bound = this.caller.partners;
    if (bound === undefined) return null;
    if (bound.length === 1) return bound[0]!;
    throw new ForbiddenError(`${field} is required: this API key is bound to several partners; name one.`);
  }

  /** One store query per kind and batch, per operation. */
  private ownerOf(kind: ClaimKind, objectId: string): Promise<string | null | undefined> {
    let loader = this.claimOwners.get(kind);
    if (!loader) {
      loader = new DataLoader<string, string | null | undefined>(async (ids) => {
        const owners = await this.sources.claims.owners(kind, ids);
        return ids.map((id) => owners.get(id));
      });
      this.claimOwners.set(kind, loader);
    }
    return loader.load(objectId);
  }
}
