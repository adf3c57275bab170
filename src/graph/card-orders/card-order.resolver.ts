import { BadUserInputError } from '../../errors/gateway-errors.js';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../../context.js';
import {
  cardOrderFromNfcTagify,
  listQueryFromFilter,
  orderRequestFromInput,
  productFromNfcTagify,
} from '../../vendors/nfctagify/mappers.js';
import { pageSize } from '../common/connection.js';
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

@Resolver(() => CardOrder)
export class CardOrderResolver {
  @Query(() => CardOrder, {
    nullable: true,
    description: 'An NFC Tagify card order by its id; null when there is none.',
  })
  async cardOrder(
    @Arg('id', () => ID, { description: "NFC Tagify's order id (`ord_…`)." }) id: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<CardOrder | null> {
    // An empty id would address the vendor's order list, not an order.
    if (id.length === 0) throw new BadUserInputError('id must not be empty.', 'id');
    const order = await ctx.nfcTagify.loaders.orderById.load(id);
    return order ? cardOrderFromNfcTagify(order) : null;
  }

  @Query(() => CardOrderConnection, {
    description:
      'Our NFC Tagify card orders, newest first. Each page costs one or two vendor list calls. Cursors are ' +
      'positions in the list: an order placed while a client walks it shifts later pages by one.',
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
    const size = pageSize(first);
    const query = listQueryFromFilter(filter);
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
      'RATE_LIMITED error saying when to retry.',
  })
  async createCardOrder(
    @Arg('input', () => CardOrderInput, { description: 'The order.' }) input: CardOrderInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<CardOrderPayload> {
    const problems = await validateInput('input', input);
    if (problems.length > 0) return { cardOrder: null, userErrors: problems };
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
