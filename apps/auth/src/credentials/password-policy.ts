import { ApplicationError, ErrorCodes } from '@plinth/contracts';
import { dictionary } from '@zxcvbn-ts/language-common';

// Length (12..128) is enforced by the RegisterRequest contract; this adds what a DTO cannot know.
// The list: the ~49k most common leaked passwords shipped by @zxcvbn-ts/language-common (MIT),
// compared case-insensitively so "Qwerty123456" is as refused as "qwerty123456".
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(dictionary['passwords-common'].map((password) => password.toLowerCase()));

export const isCommonPassword = (password: string): boolean => COMMON_PASSWORDS.has(password.toLowerCase());

/** Refuses a new password found in the breached/common list, as a field error like any other validation. */
export function assertAcceptablePassword(password: string, field = 'password'): void {
  if (!isCommonPassword(password)) return;
  throw new ApplicationError(ErrorCodes.VALIDATION_FAILED, 'The request is invalid.', {
    fieldErrors: [{ field, message: `${field} is too common: it appears in lists of breached passwords` }],
  });
}
