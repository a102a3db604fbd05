import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ProblemDetailsModel } from './openapi.models.js';
import { PROBLEM_CONTENT_TYPE } from './problem-details.js';

const DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Validation failed (body, query, path parameter or header); `errors` lists the fields',
  401: 'Missing, invalid, expired or revoked access token (or bad credentials)',
  403: 'The token lacks a required role',
  404: 'No such resource (or it belongs to someone else)',
  409: 'Conflict with the current state (duplicate, illegal transition, stale If-Match)',
  413: 'Request body larger than the limit',
  415: 'Request body is not application/json',
  422: 'Idempotency-Key reused with a different request body',
  429: 'Rate limit exceeded; see Retry-After',
  500: 'Unexpected error; quote requestId',
  503: 'A dependency is unavailable; see Retry-After',
  504: 'A dependency did not answer in time',
};

// Every route can fail these ways whatever it does.
const ALWAYS = [429, 500, 503, 504];

/** Documents the problem+json responses of a route: the statuses given plus the ones every route has. */
export const ApiProblems = (...statuses: number[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ApiExtraModels(ProblemDetailsModel),
    ...[...new Set([...statuses, ...ALWAYS])].map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status],
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDetailsModel) } } },
      }),
    ),
  );
