import { ApplicationError, ErrorCodes, type OrderItemInput } from '@plinth/contracts';
import type { CurrentPrice } from '../prices/price-read-model.js';
import type { OrderLine } from './order.entity.js';

/**
 * The order's lines at the server's prices. Refused, in this order: a sku the catalog does not have (422
 * UNKNOWN_PRODUCT), a product sold in another currency (422 CURRENCY_MISMATCH), a client-asserted unitPrice that
 * is not the current one (409 PRICE_CHANGED, with the current prices in `details`, so the client can show them).
 */
export function priceOrderLines(currency: string, items: readonly OrderItemInput[], prices: ReadonlyMap<string, CurrentPrice>): OrderLine[] {
  const unknown = items.filter((item) => !prices.has(item.sku)).map((item) => item.sku);
  if (unknown.length > 0) {
    throw new ApplicationError(ErrorCodes.ORDERS_UNKNOWN_PRODUCT, `Unknown product: ${[...new Set(unknown)].join(', ')}`, { skus: [...new Set(unknown)] });
  }
  const current = (sku: string) => prices.get(sku) as CurrentPrice;
  const otherCurrency = items.filter((item) => current(item.sku).currency !== currency);
  if (otherCurrency.length > 0) {
    throw new ApplicationError(ErrorCodes.ORDERS_CURRENCY_MISMATCH, `Not sold in ${currency}: ${otherCurrency.map((item) => item.sku).join(', ')}`, {
      currency,
      lines: otherCurrency.map((item) => ({ sku: item.sku, currency: current(item.sku).currency })),
    });
  }
  const changed = items.filter((item) => item.unitPrice !== undefined && item.unitPrice !== current(item.sku).unitPrice);
  if (changed.length > 0) {
    // The message (the problem's `detail` at the gateway) names the current prices too, for clients without `details`.
    const described = changed.map((item) => `${item.sku} costs ${current(item.sku).unitPrice} now, not ${String(item.unitPrice)}`);
    throw new ApplicationError(ErrorCodes.ORDERS_PRICE_CHANGED, `The price changed: ${described.join('; ')}`, {
      lines: changed.map((item) => ({ sku: item.sku, requestedUnitPrice: item.unitPrice, currentUnitPrice: current(item.sku).unitPrice })),
    });
  }
  return items.map(({ sku, quantity }) => ({ sku, quantity, unitPrice: current(sku).unitPrice }));
}
