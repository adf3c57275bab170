import { encodeOffsetCursor, offsetAfterCursor } from '../common/offset-cursor.js';

export { fingerprint } from '../common/offset-cursor.js';

/**
 * Cursors of `cardOrders`: the absolute position of an order in the filtered list, newest first, which is what
 * the vendor's page numbers can reach (see `../common/offset-cursor.ts`). Positions shift by one when an order is
 * placed between two page reads (the vendor has no keyset paging), which the connection's description says.
 */
const PREFIX = 'nt-card-orders:v1';

export function encodeCardOrderCursor(filterPrint: string, position: number): string {
  return encodeOffsetCursor(PREFIX, filterPrint, position);
}

/** The position after which the next page starts: the cursor's own position + 1. */
export function offsetAfter(cursor: string | undefined | null, filterPrint: string): number {
  return offsetAfterCursor(cursor, PREFIX, filterPrint, 'cardOrders');
}
