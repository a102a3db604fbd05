import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { BEARER_AUTH } from '../access/access-policy.decorators.js';

export const DOCS_PATH = 'docs';

export const buildOpenApiDocument = (app: INestApplication): OpenAPIObject =>
  SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Plinth API')
      .setDescription(
        'Public REST API. Errors are RFC 9457 application/problem+json with a stable `code` and the `requestId`. ' +
          'Send `x-request-id` to correlate; it is echoed on every response.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_AUTH)
      .build(),
  );

/** UI at /docs, document at /docs-json. */
export const setUpOpenApi = (app: INestApplication): void => {
  SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(app), { jsonDocumentUrl: `${DOCS_PATH}-json` });
};
