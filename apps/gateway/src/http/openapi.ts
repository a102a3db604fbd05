import type { INestApplication, Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { BEARER_AUTH } from '../access/access-policy.decorators.js';
import { completeDocument } from './openapi-completion.js';
import { documentValidationRules } from './openapi-constraints.js';
import { ProblemDetailsModel } from './openapi.models.js';
import { routeDtosOf, type DtoClass } from './route-dtos.js';

export const DOCS_PATH = 'docs';

/** The @Body() and @Query() DTOs of every route of the application. */
const requestDtosOf = (app: INestApplication): DtoClass[] => {
  const dtos = new Set<DtoClass>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller) continue;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler: unknown = controller.prototype[name];
        if (typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const { body, query } = routeDtosOf(controller, name);
        [body, query].forEach((dto) => dto && dtos.add(dto));
      }
    }
  }
  return [...dtos];
};

/** The OpenAPI document of the running application, read from its controllers' and DTOs' decorators. */
export const buildOpenApiDocument = (app: INestApplication): OpenAPIObject => {
  documentValidationRules(requestDtosOf(app));
  return completeDocument(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Plinth API')
        .setDescription(
          'Public REST API. Errors are RFC 9457 application/problem+json with a stable `code` and the `requestId`. ' +
            'Send `x-request-id` (1..128 visible ASCII characters) to correlate; it is echoed on every response. ' +
            'Every operation refuses, with 400, any body property or query parameter it does not declare.',
        )
        .setVersion('1')
        .addServer('/', 'This gateway')
        .addTag('auth', 'Accounts and tokens: register, log in, refresh, log out')
        .addTag('users', 'Profiles, preferences and (admins) roles and sessions')
        .addTag('orders', 'Placing, listing and advancing orders')
        .addTag('products', 'The catalog: public reads, (admins) products, prices and stock')
        .addTag('notifications', 'The caller\'s notifications, listed or streamed live')
        .addTag('operations', 'Liveness and readiness probes')
        .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_AUTH)
        .build(),
      { extraModels: [ProblemDetailsModel] },
    ),
  );
};

/** UI at /docs, document at /docs-json. */
export const setUpOpenApi = (app: INestApplication): void => {
  SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(app), { jsonDocumentUrl: `${DOCS_PATH}-json` });
};
