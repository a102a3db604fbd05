import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import type { Type } from '@nestjs/common';

const SECRET_NAME = /PASSWORD|SECRET|TOKEN|PRIVATE|_KEY$/i;

/** Thrown before anything connects; `problems` has one human-readable line per bad variable. */
export class ConfigValidationError extends Error {
  constructor(
    readonly serviceName: string,
    readonly problems: string[],
  ) {
    super(problems.map((problem) => `Invalid configuration for ${serviceName}: ${problem}`).join('\n'));
    this.name = 'ConfigValidationError';
  }
}

/** Shows what was given without leaking secrets: names that look secret and URL passwords are masked. */
function shown(name: string, raw: string | undefined): string {
  if (raw === undefined) return 'not set';
  if (SECRET_NAME.test(name)) return 'got "***"';
  const masked = raw.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/i, '$1***@');
  return `got ${JSON.stringify(masked)}`;
}

// A value of the wrong shape also violates its bounds (NaN is neither ≥ 1 nor ≤ 65535); say only what matters.
const BOUNDS = new Set(['min', 'max']);

function messagesOf(error: ValidationError): string[] {
  const constraints = Object.entries(error.constraints ?? {});
  const shape = constraints.filter(([name]) => !BOUNDS.has(name));
  const relevant = shape.length > 0 ? shape : constraints;
  return relevant.length > 0 ? relevant.map(([, message]) => message) : (error.children ?? []).flatMap(messagesOf);
}

/**
 * Builds the config class from the environment: unset or empty variables keep the class defaults,
 * numbers and lists are converted by the Env* transforms, unknown variables are ignored, the result
 * is validated once and frozen. Reads nothing but the `env` it is given.
 */
export function loadConfig<T extends object>(
  configClass: Type<T>,
  env: Record<string, string | undefined>,
  serviceName: string,
): Readonly<T> {
  const provided = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const config = plainToInstance(configClass, provided, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true, forbidUnknownValues: true, validationError: { target: false } });
  if (errors.length > 0) {
    const problems = errors
      .sort((a, b) => a.property.localeCompare(b.property))
      .map((error) => `${messagesOf(error).join('; ')} (${shown(error.property, provided[error.property])})`);
    throw new ConfigValidationError(serviceName, problems);
  }
  for (const value of Object.values(config)) if (Array.isArray(value)) Object.freeze(value);
  return Object.freeze(config);
}
