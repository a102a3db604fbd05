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
