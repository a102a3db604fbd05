import { describe, expect, it } from 'vitest';
import { acceptOrGenerateRequestId } from './request-id.middleware.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('acceptOrGenerateRequestId', () => {
  it.each(['a', 'req-123', 'x'.repeat(128), '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', '!~'])(
    'keeps the valid id %s',
    (id) => expect(acceptOrGenerateRequestId(id)).toBe(id),
  );

  it.each([
    ['an empty id', ''],
    ['129 characters', 'x'.repeat(129)],
    ['a space', 'req 1'],
    ['a control character', 'req\u0007'],
    ['a non-ASCII character', 'réq'],
    ['a newline (header injection)', 'req\r\nset-cookie: x=1'],
  ])('replaces %s with a generated UUID', (_case, id) => {
    expect(acceptOrGenerateRequestId(id)).toMatch(UUID);
  });

  it('generates a UUID when the header is absent', () => {
    expect(acceptOrGenerateRequestId(undefined)).toMatch(UUID);
  });

  it('generates a UUID when the header is repeated', () => {
    expect(acceptOrGenerateRequestId(['a', 'b'])).toMatch(UUID);
  });

  it('generates a different id per request', () => {
    expect(acceptOrGenerateRequestId(undefined)).not.toBe(acceptOrGenerateRequestId(undefined));
  });
});
