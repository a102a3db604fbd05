import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_DESCRIPTIONS } from './openapi-completion.js';
import { ProblemDetailsModel } from './openapi.models.js';
import { PROBLEM_CONTENT_TYPE } from './problem-details.js';

/**
 * Documents the problem+json responses a route gives by its own logic (404 of a missing object, 409 of a conflict,
 * 403 of an object-level rule...). The refusals of the edge itself (validation, body parsing, authentication, rate
 * limits, load shedding, timeouts) are added to every operation they apply to when the document is built.
 */
export const ApiProblems = (...statuses: number[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ApiExtraModels(ProblemDetailsModel),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: PROBLEM_DESCRIPTIONS[status],
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDetailsModel) } } },
      }),
    ),
  );
