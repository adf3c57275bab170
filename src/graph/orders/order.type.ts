import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Money } from '../common/money.type.js';
import { OrderStatus } from './order-status.enum.js';

/**
 * A ticket is reached two ways: through its order (order → items → wallets → tickets), where the Channel Manager
 * gave every field, or through a National Express account (`Account.tickets`), which knows only the reference.
 * The Channel Manager has no lookup by reference and the gateway keeps no copy, so such a ticket carries the
 * reference as its id, `ticket` as its type and an empty item number, and its `order` is null.
 */
@ObjectType({ simpleResolvers: true, description: 'One admission ticket, an asset inside a wallet.' })
export class Ticket {
  @Field(() => ID, {
    description:
      "The Channel Manager's id of this ticket asset; for a ticket reached through a National Express account, " +
      'its reference number (the account knows no other id).',
  })
  id!: string;

  @Field({ description: 'The ticket number printed on the ticket and scanned at the gate.' })
  referenceNumber!: string;

  @Field({
    description:
      'Asset type as the Channel Manager names it, e.g. `ticket`; `ticket` for a ticket reached through a ' +
      'National Express account (only tickets are linked to accounts).',
  })
  type!: string;

  @Field({
    description:
      'Item number of the admission this ticket grants; empty for a ticket reached through a National Express ' +
      'account, whose order the gateway cannot look up by reference (see `order`).',
  })
  itemNumber!: string;

  /** The Channel Manager order the ticket came in, when it was reached through that order (for `order`). */
  orderId?: string;

  /** The National Express account it was listed under, when reached through `Account.tickets` (for `account`). */
  accountId?: string;
}

@ObjectType({
  simpleResolvers: true,
  description: 'The tickets of one holder, issued together with a wallet pass and a manifest.',
})
export class Wallet {
  @Field(() => ID, { description: "The vendor's wallet id." })
  id!: string;

  @Field(() => Int, { description: 'Position of the wallet within its order line, from 1.' })
  seqNo!: number;

  @Field(() => String, { nullable: true, description: 'Name of the ticket holder.' })
  name!: string | null;

  @Field(() => String, { nullable: true, description: "The sales channel's own reference for this holder." })
  externalReferenceNumber!: string | null;

  @Field({ description: "The vendor's wallet reference number (what the holder presents)." })
  walletReferenceNumber!: string;

  @Field({ description: 'Printable manifest (PDF) of this wallet.' })
  manifestUrl!: string;

  @Field(() => Date, { description: 'When the wallet was issued.' })
  issuedAt!: Date;

  @Field(() => Money, { description: 'Price of one ticket, VAT excluded.' })
  unitPriceExclVat!: Money;

  @Field(() => Money, { description: 'Price of one ticket, VAT included.' })
  unitPriceInclVat!: Money;

  @Field(() => [Ticket], { description: 'The tickets in this wallet.' })
  tickets!: Ticket[];
}

@ObjectType({
  simpleResolvers: true,
  description: 'One line of a ticket order: an item for a visit date and time.',
})
export class OrderItem {
  @Field(() => Int, { description: "The vendor's line number (10000, 20000, …)." })
  lineNo!: number;

  @Field({ description: 'Item number of the admission, as in the catalogue.' })
  itemNumber!: string;

  @Field(() => Int, { description: 'Number of tickets (and wallets: one per holder) on this line.' })
  quantity!: number;

  @Field({ description: 'Visit date, `YYYY-MM-DD`.' })
  visitDate!: string;

  @Field({ description: 'Visit time, `HH:MM:SS`.' })
  visitTime!: string;

  @Field({ description: 'Whether the item is a package of several admissions.' })
  isPackage!: boolean;

  @Field(() => [Wallet], { description: 'Issued wallets, one per holder; empty until the order is issued.' })
  wallets!: Wallet[];
}

/**
 * A ticket order. Built either from a full order or from a list summary; `items` is then left undefined and
 * `OrderResolver.items` fetches the full order through the per-request loader, only when a client asks for it.
 */
@ObjectType({
  simpleResolvers: true,
  description: 'A ticket order at the Channel Manager, from submission to issued wallets and tickets.',
})
@Directive('@key(fields: "id")')
export class Order {
  @Field(() => ID, { description: "The Channel Manager's orderId." })
  id!: string;

  @Field(() => OrderStatus, { description: 'Where the order is in its lifecycle.' })
  status!: OrderStatus;

  @Field(() => String, {
    nullable: true,
    description: 'Why issuance failed, for an order in ERROR; otherwise null.',
  })
  statusMessage!: string | null;

  @Field(() => ID, { description: 'The Channel Manager partner the order belongs to.' })
  partnerId!: string;

  @Field({ description: "The sales channel's own order reference, unique per partner." })
  sellToOrderReference!: string;

  @Field(() => Date, { description: 'When the Channel Manager received the order.' })
  receivedAt!: Date;

  @Field(() => String, { nullable: true, description: 'Email of the buyer.' })
  sellToEmail!: string | null;

  @Field(() => String, { nullable: true, description: 'Name of the buyer.' })
  sellToName!: string | null;

  @Field(() => String, { nullable: true, description: 'Language code of the buyer, e.g. `ENU`.' })
  sellToLanguage!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Reference of the captured payment; null for an unpaid draft.',
  })
  paymentReference!: string | null;

  @Field(() => String, { nullable: true, description: "The vendor's issuance job id, once issued." })
  jobId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Printable manifest (PDF) of the whole order, once issued.',
  })
  manifestUrl!: string | null;

  /** Present when built from a full order; undefined when built from a list summary. */
  items?: OrderItem[];
}
