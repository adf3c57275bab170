import type { Kysely } from 'kysely';
import type { StoreSchema } from './schema.js';

/**
 * The kinds of vendor object whose partner only the gateway knows:
 * - a National Express account names no partner at its vendor: an all-partner key assigns it (`linkPartner`);
 * - an NFC Tagify card order names none either (the gateway is one NFC Tagify account): the gateway claims its
 *   `customerReference` for the partner before the order is placed, so a lost answer cannot leave an order
 *   without its owner.
 */
export const CLAIM_KIND = {
  nationalExpressAccount: 'national_express.account',
  cardOrderReference: 'nfc_tagify.customer_reference',
} as const;
export type ClaimKind = (typeof CLAIM_KIND)[keyof typeof CLAIM_KIND];

/** One of the objects is already claimed for another partner. */
export class ClaimConflictError extends Error {
  constructor(readonly objectId: string) {
    super('The object is already claimed for another partner.');
  }
}

/** Partner claims in the gateway's own database. Stateless; safe to share between requests. */
export class PartnerClaimStore {
  constructor(private readonly db: Kysely<StoreSchema>) {}

  /** The owner of each claimed object (null: claimed for no partner); unclaimed objects are absent. */
  async owners(kind: ClaimKind, objectIds: readonly string[]): Promise<Map<string, string | null>> {
    if (objectIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('partner_claims')
      .select(['object_id', 'partner_id'])
      .where('kind', '=', kind)
      .where('object_id', 'in', objectIds)
      .execute();
    return new Map(rows.map((row) => [row.object_id, row.partner_id]));
  }

  /** The objects claimed for these partners, oldest claim first. */
  async ofPartners(kind: ClaimKind, partnerIds: readonly string[]): Promise<string[]> {
    return [...(await this.byPartner(kind, partnerIds)).values()].flat();
  }

  /** The objects claimed for each of these partners, oldest claim first; partners without any are absent. */
  async byPartner(kind: ClaimKind, partnerIds: readonly string[]): Promise<Map<string, string[]>> {
    if (partnerIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('partner_claims')
      .select(['object_id', 'partner_id'])
      .where('kind', '=', kind)
      .where('partner_id', 'in', partnerIds)
      .orderBy('created_at', 'asc')
      .orderBy('object_id', 'asc')
      .execute();
    const grouped = new Map<string, string[]>();
    for (const row of rows) {
      const list = grouped.get(row.partner_id!) ?? [];
      list.push(row.object_id);
      grouped.set(row.partner_id!, list);
    }
    return grouped;
  }

  /**
   * Claims an object for a partner unless it is claimed already; answers the owner it has now (the first claim
   * wins, also between concurrent requests: the primary key decides).
   */
  async claim(kind: ClaimKind, objectId: string, partnerId: string | null): Promise<string | null> {
    await this.db
      .insertInto('partner_claims')
      .values({ kind, object_id: objectId, partner_id: partnerId })
      .onConflict((conflict) => conflict.columns(['kind', 'object_id']).doNothing())
      .execute();
    const owners = await this.owners(kind, [objectId]);
    return owners.get(objectId) ?? null;
  }

  /**
   * Makes `objectIds` exactly the partner's objects of this kind, in one transaction. An object claimed for
   * another partner is refused (ClaimConflictError) and nothing changes.
   */
  async replace(kind: ClaimKind, partnerId: string, objectIds: readonly string[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      if (objectIds.length > 0) {
        const taken = await tx
          .selectFrom('partner_claims')
          .select('object_id')
          .where('kind', '=', kind)
          .where('object_id', 'in', objectIds)
          .where((eb) => eb.or([eb('partner_id', 'is', null), eb('partner_id', '<>', partnerId)]))
          .executeTakeFirst();
        if (taken) throw new ClaimConflictError(taken.object_id);
      }
      let removal = tx
        .deleteFrom('partner_claims')
        .where('kind', '=', kind)
        .where('partner_id', '=', partnerId);
      if (objectIds.length > 0) removal = removal.where('object_id', 'not in', objectIds);
      await removal.execute();
      if (objectIds.length > 0) {
        await tx
          .insertInto('partner_claims')
          .values(objectIds.map((objectId) => ({ kind, object_id: objectId, partner_id: partnerId })))
          .onConflict((conflict) => conflict.columns(['kind', 'object_id']).doNothing())
          .execute();
        // A concurrent claim for another partner may have won between the check and the insert.
        const lost = await tx
          .selectFrom('partner_claims')
          .select('object_id')
          .where('kind', '=', kind)
          .where('object_id', 'in', objectIds)
          .where((eb) => eb.or([eb('partner_id', 'is', null), eb('partner_id', '<>', partnerId)]))
          .executeTakeFirst();
        if (lost) throw new ClaimConflictError(lost.object_id);
      }
    });
  }
}
