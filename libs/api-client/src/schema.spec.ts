// src/schema.ts is generated from apps/gateway/openapi.json; a document change that is not regenerated fails here.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_DOCUMENT_FILE } from '@plinth/testing';
import { generateSchemaSource } from './generate-schema.js';

const SCHEMA_FILE = join(import.meta.dirname, 'schema.ts');

describe('libs/api-client/src/schema.ts', () => {
  it('is what openapi-typescript generates from apps/gateway/openapi.json (regenerate with `npm run openapi`)', async () => {
    const generated = await generateSchemaSource(API_DOCUMENT_FILE);
    if (process.env.UPDATE_OPENAPI_DOCUMENT === '1') writeFileSync(SCHEMA_FILE, generated);
    expect(readFileSync(SCHEMA_FILE, 'utf8'), 'libs/api-client/src/schema.ts is stale: run `npm run openapi`').toBe(generated);
  });
});
