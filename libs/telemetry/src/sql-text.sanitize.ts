// MikroORM inlines parameter values into the SQL it sends, so the statement text pg spans record would carry
// password hashes, token hashes and e-mail addresses. Traces keep the statement's shape, never its values.
const STRING_LITERAL = /(?:\b[eE])?'(?:[^']|'')*'/g;
const DOLLAR_QUOTED = /\$([A-Za-z_]*)\$[\s\S]*?\$\1\$/g;

/** Replaces every string literal (plain, E'', dollar-quoted) with `?`. */
export function sanitizeSqlText(text: string): string {
  return text.replace(DOLLAR_QUOTED, '?').replace(STRING_LITERAL, '?');
}
