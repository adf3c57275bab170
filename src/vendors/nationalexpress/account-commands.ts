import type { Account } from '../../graph/accounts/account.type.js';
import { UserErrorCode, userError } from '../../graph/common/user-error.type.js';
import type { UserError } from '../../graph/common/user-error.type.js';
import type { CallScope } from '../http.js';
import { NationalExpressRequestError } from './client.js';
import type { NationalExpressClient } from './client.js';
import { NE_TICKET_REFERENCE_PATTERN } from './contract.js';
import type { NationalExpressLoaders } from './loaders.js';
import { accountFromVendor, userErrorsFromVendor } from './mappers.js';

export interface AccountOutcome {
  account: Account | null;
  userErrors: UserError[];
}

/**
 * Ticket linking and unlinking, with the vendor's answers turned into outcomes a client can act on. One instance
 * per operation: a write drops what the operation's loaders knew of the account and its tickets, and the answer
 * reads the account afresh (its `linkedTicketCount` and `updatedAt` moved).
 */
export class NationalExpressAccountCommands {
  constructor(
    private readonly client: NationalExpressClient,
    private readonly loaders: NationalExpressLoaders,
    private readonly scope: CallScope,
  ) {}

  /** Safe to retry: the vendor answers a repeated link with the existing one, never a second link. */
  async link(accountId: string, ticketReference: string): Promise<AccountOutcome> {
    const invalid = checkReference(ticketReference);
    if (invalid) return { account: null, userErrors: [invalid] };
    try {
      await this.client.linkTicket(accountId, ticketReference, this.scope);
    } catch (error) {
      if (error instanceof NationalExpressRequestError) {
        return { account: null, userErrors: userErrorsFromVendor(error) };
      }
      throw error;
    }
    return this.answer(accountId, ticketReference);
  }

  /**
   * Safe to retry, and a ticket not linked to this account is no error: the state asked for holds. The vendor
   * answers that (and an unknown account) with 100404, so the account read that answers the mutation anyway
   * tells the two apart.
   */
  async unlink(accountId: string, ticketReference: string): Promise<AccountOutcome> {
    const invalid = checkReference(ticketReference);
    if (invalid) return { account: null, userErrors: [invalid] };
    await this.client.unlinkTicket(accountId, ticketReference, this.scope);
    return this.answer(accountId, ticketReference);
  }

  private async answer(accountId: string, ticketReference: string): Promise<AccountOutcome> {
    this.loaders.accountById.clear(accountId);
    this.loaders.ticketPages.clearAll();
    this.loaders.accountByTicketReference.clear(ticketReference);
    const account = await this.loaders.accountById.load(accountId);
    if (!account) {
      return {
        account: null,
        userErrors: [
          userError(UserErrorCode.NOT_FOUND, 'No National Express account with this id exists.', [
            'accountId',
          ]),
        ],
      };
    }
    return { account: accountFromVendor(account), userErrors: [] };
  }
}

/** The vendor's documented format, checked before anything goes upstream (case matters, nothing is normalised). */
function checkReference(ticketReference: string): UserError | null {
  if (NE_TICKET_REFERENCE_PATTERN.test(ticketReference)) return null;
  return userError(
    UserErrorCode.VALIDATION,
    'ticketReference must be 6 to 40 upper-case letters and digits in hyphen-separated groups, e.g. ATF-BIL010665L-3.',
    ['ticketReference'],
  );
}
