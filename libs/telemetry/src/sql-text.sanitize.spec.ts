import { describe, expect, it } from 'vitest';
import { sanitizeSqlText } from './sql-text.sanitize.js';

describe('sanitizeSqlText', () => {
  it('replaces every string literal with ? and keeps identifiers, keywords and placeholders', () => {
    const sql = `insert into "credentials" ("email", "password_hash") values ('a@example.com', '$argon2id$v=19$m=1$abc'), ($1, $2)`;
    expect(sanitizeSqlText(sql)).toBe(`insert into "credentials" ("email", "password_hash") values (?, ?), ($1, $2)`);
  });

  it('treats doubled quotes and E-strings as part of one literal', () => {
    expect(sanitizeSqlText(`select 1 where name = 'O''Brien' or note = E'line\\nbreak'`)).toBe('select 1 where name = ? or note = ?');
  });

  it('replaces dollar-quoted literals', () => {
    expect(sanitizeSqlText('select $tag$secret$tag$, $$other$$')).toBe('select ?, ?');
  });
});
