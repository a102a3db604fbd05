import { describe, expect, it } from 'vitest';
import { databaseNameOf, redactUrl } from './database-admin.js';

describe('database URLs', () => {
  it('takes the database name from the path, URL-decoded', () => {
    expect(databaseNameOf('postgres://postgres@127.0.0.1:5432/plinth%20orders')).toBe('plinth orders');
  });

  it('refuses a URL without a database name', () => {
    expect(() => databaseNameOf('postgres://postgres:secret@127.0.0.1:5432/')).toThrow(/names no database: postgres:\/\/postgres:\*\*\*@/);
  });

  it('masks the password when a URL is shown', () => {
    expect(redactUrl('postgres://app:s3cret@db:5432/plinth_users')).toBe('postgres://app:***@db:5432/plinth_users');
  });
});
