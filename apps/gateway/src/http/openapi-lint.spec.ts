// Spectral (OpenAPI ruleset + apps/gateway/.spectral.yaml) over the committed document: any finding fails.
// A broken document proves that each rule of ours catches what it is meant to. Spectral starts slowly on a loaded
// machine (16 s idle, over 60 s at load average 40), hence the generous timeout.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { workspaceRoot } from '@plinth/testing';

const root = workspaceRoot();
const RULESET = join(root, 'apps', 'gateway', '.spectral.yaml');

interface Finding {
  code: string;
  message: string;
  path: string[];
}

const lint = async (file: string): Promise<Finding[]> => {
  const { stdout } = await promisify(execFile)(
    join(root, 'node_modules', '.bin', 'spectral'),
    ['lint', file, '--ruleset', RULESET, '--format', 'json', '--quiet', '--fail-severity', 'error'],
    { cwd: root },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '[]' }));
  return JSON.parse(stdout || '[]') as Finding[];
};

describe('Spectral', () => {
  it('finds nothing in apps/gateway/openapi.json', async () => {
    const findings = await lint(join(root, 'apps', 'gateway', 'openapi.json'));
    expect(findings.map((f) => `${f.code} ${f.path.join('.')}: ${f.message}`)).toEqual([]);
  });

  it('catches a missing operationId or summary, a 4xx without the problem schema and a number type', async () => {
    const broken = {
      openapi: '3.0.0',
      info: { title: 'broken', version: '1', description: 'x', contact: { name: 'x' } },
      servers: [{ url: '/' }],
      tags: [{ name: 'a' }],
      paths: {
        '/things': {
          get: {
            tags: ['a'],
            parameters: [{ name: 'limit', in: 'query', schema: { type: 'number' } }],
            responses: { 200: { description: 'ok' }, 400: { description: 'bad', content: { 'application/json': { schema: { type: 'object' } } } } },
          },
        },
        '/others': { get: { tags: ['a'], operationId: 'others', summary: 'Others', responses: { 200: { description: 'ok' } } } },
      },
    };
    const file = join(mkdtempSync(join(tmpdir(), 'plinth-spectral-')), 'broken.json');
    writeFileSync(file, JSON.stringify(broken));
    const codes = (await lint(file)).map((finding) => `${finding.code} ${finding.path.slice(0, 3).join('.')}`);
    expect(codes).toEqual(expect.arrayContaining([
      'plinth-operation-id paths./things.get',
      'plinth-operation-summary paths./things.get',
      'plinth-problem-4xx paths./things.get',
      'plinth-problem-4xx paths./others.get',
      'plinth-no-number paths./things.get',
    ]));
  });
}, 180_000);
