import { ApplicationError, ErrorCodes } from '@plinth/contracts';

export interface PricedLine {
  quantity: number;
  unitPrice: number;
}

/**
 * Σ quantity × unitPrice in integer minor units. The contract's limits keep this far below 2^53,
 * but the total is money: refuse rather than round if a product or sum ever leaves the safe range.
 */
export function computeOrderTotal(lines: readonly PricedLine[]): number {
  let total = 0;
  for (const { quantity, unitPrice } of lines) {
    const lineTotal = quantity * unitPrice;
    total += lineTotal;
    if (!Number.isSafeInteger(quantity) || !Number.isSafeInteger(unitPrice) || !Number.isSafeInteger(lineTotal) || !Number.isSafeInteger(total)) {
      throw new ApplicationError(ErrorCodes.VALIDATION_FAILED, 'Order total is not an exact integer amount', {
        fieldErrors: [{ field: 'items', message: 'quantity × unitPrice must sum to a safe integer' }],
      });
    }
  }
  return total;
}
