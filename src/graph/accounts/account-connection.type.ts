import { connectionTypes } from '../common/connection.js';
import { Ticket } from '../orders/order.type.js';
import { Account } from './account.type.js';

export const AccountConnection = connectionTypes('Account', Account, 'National Express account');

/** The tickets linked to an account: Channel Manager `Ticket`s, as far as a reference can tell (see `Ticket`). */
export const TicketConnection = connectionTypes('Ticket', Ticket, 'ticket');
