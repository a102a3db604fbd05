import { describe, expect, it } from 'vitest';
import { toKeysetPage } from './keyset-page.js';
import { decodeCursor } from './page-cursor.js';

// Ids are UUIDs as in every table that pages (decodeCursor refuses anything else); the last character names the row.
const row = (name: string, createdAt: string) => ({ id: `00000000-0000-4000-8000-00000000000${name}`, createdAt: new Date(createdAt), name: `row ${name}` });
const rows = [row('c', '2026-11-24T23:05:03.000Z'), row('b', '2026-11-24T23:05:02.000Z'), row('a', '2026-11-24T23:05:01.000Z')];

describe('toKeysetPage', () => {
  it('drops the extra row fetched beyond the limit and maps the rest in order', () => {
    const page = toKeysetPage(rows, 2, (r) => r.name);
    expect(page.items).toEqual(['row c', 'row b']);
  });

  it('points the next cursor at the last row of the page when more rows exist', () => {
    const page = toKeysetPage(rows, 2, (r) => r.name);
    expect(page.nextCursor).not.toBeNull();
    expect(decodeCursor(page.nextCursor as string)).toEqual({ createdAt: new Date('2026-11-24T23:05:02.000Z'), id: '00000000-0000-4000-8000-00000000000b' });
  });

  it('has no next cursor when the rows fit within the limit', () => {
    expect(toKeysetPage(rows, 3, (r) => r.name)).toEqual({ items: ['row c', 'row b', 'row a'], nextCursor: null });
  });

  it('is an empty last page when there are no rows', () => {
    expect(toKeysetPage([], 2, (r: (typeof rows)[number]) => r.name)).toEqual({ items: [], nextCursor: null });
  });
});
