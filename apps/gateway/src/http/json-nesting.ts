import { ApplicationError, ErrorCodes } from '@plinth/contracts';

/** No request body of the API nests deeper than 3 levels; 64 leaves room for any future shape. */
export const MAX_JSON_NESTING = 64;

const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * Thrown from body-parser's `verify` hook, which wraps whatever it catches into an http-errors error with status
 * 403 unless the error brings its own `status`: this one keeps 400 (COMMON.VALIDATION_FAILED).
 */
export class JsonTooDeepError extends ApplicationError {
  readonly status = 400;

  constructor(maxDepth: number) {
    super(ErrorCodes.VALIDATION_FAILED, `The request body nests deeper than ${maxDepth} levels.`);
  }
}

/**
 * Refuses a JSON text that nests objects/arrays deeper than `maxDepth`, by one pass over the raw bytes before
 * JSON.parse runs (UTF-8 never puts these ASCII bytes inside a multi-byte character). Deep nesting costs the
 * parser and every later walk of the value stack and time out of proportion to the body's size.
 * Malformed text is left for JSON.parse to refuse.
 */
export const assertJsonNesting = (body: Uint8Array, maxDepth = MAX_JSON_NESTING): void => {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < body.length; index += 1) {
    const byte = body[index];
    if (inString) {
      if (byte === BACKSLASH) index += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      depth += 1;
      if (depth > maxDepth) {
        throw new JsonTooDeepError(maxDepth);
      }
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      depth -= 1;
    }
  }
};
