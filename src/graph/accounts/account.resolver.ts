import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../../context.js';
import { CLAIM_KIND } from '../../store/partner-claims.js';
import type { NeAccount } from '../../vendors/nationalexpress/contract.js';
import {
  accountFromVendor,
  accountMatchesQuery,
  listQueryFromFilter,
  ticketFromLink,
} from '../../vendors/nationalexpress/mappers.js';
import { pageOfList, pageSize } from '../common/connection.js';
import { UserErrorCode, userError } from '../common/user-error.type.js';
import type { Connection } from '../common/connection.js';
import {
  encodeOffsetCursor,
  fingerprint,
  offsetAfterCursor,
  offsetConnection,
} from '../common/offset-cursor.js';
import type { Ticket } from '../orders/order.type.js';
import { AccountConnection, TicketConnection } from './account-connection.type.js';
import { AccountFilter } from './account-filter.input.js';
import { AccountPayload } from './account.payload.js';
import { Account } from './account.type.js';

const ACCOUNTS_CURSOR = 'ne-accounts:v1';

/** The answer to an account the key may not see: the same as for an id National Express does not know. */
const NO_SUCH_ACCOUNT: AccountPayload = {
  account: null,
  userErrors: [
    userError(UserErrorCode.NOT_FOUND, 'No National Express account with this id exists.', ['accountId']),
  ],
};

/**
 * A bound key's accounts: the ones assigned to its partners (National Express cannot filter by partner), read
 * by id, filtered as the vendor filters, oldest first as the vendor lists them.
 */
async function accountsOfBoundKey(
  ctx: GatewayContext,
  filter: AccountFilter | undefined,
  first: number | undefined,
  after: string | undefined,
): Promise<Connection<Account>> {
  const query = listQueryFromFilter(filter);
  const ids = await ctx.access.claimedObjects(CLAIM_KIND.nationalExpressAccount);
  const found = await ctx.nationalExpress.loaders.accountById.loadMany(ids);
  const accounts = found
    .map((account) => {
      if (account instanceof Error) throw account;
      return account;
    })
    .filter((account): account is NeAccount => account !== null && accountMatchesQuery(account, query))
    .map((account) => ({ key: `${account.createdAt}|${account.accountId}`, account }));
  accounts.sort((a, b) => (a.key < b.key ? -1 : 1));
  return pageOfList(
    accounts,
    (entry) => entry.key,
    (entry) => accountFromVendor(entry.account),
    first,
    after,
    (cursor, entry) => (entry.key > cursor ? -1 : 1),
  );
}
const TICKETS_CURSOR = 'ne-account-tickets:v1';

@Resolver(() => Account)
export class AccountResolver {
  @Query(() => Account, {
    nullable: true,
    description:
      'A National Express account by its id; null when there is none or when the API key may not see it (a key ' +
      "bound to partners sees the accounts in its partners' `links.nationalExpressAccountIds`).",
  })
  async account(
    @Arg('id', () => ID, { description: "National Express's account id (`NXA-` and six digits)." })
    id: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<Account | null> {
    // An account the key may not see is not even asked for: the answer is the same as for a missing one.
    if (!(await ctx.access.mayUseAccount(id))) return null;
    const account = await ctx.nationalExpress.loaders.accountById.load(id);
    return account ? accountFromVendor(account) : null;
  }

  @Query(() => AccountConnection, {
    nullable: true,
    description:
      'National Express accounts, oldest first. Each page costs one or two vendor calls. Cursors are positions ' +
      'in the list: an account created while a client walks it shifts later pages by one. A key bound to ' +
      "partners lists only its partners' accounts (one vendor read per account). Null, with an " +
      'UPSTREAM_UNAVAILABLE error at this field, while National Express cannot answer.',
  })
  async accounts(
    @Arg('filter', () => AccountFilter, { nullable: true, description: 'Conditions the accounts must meet.' })
    filter: AccountFilter | undefined,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 0 to 100 (default 20).' })
    first: number | undefined,
    @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after.' })
    after: string | undefined,
    @Ctx() ctx: GatewayContext,
  ): Promise<Connection<Account>> {
    if (!ctx.access.allPartners) return accountsOfBoundKey(ctx, filter, first, after);
    const size = pageSize(first);
    const query = listQueryFromFilter(filter);
    const print = fingerprint(query);
    const offset = offsetAfterCursor(after, ACCOUNTS_CURSOR, print, 'accounts');
    const { items, total } = await ctx.nationalExpress.accountRange(query, offset, size);
    return offsetConnection(
      items,
      offset,
      size,
      total,
      (position) => encodeOffsetCursor(ACCOUNTS_CURSOR, print, position),
      accountFromVendor,
    );
  }

  @FieldResolver(() => TicketConnection, {
    nullable: true,
    description:
      'The tickets linked to the account, in linking order: one vendor call per page and account. National ' +
      'Express knows only their references; see `Ticket` for what that leaves out. Null, with an ' +
      'UPSTREAM_UNAVAILABLE error at this field, when that call fails: the account stands.',
  })
  async tickets(
    @Root() account: Account,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 0 to 100 (default 20).' })
    first: number | undefined,
    @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after.' })
    after: string | undefined,
    @Ctx() ctx: GatewayContext,
  ): Promise<Connection<Ticket>> {
    const size = pageSize(first);
    const print = fingerprint({ accountId: account.id });
    const offset = offsetAfterCursor(after, TICKETS_CURSOR, print, 'tickets of another account');
    // An account removed since it was read has no tickets left to show.
    const range = (await ctx.nationalExpress.ticketRange(account.id, offset, size)) ?? {
      items: [],
      total: 0,
    };
    return offsetConnection(
      range.items,
      offset,
      size,
      range.total,
      (position) => encodeOffsetCursor(TICKETS_CURSOR, print, position),
      ticketFromLink,
    );
  }

  @Mutation(() => AccountPayload, {
    description:
      'Links a ticket (its reference number) to a National Express account; answers the account. Safe to retry: ' +
      'linking a ticket the account already holds changes nothing. User errors: VALIDATION (malformed or ' +
      'unknown reference), DUPLICATE (linked to another account: unlink it there first), INVALID_STATE (the ' +
      'account is SUSPENDED or CLOSED), NOT_FOUND (no such account, or one the API key may not see).',
  })
  async linkTicket(
    @Arg('accountId', () => ID, { description: 'The account to link the ticket to.' }) accountId: string,
    @Arg('ticketReference', { description: 'Reference number of the ticket, e.g. `ATF-BIL010665L-3`.' })
    ticketReference: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<AccountPayload> {
    if (!(await ctx.access.mayUseAccount(accountId))) return NO_SUCH_ACCOUNT;
    return ctx.nationalExpress.accounts.link(accountId, ticketReference);
  }

  @Mutation(() => AccountPayload, {
    description:
      'Unlinks a ticket from a National Express account, whatever its status; answers the account. Safe to ' +
      'retry: a ticket that is not (or no longer) linked to this account is no error, the account is answered ' +
      'as it stands. User errors: VALIDATION (malformed reference), NOT_FOUND (no such account, or one the API ' +
      'key may not see).',
  })
  async unlinkTicket(
    @Arg('accountId', () => ID, { description: 'The account to unlink the ticket from.' }) accountId: string,
    @Arg('ticketReference', { description: 'Reference number of the ticket.' }) ticketReference: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<AccountPayload> {
    if (!(await ctx.access.mayUseAccount(accountId))) return NO_SUCH_ACCOUNT;
    return ctx.nationalExpress.accounts.unlink(accountId, ticketReference);
  }
}
