import type { ProductView } from '@plinth/contracts';

/** Wire → HTTP, field by field: a field a service adds never reaches a client by accident. */
export const toProductView = (product: ProductView): ProductView => ({
  sku: product.sku,
  name: product.name,
  description: product.description,
  currency: product.currency,
  unitPrice: product.unitPrice,
  stock: product.stock,
  reserved: product.reserved,
  version: product.version,
  updatedAt: product.updatedAt,
});
