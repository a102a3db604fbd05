import type { Page } from '@plinth/contracts';

/** A list response, `{ items, nextCursor }`, with each item passed through an allow-list mapper. */
export const pageOf = <TIn, TOut>(page: Page<TIn>, mapItem: (item: TIn) => TOut): Page<TOut> => ({
  items: page.items.map(mapItem),
  nextCursor: page.nextCursor ?? null,
});
