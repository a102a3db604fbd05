import { ConfigValidationError, loadConfig } from '@plinth/service-bootstrap';
import { describe, expect, it } from 'vitest';
import { AuthConfig } from './config.js';

const load = (env: Record<string, string>) => loadConfig(AuthConfig, env, 'auth');

describe('AuthConfig', () => {
  it('defaults to the documented port, database, token lifetimes and JWT names, with no admin account', () => {
    const config = load({});
    expect(config.ADMIN_EMAIL).toBeUndefined();
    expect(config).toMatchObject({
      PORT: 3001,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/plinth_auth',
      ACCESS_TOKEN_TTL_SECONDS: 900,
      REFRESH_TOKEN_TTL_SECONDS: 2_592_000,
      JWT_ISSUER: 'plinth-auth',
      JWT_AUDIENCE: 'plinth',
    });
  });

  it('reads numbers and the admin account from the environment', () => {
    const config = load({ ACCESS_TOKEN_TTL_SECONDS: '60', ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'long enough password' });
    expect(config).toMatchObject({ ACCESS_TOKEN_TTL_SECONDS: 60, ADMIN_EMAIL: 'root@example.com' });
  });

  it.each([
    ['ACCESS_TOKEN_TTL_SECONDS', 'soon'],
    ['ACCESS_TOKEN_TTL_SECONDS', '5'],
    ['ADMIN_EMAIL', 'not-an-email'],
    ['ADMIN_PASSWORD', 'short'],
    ['SIGNING_KEY_ENCRYPTION_KEY', 'c2hvcnQ='],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => load({ [name]: value })).toThrow(ConfigValidationError);
    expect(() => load({ [name]: value })).toThrow(name);
  });
});

describe('AuthConfig in production', () => {
  const KEY = Buffer.alloc(32, 7).toString('base64');
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      load(env);
      return [];
    } catch (error) {
      if (error instanceof ConfigValidationError) return error.message.split('\n').filter((line) => line.includes('must be set when NODE_ENV=production'));
      throw error;
    }
  };

  it('requires both keys, saying what their absence would leave in the clear', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      expect.stringContaining('ACCOUNT_EMAIL_SEALING_KEY must be set when NODE_ENV=production: without it password-reset and verification tokens cross the outbox and the broker readable'),
      expect.stringContaining('SIGNING_KEY_ENCRYPTION_KEY must be set when NODE_ENV=production: without it the private signing keys and TOTP secrets are stored in the clear'),
    ]);
    expect(problemsOf({ NODE_ENV: 'production', ACCOUNT_EMAIL_SEALING_KEY: KEY, SIGNING_KEY_ENCRYPTION_KEY: KEY })).toEqual([]);
  });

  it('leaves them optional elsewhere, and still checks their form wherever they are set', () => {
    expect(load({ NODE_ENV: 'development' }).SIGNING_KEY_ENCRYPTION_KEY).toBeUndefined();
    expect(() => load({ NODE_ENV: 'production', ACCOUNT_EMAIL_SEALING_KEY: 'c2hvcnQ=', SIGNING_KEY_ENCRYPTION_KEY: KEY })).toThrow('ACCOUNT_EMAIL_SEALING_KEY must be base64 of exactly 32 bytes');
  });
});
