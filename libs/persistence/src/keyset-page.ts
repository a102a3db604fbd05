import type { Page } from '@plinth/contracts';
import { encodeCursor, type CursorPosition } from './page-cursor.js';

/**
 * The page for `rows` fetched with `limit + 1` in (createdAt desc, id desc) order: the extra row only
 * tells that more exist, so it is dropped and the cursor points at the last row returned.
 */
export function toKeysetPage<Row extends CursorPosition, Item>(rows: Row[], limit: number, toItem: (row: Row) => Item): Page<Item> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => toItem(row)),
    nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
  };
}
