import type { NfcTagifyScope } from '../../vendors/nfctagify/scope.js';
import { productFromNfcTagify } from '../../vendors/nfctagify/mappers.js';
import type { CallScope } from '../../vendors/http.js';
import type { PartnerPortalScope } from '../../vendors/partnerportal/scope.js';
import { productFromPartnerPortal } from '../../vendors/partnerportal/mappers.js';
import { PP_MAX_LIMIT } from '../../vendors/partnerportal/contract.js';
import type { PpProduct } from '../../vendors/partnerportal/contract.js';
import type { Product } from './product.type.js';

/**
 * The two catalogues as one operation sees them: by id, by sku (Channel Manager item numbers), or whole. Built
 * per operation over that operation's loaders, so a product asked for from many places costs one upstream call.
 */
export class ProductCatalogue {
  private portalCatalogue: Promise<Product[]> | undefined;
  /** `bySku`'s answers: the product (or null) once known, the pending lookup until then. */
  private readonly productsBySku = new Map<string, Product | null | Promise<Product | null>>();

  constructor(
    private readonly partnerPortal: PartnerPortalScope,
    private readonly nfcTagify: NfcTagifyScope,
    private readonly scope: CallScope,
  ) {}

  async partnerPortalById(id: string): Promise<Product | null> {
    const product = await this.partnerPortal.loaders.productById.load(id);
    return product ? productFromPartnerPortal(product) : null;
  }

  /**
   * The PartnerPortal catalogue product whose sku is this Channel Manager item number. A dashboard asks for the
   * same few skus hundreds of times (every line and ticket): each is looked up and mapped once per operation,
   * and answered as a value, not a promise, once known, so the executor has nothing to wait on for it.
   */
  bySku(sku: string): Product | null | Promise<Product | null> {
    const known = this.productsBySku.get(sku);
    if (known !== undefined) return known;
    const pending = this.partnerPortal.loaders.productBySku.load(sku).then((product) => {
      const mapped = product ? productFromPartnerPortal(product) : null;
      this.productsBySku.set(sku, mapped);
      return mapped;
    });
    // A failed lookup stays failed for this operation, as the loader's own cache keeps it.
    this.productsBySku.set(sku, pending);
    return pending;
  }

  /**
   * A product by id from whichever catalogue has it. One catalogue failing does not hide a product the other one
   * has; only when the other has none is the failure the answer (we cannot say "no such product").
   */
  async byId(id: string): Promise<Product | null> {
    const lookups = await Promise.allSettled([this.partnerPortalById(id), this.nfcTagifyById(id)]);
    for (const lookup of lookups) if (lookup.status === 'fulfilled' && lookup.value) return lookup.value;
    const failed = lookups.find((lookup) => lookup.status === 'rejected');
    if (failed) throw failed.reason;
    return null;
  }

  async nfcTagifyById(id: string): Promise<Product | null> {
    const product = await this.nfcTagify.loaders.productById.load(id);
    return product ? productFromNfcTagify(product) : null;
  }

  /** Every PartnerPortal product: the vendor's pages walked once per operation, each product primed by id. */
  partnerPortalCatalogue(): Promise<Product[]> {
    this.portalCatalogue ??= (async () => {
      const all: PpProduct[] = [];
      let cursor: string | undefined;
      do {
        const page = await this.partnerPortal.client.listProducts(
          { limit: PP_MAX_LIMIT, ...(cursor ? { cursor } : {}) },
          this.scope,
        );
        all.push(...page.data);
        cursor = page.has_more && page.next_cursor ? page.next_cursor : undefined;
      } while (cursor);
      for (const product of all) this.partnerPortal.loaders.productById.prime(product.id, product);
      return all.map(productFromPartnerPortal);
    })();
    return this.portalCatalogue;
  }

  async nfcTagifyCatalogue(): Promise<Product[]> {
    return (await this.nfcTagify.loaders.catalogue.load('all')).map(productFromNfcTagify);
  }
}
