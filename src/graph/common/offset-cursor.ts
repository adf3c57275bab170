import { createHash } from 'node:crypto';
import { BadUserInputError } from '../../errors/gateway-errors.js';
import type { Connection } from './connection.js';

/**
 * Cursors for lists a vendor pages by number (page + page size): the absolute position of an item in the
 * filtered list, which is what page numbers can reach. Each list has its own prefix and the filter's fingerprint
 * rides along, so a cursor is only accepted by the list that gave it out. Positions shift by one when an item is
 * added before them between two page reads (no keyset paging at such vendors); the lists' descriptions say so.
 */

/** Beyond any real list, and within 9-digit page numbers. */
const MAX_POSITION = 100_000_000;

/** A short, stable digest of a filter (key order does not matter). */
export function fingerprint(filter: object): string {
  const canonical = JSON.stringify(Object.entries(filter).sort(([a], [b]) => (a < b ? -1 : 1)));
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 12);
}

export function encodeOffsetCursor(prefix: string, filterPrint: string, position: number): string {
  return Buffer.from(`${prefix}:${filterPrint}:${position}`, 'utf8').toString('base64url');
}

/**
 * The position after which the next page starts: the cursor's own position + 1, or 0 without a cursor.
 * `listName` names the list in the error for a cursor of the same list under another filter.
 */
export function offsetAfterCursor(
  cursor: string | undefined | null,
  prefix: string,
  filterPrint: string,
  listName: string,
): number {
  if (cursor === undefined || cursor === null) return 0;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(.+):([\w-]+):(\d{1,9})$/.exec(text);
  const position = Number(match?.[3]);
  if (!match || match[1] !== prefix || encodeOffsetCursor(prefix, match[2]!, position) !== cursor) {
    throw new BadUserInputError('after is not a cursor this list gave out.', 'after');
  }
  if (match[2] !== filterPrint) {
    throw new BadUserInputError(`after belongs to a ${listName} list with another filter.`, 'after');
  }
  if (position >= MAX_POSITION) throw new BadUserInputError('after is out of range.', 'after');
  return position + 1;
}

/** A connection over items [offset, offset + items.length) of a list of `total`, asked for `size` of them. */
export function offsetConnection<TItem, TNode>(
  items: readonly TItem[],
  offset: number,
  size: number,
  total: number,
  cursorAt: (position: number) => string,
  toNode: (item: TItem) => TNode,
): Connection<TNode> {
  const edges = items.map((item, index) => ({ cursor: cursorAt(offset + index), node: toNode(item) }));
  return {
    nodes: edges.map((edge) => edge.node),
    edges,
    pageInfo: {
      hasNextPage: offset + size < total,
      hasPreviousPage: offset > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: total,
  };
}
