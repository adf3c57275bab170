import type { Kysely } from 'kysely';
import type { PartnerLinkRow, StoreSchema } from './schema.js';

/** Which vendor-side ids belong to one partner. Undefined leaves a link as it is; null removes it. */
export interface PartnerLinksChange {
  channelManagerPartnerId?: string | null;
}

/** The Channel Manager partner is already linked to another partner. */
export class PartnerLinkConflictError extends Error {
  constructor(readonly linkedPartnerId: string) {
    super('The Channel Manager partner is already linked to another partner.');
  }
}

/** Partner links in the gateway's own database. Stateless; safe to share between requests. */
export class PartnerLinkStore {
  constructor(private readonly db: Kysely<StoreSchema>) {}

  /** The links of each given partner; partners without any are absent from the map. */
  async byPartnerIds(partnerIds: readonly string[]): Promise<Map<string, PartnerLinkRow>> {
    if (partnerIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('partner_links')
      .selectAll()
      .where('partner_id', 'in', partnerIds)
      .execute();
    return new Map(rows.map((row) => [row.partner_id, row]));
  }

  /** Channel Manager partnerId → partner id, for the ids that are linked. */
  async byChannelManagerPartnerIds(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('partner_links')
      .select(['partner_id', 'channel_manager_partner_id'])
      .where('channel_manager_partner_id', 'in', ids)
      .execute();
    return new Map(rows.map((row) => [row.channel_manager_partner_id!, row.partner_id]));
  }

  /**
   * Applies a change in one transaction. A Channel Manager partner linked elsewhere is refused (checked under
   * the unique constraint, so two concurrent links cannot both win).
   */
  async change(partnerId: string, change: PartnerLinksChange): Promise<PartnerLinkRow> {
    const wanted = change.channelManagerPartnerId;
    try {
      return await this.db.transaction().execute(async (tx) => {
        if (wanted) {
          const holder = await tx
            .selectFrom('partner_links')
            .select('partner_id')
            .where('channel_manager_partner_id', '=', wanted)
            .where('partner_id', '<>', partnerId)
            .executeTakeFirst();
          if (holder) throw new PartnerLinkConflictError(holder.partner_id);
        }
        const values = wanted === undefined ? {} : { channel_manager_partner_id: wanted };
        return tx
          .insertInto('partner_links')
          .values({ partner_id: partnerId, ...values })
          .onConflict((conflict) =>
            conflict.column('partner_id').doUpdateSet({ ...values, updated_at: new Date() }),
          )
          .returningAll()
          .executeTakeFirstOrThrow();
      });
    } catch (error) {
      // Lost a race with a concurrent link of the same Channel Manager partner: the transaction is gone, so
      // the winner is read afresh.
      if ((error as { code?: string }).code === '23505' && wanted) {
        const holder = await this.byChannelManagerPartnerIds([wanted]);
        throw new PartnerLinkConflictError(holder.get(wanted) ?? 'another partner');
      }
      throw error;
    }
  }
}
