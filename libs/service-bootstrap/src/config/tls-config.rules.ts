// Validation rules for the TLS variables: files must be readable PEM, TLS settings must never sit next to a
// plaintext URL (they would be ignored and the connection would silently stay in clear), and TLS_REQUIRED
// turns every plaintext URL into a start-up error.
import { accessSync, constants, readFileSync } from 'node:fs';
import { registerDecorator, ValidateIf, type ValidationArguments } from 'class-validator';

type Rule = (value: unknown, config: Record<string, unknown>) => boolean;

function rule(name: string, message: string, validate: Rule): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message },
      validator: { validate: (value: unknown, args: ValidationArguments) => validate(value, args.object as Record<string, unknown>) },
    });
}

const isPem = (path: unknown): boolean => {
  if (typeof path !== 'string') return false;
  try {
    accessSync(path, constants.R_OK);
    return readFileSync(path, 'utf8').includes('-----BEGIN ');
  } catch {
    return false;
  }
};

/** The scheme test for each URL a TLS setting belongs to. */
export const isEncryptedUrl = {
  amqp: (url: unknown) => typeof url === 'string' && url.startsWith('amqps://'),
  redis: (url: unknown) => typeof url === 'string' && url.startsWith('rediss://'),
  otlp: (url: unknown) => typeof url === 'string' && url.startsWith('https://'),
  postgres: (url: unknown) => typeof url === 'string' && sslModeOf(url) === 'verify-full',
} as const;

export function sslModeOf(url: string): string | undefined {
  try {
    return new URL(url).searchParams.get('sslmode') ?? undefined;
  } catch {
    return undefined;
  }
}

/** Optional, but validated when set; under TLS_REQUIRED it must be set. */
export const TlsFileWhenRequired = (): PropertyDecorator => ValidateIf((config: Record<string, unknown>, value) => value !== undefined || config['TLS_REQUIRED'] === true);

/** An optional file setting: validated only when set. */
export const TlsFileWhenSet = (): PropertyDecorator => ValidateIf((_config, value) => value !== undefined);

// Unset is another rule's business (SetWhenTlsRequired), so these two say nothing about it.
export const IsPemFile = (): PropertyDecorator => rule('isPemFile', '$property must name a readable PEM file', (value) => value === undefined || isPem(value));

/** A TLS file of a connection whose URL is plaintext would be ignored: refuse it instead. */
export const OnlyWithEncrypted = (urlProperty: string, test: Rule, what: string): PropertyDecorator =>
  rule(
    'onlyWithEncrypted',
    `$property is set but ${urlProperty} is not ${what}: the connection would stay in plaintext`,
    (_value, config) => test(config[urlProperty], config),
  );

/** A certificate without its key (or the reverse) is a half-done configuration. */
export const PairedWith = (other: string): PropertyDecorator =>
  rule('pairedWith', `$property needs ${other} as well`, (value, config) => value === undefined || config[other] !== undefined);

/** Under TLS_REQUIRED=true a plaintext URL is a start-up error, not a silent downgrade. */
export const EncryptedWhenTlsRequired = (test: Rule, what: string): PropertyDecorator =>
  rule('encryptedWhenTlsRequired', `$property must be ${what} (TLS_REQUIRED=true)`, (value, config) => config['TLS_REQUIRED'] !== true || test(value, config));

/** Set (non-empty) under TLS_REQUIRED=true. */
export const SetWhenTlsRequired = (): PropertyDecorator =>
  rule('setWhenTlsRequired', '$property must be set (TLS_REQUIRED=true)', (value, config) => config['TLS_REQUIRED'] !== true || value !== undefined);

const SSL_FILE_PARAMETERS = ['sslrootcert', 'sslcert', 'sslkey', 'ssl', 'sslcrl', 'sslpassword'];

/**
 * libpq's sslmode, restricted to the two honest values: `verify-full` (TLS, chain and host name verified) or
 * `disable`/absent. `require`, `verify-ca`, `prefer` and `allow` skip the name check or fall back to plaintext.
 * File parameters are DATABASE_*_FILE variables (the ORM does not pass URL parameters to the driver).
 */
export const PostgresSslMode = (): PropertyDecorator =>
  rule(
    'postgresSslMode',
    '$property: sslmode must be verify-full (or disable); use DATABASE_CA_FILE, DATABASE_CERT_FILE and DATABASE_KEY_FILE instead of sslrootcert/sslcert/sslkey',
    (value) => {
      if (typeof value !== 'string') return true;
      let params: URLSearchParams;
      try {
        params = new URL(value).searchParams;
      } catch {
        return true;
      }
      const mode = params.get('sslmode');
      return (mode === null || mode === 'disable' || mode === 'verify-full') && !SSL_FILE_PARAMETERS.some((name) => params.has(name));
    },
  );
