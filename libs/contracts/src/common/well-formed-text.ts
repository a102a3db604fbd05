import { buildMessage, ValidateBy, type ValidationOptions } from 'class-validator';

export const IS_WELL_FORMED_TEXT = 'isWellFormedText';

// U+0000 and unpaired UTF-16 surrogates have no place in text: PostgreSQL refuses NUL in any text value
// and a lone surrogate has no UTF-8 encoding (drivers silently turn it into U+FFFD, so what is stored is not
// what was sent). With the `u` flag a well-formed surrogate pair is one code point, so `\p{Cs}` matches only
// the unpaired halves.
const UNPAIRED_SURROGATE = /\p{Cs}/u;

/** True unless `value` is a string holding NUL or an unpaired surrogate (other types are for the type rules to judge). */
export const isWellFormedText = (value: unknown): boolean => typeof value !== 'string' || (!value.includes('\u0000') && !UNPAIRED_SURROGATE.test(value));

/**
 * The contract-wide text rule: every string field of every contract class carries it (next to `@IsString()`,
 * `@IsEmailAddress()`…), so the gateway's HTTP validation and each service's RPC validation refuse such input with a
 * field error before it reaches a database, a log or another service. `well-formed-text.spec.ts` proves no field lacks it.
 */
export function IsWellFormedText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: IS_WELL_FORMED_TEXT,
      validator: {
        validate: isWellFormedText,
        defaultMessage: buildMessage((each) => `${each}$property must not contain NUL characters or unpaired UTF-16 surrogates`, options),
      },
    },
    options,
  );
}
