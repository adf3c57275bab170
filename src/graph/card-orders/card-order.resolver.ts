import { BadUserInputError } from '../../errors/gateway-errors.js';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../../context.js';
import {
  cardOrderFromNfcTagify,
  listQueryFromFilter,
  orderRequestFromInput,
  productFromNfcTagify,
} from '../../vendors/nfctagify/mappers.js';
import { CLAIM_KIND } from '../../store/partner-claims.js';
import { NT_MAX_PER_PAGE } from '../../vendors/nfctagify/contract.js';
import type { NtOrderFilterQuery } from '../../vendors/nfctagify/loaders.js';
import { pageOfList, pageSize } from '../common/connection.js';
import { UserErrorCode, userError } from '../common/user-error.type.js';
import { offsetConnection } from '../common/offset-cursor.js';
import type { Connection } from '../common/connection.js';
import { validateInput } from '../common/validate-input.js';
import { Product } from '../products/product.type.js';
import { CardOrderConnection } from './card-order-connection.type.js';
import { encodeCardOrderCursor, fingerprint, offsetAfter } from './card-order-cursor.js';
import { CardOrderFilter } from './card-order-filter.input.js';
import { CardOrderInput } from './card-order.input.js';
import { CardOrderPayload } from './card-order.payload.js';
import { CardOrder, CardOrderLine } from './card-order.type.js';

async function productOf(productId: string, ctx: GatewayContext): Promise<Product | null> {
  const product = await ctx.nfcTagify.loaders.productById.load(productId);
  return product ? productFromNfcTagify(product) : null;
}

/** A customerReference already used by another partner, or by orders the gateway cannot tie to a partner. */
const REFERENCE_TAKEN: CardOrderPayload = {
  cardOrder: null,
  userErrors: [
    userError(
      UserErrorCode.DUPLICATE,
      'A card order with this customerReference already exists, with different content.',
      ['input', 'customerReference'],
    ),
  ],
};

/**
 * A bound key's card orders: those whose customerReference was claimed for its partners, one vendor list call
 * per reference (the vendor's own filter, so status and dates filter there), newest first as the vendor lists.
 */
async function cardOrdersOfBoundKey(
  ctx: GatewayContext,
  query: NtOrderFilterQuery,
  first: number | undefined,
  after: string | undefined,
): Promise<Connection<CardOrder>> {
  const claimed = await ctx.access.claimedObjects(CLAIM_KIND.cardOrderReference);
  const wanted = query.customer_reference;
  const references = wanted === undefined ? claimed : claimed.filter((reference) => reference === wanted);
  const ranges = await Promise.all(
    references.map((reference) =>
      ctx.nfcTagify.orderRange({ ...query, customer_reference: reference }, 0, NT_MAX_PER_PAGE),
    ),
  );
  const orders = ranges
    .flatMap((range, index) => range.orders.filter((order) => order.customer_reference === references[index]))
    .map(cardOrderFromNfcTagify)
    .map((order) => ({ key: `${order.createdAt.toISOString()}|${order.id}`, order }));
  orders.sort((a, b) => (a.key < b.key ? 1 : -1));
  return pageOfList(
    orders,
    (entry) => entry.key,
    (entry) => entry.order,
    first,
    after,
    (cursor, entry) => (entry.key < cursor ? -1 : 1),
  );
}

