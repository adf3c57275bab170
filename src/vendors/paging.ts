/** Which vendor pages hold a slice, for vendors that page by number: a page size and one or two pages. */
export interface VendorPagePlan {
  size: number;
  /** 1-based page numbers, consecutive: one or two. */
  pages: number[];
  /** Index of the slice's first item within the concatenated pages. */
  skip: number;
}

/**
 * Any slice [offset, offset + count) of a page-numbered list with the fewest vendor calls: the smallest page size
 * (≥ count, ≤ maxSize) whose one page covers the whole slice, or two consecutive pages of `count` when none does.
 * So a GraphQL page costs one vendor call, two at worst, whatever `first` and `after` the client sends.
 */
export function planVendorPages(offset: number, count: number, maxSize: number): VendorPagePlan {
  if (count === 0) return { size: 1, pages: [1], skip: 0 };
  const last = offset + count - 1;
  for (let size = count; size <= maxSize; size++) {
    const page = Math.floor(offset / size);
    if (Math.floor(last / size) === page) return { size, pages: [page + 1], skip: offset - page * size };
  }
  const page = Math.floor(offset / count);
  return { size: count, pages: [page + 1, page + 2], skip: offset - page * count };
}
