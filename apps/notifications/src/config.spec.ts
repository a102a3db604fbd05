import { ConfigValidationError, loadConfig } from '@plinth/service-bootstrap';
import { describe, expect, it } from 'vitest';
import { NotificationsConfig } from './config.js';

const load = (env: Record<string, string>) => loadConfig(NotificationsConfig, env, 'notifications');

describe('NotificationsConfig ACCOUNT_EMAIL_SEALING_KEY', () => {
  it('is required when NODE_ENV=production, with a message that says why', () => {
    expect(() => load({ NODE_ENV: 'production' })).toThrow(ConfigValidationError);
    expect(() => load({ NODE_ENV: 'production' })).toThrow(
      'ACCOUNT_EMAIL_SEALING_KEY must be set when NODE_ENV=production: without it the sealed tokens in account-email events cannot be opened',
    );
    expect(load({ NODE_ENV: 'production', ACCOUNT_EMAIL_SEALING_KEY: Buffer.alloc(32, 1).toString('base64') }).ACCOUNT_EMAIL_SEALING_KEY).toHaveLength(44);
  });

  it('stays optional elsewhere (local development opens plain tokens)', () => {
    expect(load({ NODE_ENV: 'development' }).ACCOUNT_EMAIL_SEALING_KEY).toBeUndefined();
  });
});
