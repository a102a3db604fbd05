// The API document against the running system (issue 22): /docs-json is the committed apps/gateway/openapi.json, and
// the document's own examples, sent as they are, get answers the document declares (status, headers, body schema) —
// the self-sufficient ones a success. Every other spec validates each answer it gets through the typed client.
import { readFileSync } from 'node:fs';
import type { RunningSystem } from '@plinth/testing';
import { API_DOCUMENT_FILE, ApiDocumentValidator } from '@plinth/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startE2eSystem, stopE2eSystem, SYSTEM_START_TIMEOUT_MS } from './support/e2e-system.js';

vi.setConfig({ testTimeout: 60_000 });

interface Parameter { name: string; in: string; required?: boolean; example?: unknown; schema?: { example?: unknown } }
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { example?: unknown }> };
  security?: unknown[];
}

const validator = new ApiDocumentValidator();
const operations = Object.entries(validator.document.paths).flatMap(([template, item]) =>
  Object.entries(item as Record<string, Operation>).map(([method, operation]) => ({ template, method, operation })),
);

// Examples that succeed on their own for a fresh user (the others need ids or roles the examples cannot know).
const SUCCEEDS = new Map([
  ['AuthController_register', 201], ['AuthController_login', 200], ['UsersController_me', 200], ['UsersController_updateMe', 200],
  ['UserPreferencesController_update', 200], ['OrdersController_create', 201], ['OrdersController_list', 200],
  ['NotificationsController_list', 200], ['HealthController_live', 200], ['HealthController_ready', 200],
  ['NotificationStreamController_stream', 200], ['AuthController_logout', 204],
]);
// Register and log in first (the others use the token), log out last (it ends the session).
const rank = (id: string): number => (id === 'AuthController_register' ? 0 : id === 'AuthController_login' ? 1 : id === 'AuthController_logout' ? 3 : 2);

let system: RunningSystem;

beforeAll(async () => {
  system = await startE2eSystem();
}, SYSTEM_START_TIMEOUT_MS);

afterAll(() => stopE2eSystem(system, 'api-document'), 60_000);

describe('the API document and the running system', () => {
  it('serves the committed document at /docs-json', async () => {
    const res = await fetch(`${system.gatewayUrl}/docs-json`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(readFileSync(API_DOCUMENT_FILE, 'utf8')));
  });

  it('answers every operation\'s example as the document says', async () => {
    let accessToken = '';
    let refreshToken = '';
    const outcomes: string[] = [];
    for (const { template, method, operation } of [...operations].sort((a, b) => rank(a.operation.operationId) - rank(b.operation.operationId))) {
      let path = template;
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'path') path = path.replace(`{${parameter.name}}`, String(parameter.example ?? parameter.schema?.example));
      }
      const example = operation.requestBody?.content['application/json']?.example;
      // The refresh and logout examples cannot know a real token: the one of this session is sent instead.
      const body = operation.operationId === 'AuthController_logout' || operation.operationId === 'AuthController_refresh' ? { refreshToken } : example;
      const headers: Record<string, string> = { ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
      if (operation.security?.length) headers.authorization = `Bearer ${accessToken}`;
      const stream = template.endsWith('/stream');
      const abort = new AbortController();
      const res = await fetch(`${system.gatewayUrl}${path}`, { method: method.toUpperCase(), headers, body: body === undefined ? undefined : JSON.stringify(body), signal: abort.signal });
      const text = stream ? '' : await res.text();
      abort.abort();
      const parsed = text === '' ? undefined : /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text;
      outcomes.push(`${operation.operationId} ${res.status}`);
      expect(validator.problemsOf({ method, path, status: res.status, headers: Object.fromEntries(res.headers), body: parsed }), `${method} ${path}`).toEqual([]);
      const expected = SUCCEEDS.get(operation.operationId);
      if (expected !== undefined) expect(res.status, `${operation.operationId}: ${text}`).toBe(expected);
      if (operation.operationId === 'AuthController_register' || operation.operationId === 'AuthController_refresh') {
        ({ accessToken, refreshToken } = parsed as { accessToken: string; refreshToken: string });
      }
    }
    // Ids the examples cannot know are answered 404, admin routes 403 for the example user: both documented.
    expect(outcomes).toEqual(expect.arrayContaining(['OrdersController_get 404', 'UsersController_list 403', 'AuthController_refresh 200']));
  });
});
