import type { Generated, Selectable } from 'kysely';

/**
 * The gateway's own tables, as Kysely sees them. Each table is created by a migration in `migrations.ts`;
 * this file only describes them to the type checker.
 */
export interface PartnerLinksTable {
  /** The PartnerPortal partner id: the partner as the graph knows it. */
  partner_id: string;
  /** The Channel Manager partnerId of the same partner; one Channel Manager partner belongs to one partner. */
  channel_manager_partner_id: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface StoreSchema {
  partner_links: PartnerLinksTable;
}

export type PartnerLinkRow = Selectable<PartnerLinksTable>;
