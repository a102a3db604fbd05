export const CatalogRpc = {
  list: 'catalog.products.list',
  get: 'catalog.products.get',
  /** The products among some skus (GraphQL's batched `OrderItem.product`); unknown skus are left out. */
  getMany: 'catalog.products.get-many',
  create: 'catalog.products.create',
  update: 'catalog.products.update',
  adjustStock: 'catalog.products.stock.adjust',
} as const;

export const CatalogEvents = {
  /** A product was created, or its name, description, price or stock on hand changed: the full product, with its version. */
  productCreated: 'catalog.product.created',
  productUpdated: 'catalog.product.updated',
  /** Every line of an order is reserved (the saga's success). */
  stockReserved: 'catalog.stock.reserved',
  /** At least one line could not be reserved; nothing was reserved (the saga's failure). */
  stockRejected: 'catalog.stock.rejected',
  /** A cancelled order's reservation was given back. */
  stockReleased: 'catalog.stock.released',
} as const;

/** Routing-key pattern of every product event (`catalog.product.created`, `catalog.product.updated`). */
export const CATALOG_PRODUCT_EVENTS = 'catalog.product.*';

export const StockRejectionReasons = ['insufficient-stock', 'unknown-product', 'currency-mismatch'] as const;
export type StockRejectionReason = (typeof StockRejectionReasons)[number];
