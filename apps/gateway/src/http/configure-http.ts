import type { Server } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { GatewayConfig } from '../config.js';
import { answerHttpParserRefusalsWithProblems } from './http-parser-refusals.js';
import { jsonBodyOnlyMiddleware } from './json-body.middleware.js';
import { assertJsonNesting } from './json-nesting.js';
import { loadSheddingMiddleware } from './load-shedding.middleware.js';
import { setUpOpenApi } from './openapi.js';
import { rejectPrototypeKeysMiddleware } from './prototype-keys.middleware.js';
import { REQUEST_ID_HEADER, requestIdMiddleware } from './request-id.middleware.js';

// A hop count is a number for Express; anything else is its list of trusted addresses.
const trustProxySetting = (value: string): number | string | false =>
  value === '' ? false : /^\d+$/.test(value) ? Number(value) : value;

// API responses carry tokens and personal data: no shared or browser cache may keep them (RFC 6749 §5.1). The public
// product reads override it with their own Cache-Control.
const noStore = (_request: Request, response: Response, next: NextFunction): void => {
  response.setHeader('Cache-Control', 'no-store');
  next();
};

const EXPOSED_HEADERS = [
  REQUEST_ID_HEADER, 'ETag', 'Location', 'Idempotent-Replayed', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset',
];

/**
 * Slow-loris bounds: a client that trickles its headers or body is cut off (408) instead of holding a
 * socket forever. Node checks these deadlines every `connectionsCheckingInterval` (30 s by default,
 * read when the server starts listening), so it is tightened to a second.
 */
const applyServerTimeouts = (server: Server, config: GatewayConfig): void => {
  server.headersTimeout = config.HTTP_HEADERS_TIMEOUT_MS;
  server.requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = config.HTTP_KEEP_ALIVE_TIMEOUT_MS;
  // A documented server option, but not typed as a property; it is only read once listen() starts.
  Object.assign(server, { connectionsCheckingInterval: 1_000 });
};
const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match', 'If-None-Match', REQUEST_ID_HEADER];

/**
 * The public HTTP edge: everything here runs before routing, in this order. The request id comes
 * first so that even a refused request (CORS, too large, not JSON) is answered and logged with it.
 */
export const configureHttp = (app: NestExpressApplication): void => {
  const config = app.get(GatewayConfig);
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(config.TRUST_PROXY));
  // ETags are the order version, set explicitly; Express's body hashes would be misleading.
  app.set('etag', false);
  applyServerTimeouts(app.getHttpServer() as Server, config);
  answerHttpParserRefusalsWithProblems(app.getHttpServer() as Server);
  app.use(requestIdMiddleware);
  app.use(loadSheddingMiddleware(config.MAX_IN_FLIGHT_REQUESTS));
  app.use(
    helmet({
      strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
      xFrameOptions: { action: 'deny' },
      contentSecurityPolicy: {
        // Swagger UI at /docs loads only its own scripts and styles plus inline styles; no framing at all.
        // No upgrade-insecure-requests: it would break /docs on a plain-HTTP dev server; HSTS covers TLS.
        directives: { frameAncestors: ["'none'"], upgradeInsecureRequests: null },
      },
    }),
  );
  app.enableCors({
    origin: config.CORS_ORIGINS,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'OPTIONS'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
  app.use('/v1', noStore);
  app.use('/graphql', noStore);
  app.use(jsonBodyOnlyMiddleware);
  // Strict JSON: nesting is bounded before the text is parsed, prototype keys are refused right after.
  // Nest's option type leaves out `verify` (it uses it for rawBody, which is off); body-parser honours it.
  const jsonOptions = {
    limit: config.BODY_LIMIT,
    type: ['application/json', 'application/*+json'],
    verify: (_request: unknown, _response: unknown, body: Buffer) => assertJsonNesting(body),
  };
  app.useBodyParser('json', jsonOptions);
  app.use(rejectPrototypeKeysMiddleware);
  setUpOpenApi(app);
};
