/**
 * What an account's status can be, as the graph writes it. `Account.status` and `AccountFilter.status` are
 * Strings (the issue fixes the filter's type), holding one of these; the descriptions below are repeated in
 * theirs. A status National Express adds later comes through upper-cased rather than failing the read.
 */
export enum AccountStatus {
  ACTIVE = 'ACTIVE',
  PENDING = 'PENDING',
  SUSPENDED = 'SUSPENDED',
  CLOSED = 'CLOSED',
}

export const ACCOUNT_STATUSES: readonly AccountStatus[] = Object.values(AccountStatus);

/** For field descriptions: `ACTIVE` (…), `PENDING` (…), … */
export const ACCOUNT_STATUS_HELP =
  '`ACTIVE`; `PENDING` (signed up, email not yet confirmed); `SUSPENDED`; `CLOSED`. ' +
  'Tickets can be linked to ACTIVE and PENDING accounts only; any account can have tickets unlinked.';

export function isAccountStatus(value: string): value is AccountStatus {
  return (ACCOUNT_STATUSES as readonly string[]).includes(value);
}
