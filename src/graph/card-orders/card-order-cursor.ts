import { createHash } from 'node:crypto';
import { BadUserInputError } from '../../errors/gateway-errors.js';

/**
 * Cursors of `cardOrders`: the absolute position of an order in the filtered list, newest first, which is what
 * the vendor's page numbers can reach. The filter's fingerprint rides along so a cursor is only accepted by the
 * list that gave it out. Positions shift by one when an order is placed between two page reads (the vendor has
 * no keyset paging), which the connection's description says.
 */
const PREFIX = 'nt-card-orders:v1';
/** Beyond any real order history, and within the vendor's 9-digit page numbers. */
const MAX_POSITION = 100_000_000;

export function fingerprint(filter: object): string {
  const canonical = JSON.stringify(Object.entries(filter).sort(([a], [b]) => (a < b ? -1 : 1)));
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 12);
}

export function encodeCardOrderCursor(filterPrint: string, position: number): string {
  return Buffer.from(`${PREFIX}:${filterPrint}:${position}`, 'utf8').toString('base64url');
}

/** The position after which the next page starts: the cursor's own position + 1. */
export function offsetAfter(cursor: string | undefined | null, filterPrint: string): number {
  if (cursor === undefined || cursor === null) return 0;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(.+):([\w-]+):(\d{1,9})$/.exec(text);
  const position = Number(match?.[3]);
  if (!match || match[1] !== PREFIX || encodeCardOrderCursor(match[2]!, position) !== cursor) {
    throw new BadUserInputError('after is not a cursor this list gave out.', 'after');
  }
  if (match[2] !== filterPrint) {
    throw new BadUserInputError('after belongs to a cardOrders list with another filter.', 'after');
  }
  if (position >= MAX_POSITION) throw new BadUserInputError('after is out of range.', 'after');
  return position + 1;
}
