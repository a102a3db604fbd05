import { buildMessage, isEmail, ValidateBy, type ValidationOptions } from 'class-validator';
import { isWellFormedText } from './well-formed-text.js';

/**
 * `@IsEmail()` that is safe on hostile text: validator.js checks an address's byte length through `encodeURI`,
 * which throws a URIError on an unpaired surrogate — a 500 instead of a 400 for `"ab\udfff@example.com"`.
 * Ill-formed text is not an address (and `@IsWellFormedText()` names why); the constraint keeps the name
 * `isEmail`, so clients see the same error as before for every other invalid address.
 */
export function IsEmailAddress(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEmail',
      validator: {
        validate: (value: unknown) => isWellFormedText(value) && isEmail(value),
        defaultMessage: buildMessage((each) => `${each}$property must be an email`, options),
      },
    },
    options,
  );
}
