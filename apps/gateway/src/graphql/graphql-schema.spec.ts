// The GraphQL schema is built from the resolvers and models (code-first) and committed as apps/gateway/schema.graphql,
// the contract GraphQL clients generate from: a change to the code that changes the schema fails here until the file
// is regenerated (`npm run graphql-schema`), and the diff shows what clients will see.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { printSchema } from 'graphql';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceRoot } from '@plinth/testing';
import { createGatewayTestApp, type GatewayTestApp } from '../../test/support/gateway-test-app.js';

const SCHEMA_FILE = join(workspaceRoot(), 'apps', 'gateway', 'schema.graphql');

let t: GatewayTestApp;
let printed: string;

beforeAll(async () => {
  t = await createGatewayTestApp();
  printed = `${printSchema(t.app.get(GraphQLSchemaHost).schema)}\n`;
  if (process.env.UPDATE_GRAPHQL_SCHEMA === '1') writeFileSync(SCHEMA_FILE, printed);
});
afterAll(() => t.close());

describe('apps/gateway/schema.graphql', () => {
  it('is the schema the code builds (regenerate with `npm run graphql-schema`)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8'), 'apps/gateway/schema.graphql is stale: run `npm run graphql-schema` and commit it').toBe(printed);
  });

  it('holds every operation of the issue, and no product operations while there is no catalog', () => {
    const schema = t.app.get(GraphQLSchemaHost).schema;
    expect(Object.keys(schema.getQueryType()?.getFields() ?? {}).sort()).toEqual(['me', 'myOrders', 'notifications', 'order', 'orders', 'product', 'products', 'user', 'users']);
    expect(Object.keys(schema.getMutationType()?.getFields() ?? {}).sort()).toEqual(['cancelOrder', 'markNotificationRead', 'placeOrder', 'updatePreferences', 'updateProfile']);
    expect(Object.keys(schema.getSubscriptionType()?.getFields() ?? {})).toEqual(['notificationCreated']);
  });

  it('stays out of the OpenAPI document, which remains the REST contract', async () => {
    const res = await request(t.app.getHttpServer()).get('/docs-json');
    expect(Object.keys((res.body as { paths: object }).paths).filter((path) => path.includes('graphql'))).toEqual([]);
  });
});