@Resolver(() => CardOrder)
export class CardOrderResolver {
  @Query(() => CardOrder, {
    nullable: true,
    description:
      "An NFC Tagify card order by its id; null when there is none or when the API key may not see the order's " +
      'partner.',
  })
  async cardOrder(
    @Arg('id', () => ID, { description: "NFC Tagify's order id (`ord_…`)." }) id: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<CardOrder | null> {
    // An empty id would address the vendor's order list, not an order.
    if (id.length === 0) throw new BadUserInputError('id must not be empty.', 'id');
    const order = await ctx.nfcTagify.loaders.orderById.load(id);
    return ctx.access.cardOrder(order ? cardOrderFromNfcTagify(order) : null);
  }

  @Query(() => CardOrderConnection, {
    nullable: true,
    description:
      'Our NFC Tagify card orders, newest first. Each page costs one or two vendor list calls. Cursors are ' +
      'positions in the list: an order placed while a client walks it shifts later pages by one. A key bound to ' +
      "partners lists only its partners' orders (one vendor list call per customerReference). Null, with an " +
      'UPSTREAM_UNAVAILABLE error at this field, while NFC Tagify cannot answer.',
  })
  async cardOrders(
    @Arg('filter', () => CardOrderFilter, { nullable: true, description: 'Conditions the orders must meet.' })
    filter: CardOrderFilter | undefined,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 0 to 100 (default 20).' })
    first: number | undefined,
    @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after.' })
    after: string | undefined,
    @Ctx() ctx: GatewayContext,
  ): Promise<Connection<CardOrder>> {
    const query = listQueryFromFilter(filter);
    if (!ctx.access.allPartners) return cardOrdersOfBoundKey(ctx, query, first, after);
    const size = pageSize(first);
    const print = fingerprint(query);
    const offset = offsetAfter(after, print);
    const { orders, total } = await ctx.nfcTagify.orderRange(query, offset, size);
    return offsetConnection(
      orders,
      offset,
      size,
      total,
      (position) => encodeCardOrderCursor(print, position),
      cardOrderFromNfcTagify,
    );
  }

  @FieldResolver(() => Product, {
    nullable: true,
    description: 'The product ordered, at our current price; null if NFC Tagify no longer lists it.',
  })
  product(@Root() order: CardOrder, @Ctx() ctx: GatewayContext): Promise<Product | null> {
    return productOf(order.productId, ctx);
  }

  @Mutation(() => CardOrderPayload, {
    description:
      'Places an NFC card order with NFC Tagify (it starts PENDING and moves on by itself). Safe to retry: the ' +
      'same customerReference with the same content answers the existing order, also after a lost response; ' +
      'with other content it is a DUPLICATE user error. A spent rate limit or daily order quota is a ' +
      'RATE_LIMITED error saying when to retry. The order belongs to `input.partnerId` (see there); a ' +
      'customerReference already used for another partner is a DUPLICATE user error.',
  })
  async createCardOrder(
    @Arg('input', () => CardOrderInput, { description: 'The order.' }) input: CardOrderInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<CardOrderPayload> {
    const problems = await validateInput('input', input);
    if (problems.length > 0) return { cardOrder: null, userErrors: problems };
    const partner = ctx.access.cardOrderPartner(input.partnerId, 'input.partnerId');
    const reference = input.customerReference;
    const { claims } = ctx.store;
    // The reference is claimed before the order is placed, so a lost answer cannot leave an order without its
    // partner, and a retry finds its claim.
    let owner = (await claims.owners(CLAIM_KIND.cardOrderReference, [reference])).get(reference);
    if (partner !== null) {
      if (owner === undefined) {
        // Orders placed under this reference before anyone claimed it belong to no partner we can prove.
        const earlier = await ctx.nfcTagify.orderRange({ customer_reference: reference }, 0, 1);
        if (earlier.orders.some((order) => order.customer_reference === reference)) return REFERENCE_TAKEN;
        owner = await claims.claim(CLAIM_KIND.cardOrderReference, reference, partner);
      }
      if (owner !== partner) return REFERENCE_TAKEN;
    } else if (owner === undefined) {
      // Recorded as nobody's, so no bound key can claim (and so read) this order later.
      await claims.claim(CLAIM_KIND.cardOrderReference, reference, null);
    }
    return ctx.nfcTagify.commands.create(orderRequestFromInput(input));
  }
}

@Resolver(() => CardOrderLine)
export class CardOrderLineResolver {
  @FieldResolver(() => Product, {
    nullable: true,
    description: 'The product of this line, at our current price; null if NFC Tagify no longer lists it.',
  })
  product(@Root() line: CardOrderLine, @Ctx() ctx: GatewayContext): Promise<Product | null> {
    return productOf(line.productId, ctx);
  }
}
