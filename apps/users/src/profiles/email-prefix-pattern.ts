/**
 * The LIKE pattern matching emails that start with `prefix`, case-insensitively (compare it with
 * `lower(email)`). `%`, `_` and the escape character itself match literally: a user typing
 * `a_b` means an underscore, not "any character".
 */
export const emailPrefixPattern = (prefix: string): string =>
  `${prefix.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
