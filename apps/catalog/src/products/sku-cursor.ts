import { ApplicationError, ErrorCodes, SKU_PATTERN } from '@plinth/contracts';

// Products are listed in sku order, so the position after a page is just its last sku.
// Opaque to clients all the same: base64url, so nobody builds one by hand and the format may change.

export const encodeSkuCursor = (sku: string): string => Buffer.from(sku, 'utf8').toString('base64url');

/** Strict: anything encodeSkuCursor could not have produced is COMMON.INVALID_CURSOR (400), before any query. */
export function decodeSkuCursor(cursor: string): string {
  const sku = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!SKU_PATTERN.test(sku) || encodeSkuCursor(sku) !== cursor) {
    throw new ApplicationError(ErrorCodes.INVALID_CURSOR, 'Invalid pagination cursor', {
      fieldErrors: [{ field: 'cursor', message: 'cursor is not a value returned as nextCursor' }],
    });
  }
  return sku;
}
