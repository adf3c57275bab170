import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from '../../context.js';
import { pageOfList } from '../common/connection.js';
import type { Connection } from '../common/connection.js';
import { Vendor } from '../common/vendor.enum.js';
import { ProductConnection } from './product-connection.type.js';
import { Product } from './product.type.js';

/** One total order over both catalogues, so cursors stay valid when a catalogue changes between pages. */
const sortKey = (product: Product): string => `${product.vendor}|${product.id}`;

@Resolver(() => Product)
export class ProductResolver {
  @Query(() => Product, {
    nullable: true,
    description: 'A product from any catalogue by its vendor id; null when no vendor has it.',
  })
  async product(
    @Arg('id', () => ID, { description: "The vendor's product id." }) id: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<Product | null> {
    return ctx.products.byId(id);
  }

  @Query(() => ProductConnection, {
    nullable: true,
    description:
      "Both vendors' catalogues as one list, ordered by vendor then id; `vendor` narrows it to one catalogue. " +
      'Prices are what each vendor charges us, overrides included. Null, with an UPSTREAM_UNAVAILABLE error at ' +
      'this field, while a catalogue it needs cannot be read (a page without it would shift every cursor): ' +
      'narrow it with `vendor` to the other catalogue meanwhile.',
  })
  async products(
    @Arg('vendor', () => Vendor, { nullable: true, description: 'Only this vendor’s catalogue.' })
    vendor: Vendor | undefined,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 0 to 100 (default 20).' })
    first: number | undefined,
    @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after.' })
    after: string | undefined,
    @Ctx() ctx: GatewayContext,
  ): Promise<Connection<Product>> {
    const wantPortal = !vendor || vendor === Vendor.PARTNER_PORTAL;
    const wantCards = !vendor || vendor === Vendor.NFC_TAGIFY;
    const [portal, cards] = await Promise.all([
      wantPortal ? ctx.products.partnerPortalCatalogue() : [],
      wantCards ? ctx.products.nfcTagifyCatalogue() : [],
    ]);
    const all = [...portal, ...cards].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
    return pageOfList(
      all,
      sortKey,
      (product) => product,
      first,
      after,
      (cursor, item) => (cursor < sortKey(item) ? -1 : 1),
    );
  }
}
