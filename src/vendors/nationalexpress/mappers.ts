import { BadUserInputError, UpstreamRejectedError } from '../../errors/gateway-errors.js';
import { Account } from '../../graph/accounts/account.type.js';
import type { AccountFilter } from '../../graph/accounts/account-filter.input.js';
import {
  ACCOUNT_STATUSES,
  AccountStatus,
  isAccountStatus,
} from '../../graph/accounts/account-status.enum.js';
import { UserErrorCode, userError } from '../../graph/common/user-error.type.js';
import type { UserError } from '../../graph/common/user-error.type.js';
import { Ticket } from '../../graph/orders/order.type.js';
import type { NationalExpressRequestError } from './client.js';
import { NE_CODE } from './contract.js';
import type { NeAccount, NeAccountStatus, NeListAccountsQuery, NeTicketLink } from './contract.js';

/** The edge of National Express's dialect: its field names, status words and response codes stop here. */

const STATUS_FROM_VENDOR: Record<NeAccountStatus, AccountStatus> = {
  active: AccountStatus.ACTIVE,
  pending: AccountStatus.PENDING,
  suspended: AccountStatus.SUSPENDED,
  closed: AccountStatus.CLOSED,
};

const STATUS_TO_VENDOR: Record<AccountStatus, NeAccountStatus> = {
  [AccountStatus.ACTIVE]: 'active',
  [AccountStatus.PENDING]: 'pending',
  [AccountStatus.SUSPENDED]: 'suspended',
  [AccountStatus.CLOSED]: 'closed',
};

/** A status the vendor adds later comes through upper-cased instead of failing every read of the account. */
function statusFromVendor(status: string): string {
  return Object.hasOwn(STATUS_FROM_VENDOR, status)
    ? STATUS_FROM_VENDOR[status as NeAccountStatus]
    : status.toUpperCase();
}

export function accountFromVendor(account: NeAccount): Account {
  return Object.assign(new Account(), {
    id: account.accountId,
    email: account.email,
    name: account.displayName ?? `${account.firstName} ${account.lastName}`,
    status: statusFromVendor(account.status),
    firstName: account.firstName,
    lastName: account.lastName,
    createdAt: new Date(account.createdAt),
    updatedAt: new Date(account.updatedAt),
    linkedTicketCount: account.linkedTicketCount,
  });
}

/**
 * A linked ticket as a Channel Manager `Ticket`: the reference is all National Express knows of it, and the
 * Channel Manager cannot be asked by reference, so the rest are the documented stand-ins (see `Ticket`).
 */
export function ticketFromLink(link: NeTicketLink): Ticket {
  return Object.assign(new Ticket(), {
    id: link.ticketReference,
    referenceNumber: link.ticketReference,
    type: 'ticket',
    itemNumber: '',
    accountId: link.accountId,
  });
}

/**
 * The filter as `GET /accounts` takes it. The status is checked here, against the values the graph documents,
 * so a wrong one is named in our words; email and search are left to the vendor's rules (`listErrorFromVendor`).
 */
export function listQueryFromFilter(filter: AccountFilter | undefined | null): NeListAccountsQuery {
  if (!filter) return {};
  const status = filter.status ?? undefined;
  if (status !== undefined && !isAccountStatus(status)) {
    throw new BadUserInputError(
      `filter.status must be one of ${ACCOUNT_STATUSES.join(', ')}, got "${status}".`,
      'filter.status',
    );
  }
  return {
    ...(filter.email !== undefined && filter.email !== null ? { email: filter.email } : {}),
    ...(status !== undefined ? { status: STATUS_TO_VENDOR[status] } : {}),
    ...(filter.search !== undefined && filter.search !== null ? { search: filter.search } : {}),
  };
}

/**
 * Does an account meet a `GET /accounts` filter, as the vendor documents it (email exact and case-insensitive;
 * search a case-insensitive substring of first, last, display or full name, or email)? For lists the gateway
 * assembles itself from known ids (a key bound to partners), so they filter as the vendor's list does.
 */
export function accountMatchesQuery(account: NeAccount, query: NeListAccountsQuery): boolean {
  const needle = query.search?.trim().toLowerCase();
  const text = [
    account.firstName,
    account.lastName,
    `${account.firstName} ${account.lastName}`,
    account.displayName ?? '',
    account.email,
  ]
    .join('\n')
    .toLowerCase();
  return (
    (query.email === undefined || account.email.toLowerCase() === query.email.toLowerCase()) &&
    (query.status === undefined || account.status === query.status) &&
    (needle === undefined || text.includes(needle))
  );
}

/** Filter parameters of `GET /accounts`, by the names of `AccountFilter`'s fields. */
const FILTER_FIELDS = new Set(['email', 'status', 'search']);

/**
 * A refused list read: a 100400 about a filter parameter is the client's input (BAD_USER_INPUT naming
 * `filter.<field>` with the vendor's field message); anything else about a request the gateway built is ours.
 */
export function listErrorFromVendor(error: NationalExpressRequestError): Error {
  const about = error.errors.find((detail) => FILTER_FIELDS.has(detail.field));
  if (error.code === NE_CODE.VALIDATION_ERROR && about) {
    return new BadUserInputError(`filter.${about.field} ${about.message}.`, `filter.${about.field}`);
  }
  return new UpstreamRejectedError(
    'National Express',
    error.code === NE_CODE.NOT_FOUND ? 404 : 400,
    'the account list request was refused',
  );
}

/** Vendor fields that are our mutations' arguments under the same name. */
const ARGUMENTS: Record<string, string> = { ticketReference: 'ticketReference', accountId: 'accountId' };

/**
 * A refused link or unlink, as user errors on our argument paths. 100400 lists field messages (a ticket held by
 * another account is DUPLICATE); 100403 on linking is the account's status (INVALID_STATE); 100404 is the
 * account. The vendor's field messages are human-readable by its document and name no other customer.
 */
export function userErrorsFromVendor(error: NationalExpressRequestError): UserError[] {
  if (error.code === NE_CODE.NOT_FOUND) {
    return [
      userError(UserErrorCode.NOT_FOUND, 'No National Express account with this id exists.', ['accountId']),
    ];
  }
  if (error.code === NE_CODE.AUTHORIZATION_ERROR) {
    return [
      userError(
        UserErrorCode.INVALID_STATE,
        'Tickets can be linked to ACTIVE and PENDING accounts only; this account is in another status.',
        ['accountId'],
      ),
    ];
  }
  if (error.errors.length === 0) {
    return [userError(UserErrorCode.VALIDATION, 'National Express refused the request as invalid.')];
  }
  return error.errors.map((detail) => {
    const argument = ARGUMENTS[detail.field];
    const code =
      detail.code === 'TICKET_LINKED_TO_ANOTHER_ACCOUNT' ? UserErrorCode.DUPLICATE : UserErrorCode.VALIDATION;
    return userError(code, `${detail.field} ${detail.message}.`, argument ? [argument] : undefined);
  });
}
