import { createHash } from 'node:crypto';
import type { ApiHeaderOptions } from '@nestjs/swagger';
import type { Request, Response } from 'express';

export const IF_NONE_MATCH_HEADER: ApiHeaderOptions = {
  name: 'If-None-Match',
  required: false,
  description: 'ETag(s) of the representation the client holds; answered 304 without a body when one is still current',
  schema: { type: 'string', maxLength: 1024, example: '"1"' },
};

/** A weak ETag of a body that has no version of its own (a page of products): its content's hash. */
export const contentEtag = (body: unknown): string => `W/"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`;

const opaqueTag = (tag: string): string => tag.trim().replace(/^W\//, '');

/** RFC 9110 §13.1.2: weak comparison; `*` matches any current representation. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => opaqueTag(tag) === opaqueTag(etag));
}

/**
 * Sets ETag and the public Cache-Control of a product read; true when the request's If-None-Match still holds, in
 * which case the caller answers 304 without a body.
 */
export function answeredNotModified(request: Request, response: Response, etag: string, maxAgeSeconds: number): boolean {
  response.setHeader('ETag', etag);
  response.setHeader('Cache-Control', `public, max-age=${maxAgeSeconds}`);
  if (!ifNoneMatchHits(request.header('if-none-match'), etag)) return false;
  response.status(304);
  return true;
}
