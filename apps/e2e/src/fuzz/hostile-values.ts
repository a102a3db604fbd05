// Values a hostile client sends where a well-behaved one sends data. Every one of them must meet a 4xx.
import fc from 'fast-check';

/** Text that has broken parsers, databases or validators somewhere: NUL, lone surrogates, injections, sizes. */
export const hostileStrings: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'ab\u0000cd',
  'ab\udfffcd',
  '\ud800',
  '\udc00\ud800',
  '\u202eevil\u202c',
  '\ufeff',
  '\u0001\u0002\u001f\u007f',
  "' OR '1'='1",
  "'; drop table orders; --",
  '" OR ""="',
  '\\',
  '%00',
  '%',
  '${7*7}{{7*7}}',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e308',
  '0x10',
  '9'.repeat(400),
  'a'.repeat(5_000),
  '👍'.repeat(300),
  'ZoË 漢字 👩‍👩‍👧',
  '0000-01-01T00:00:00.000Z',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
];

/** Values of the wrong JSON type, or at the edges of numbers. */
export const hostileJsonValues: readonly unknown[] = [
  null,
  true,
  0,
  -0,
  -1,
  1.5,
  2 ** 31,
  2 ** 53 + 1,
  -(2 ** 63),
  1e308,
  [],
  [null],
  {},
  { $gt: '' },
  [[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]],
];

/** A JSON document nested `depth` levels deep (arrays and objects alternating). */
export const nestedJson = (depth: number): string => {
  let text = '1';
  for (let level = 0; level < depth; level += 1) text = level % 2 === 0 ? `[${text}]` : `{"a":${text}}`;
  return text;
};

/** Request bodies that are not the JSON object an operation expects. */
export const hostileBodies: readonly string[] = [
  '',
  'null',
  '"text"',
  '42',
  '[]',
  '[{}]',
  '{',
  '{"a":}',
  '{"a":1,"a":2}',
  '{"__proto__":{"roles":["admin"]}}',
  '{"constructor":{"prototype":{"admin":true}}}',
  "{'single':'quotes'}",
  '\u0000',
  '{"x":"\\ud800"}',
  '{"x":"\\u0000"}',
  // Deeper nesting (~2,000 levels) waits for the JSON body parser's depth limit (branch api-doc); 64 must pass already.
  nestedJson(64),
  `{"pad":"${'x'.repeat(60_000)}"}`,
];

export const hostileString = fc.constantFrom(...hostileStrings);
export const hostileJsonValue = fc.constantFrom(...hostileJsonValues);
export const hostileBody = fc.constantFrom(...hostileBodies);

/** Header values fetch can carry (no CR, LF or NUL; Latin-1 only) that a server should still refuse or ignore. */
export const hostileHeaderValue = fc.constantFrom(
  '',
  ' ',
  "' OR '1'='1",
  'x'.repeat(4_000),
  '\u00ff\u00fe',
  'W/"1"',
  '"',
  '*',
  '-1',
  '99999999999999999999',
  'Bearer',
  'Bearer ',
  'Basic YWRtaW46YWRtaW4=',
  'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
  'Bearer a.b.c',
);
