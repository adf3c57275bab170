import type { ClassType } from 'type-graphql';
import { Field, Int, ObjectType } from 'type-graphql';
import { BadUserInputError } from '../../errors/gateway-errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ObjectType({
  simpleResolvers: true,
  description: 'Where a page sits in its list (Relay cursor connections).',
})
export class PageInfo {
  @Field({ description: 'Whether more items follow this page.' })
  hasNextPage!: boolean;

  @Field({ description: 'Whether items precede this page.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item on this page.' })
  startCursor!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor of the last item on this page; pass it as `after`.',
  })
  endCursor!: string | null;
}

export interface Edge<TNode> {
  cursor: string;
  node: TNode;
}

export interface Connection<TNode> {
  nodes: TNode[];
  edges: Edge<TNode>[];
  pageInfo: PageInfo;
  totalCount: number;
}

/**
 * Declares `<Name>Edge` and `<Name>Connection` object types for a node type: the Relay shape plus `nodes`
 * and `totalCount`, which most clients want instead of walking edges.
 */
export function connectionTypes<TNode extends object>(
  name: string,
  nodeType: ClassType<TNode>,
  nodeDescription: string,
): ClassType<Connection<TNode>> {
  @ObjectType(`${name}Edge`, {
    simpleResolvers: true,
    description: `One ${nodeDescription} in a page, with its cursor.`,
  })
  class EdgeType {
    @Field({ description: 'Opaque cursor of this item; pass it as `after` to continue after it.' })
    cursor!: string;

    @Field(() => nodeType, { description: `The ${nodeDescription}.` })
    node!: TNode;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true, description: `A page of ${nodeDescription}s.` })
  class ConnectionType {
    @Field(() => [nodeType], { description: `The ${nodeDescription}s on this page.` })
    nodes!: TNode[];

    @Field(() => [EdgeType], { description: `The ${nodeDescription}s on this page, with cursors.` })
    edges!: EdgeType[];

    @Field(() => PageInfo, { description: 'Where this page sits in the whole list.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: `How many ${nodeDescription}s the whole list holds (all pages).` })
    totalCount!: number;
  }
  return ConnectionType;
}

/** `first` as clients send it, checked against the limits every list shares. */
export function pageSize(first: number | undefined | null): number {
  if (first === undefined || first === null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new BadUserInputError(`first must be between 0 and ${MAX_PAGE_SIZE}, got ${first}.`, 'first');
  }
  return first;
}

/**
 * A page out of a list the gateway holds whole (the vendor answered it in one call). Cursors are opaque keys of
 * the items, not offsets, so a page stays correct when items before it come or go between requests.
 */
export function pageOfList<TItem, TNode>(
  items: readonly TItem[],
  keyOf: (item: TItem) => string,
  toNode: (item: TItem) => TNode,
  first: number | undefined | null,
  after: string | undefined | null,
  compare: (cursorKey: string, item: TItem) => number,
): Connection<TNode> {
  const size = pageSize(first);
  let start = 0;
  if (after !== undefined && after !== null) {
    const key = decodeCursor(after);
    const index = items.findIndex((item) => compare(key, item) < 0);
    start = index === -1 ? items.length : index;
  }
  const slice = items.slice(start, start + size);
  const edges = slice.map((item) => ({ cursor: encodeCursor(keyOf(item)), node: toNode(item) }));
  return {
    nodes: edges.map((edge) => edge.node),
    edges,
    pageInfo: {
      hasNextPage: start + size < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: items.length,
  };
}

/** An empty page that still checks `first` and `after`, so a bad argument is refused whatever the list holds. */
export function emptyConnection<TNode>(first: number | undefined | null, after: string | undefined | null) {
  return pageOfList<TNode, TNode>(
    [],
    () => '',
    (node) => node,
    first,
    after,
    () => 1,
  );
}

export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (key.length === 0 || encodeCursor(key) !== cursor) {
    throw new BadUserInputError('after is not a cursor this list gave out.', 'after');
  }
  return key;
}
