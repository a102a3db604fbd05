// Runs tools/deploy/deploy-service.sh against a recording stand-in for kubectl: `kubectl kustomize`
// is the real one, every cluster call is logged with the kinds it was given, so the order of a
// deployment and what it touches are checked without a cluster.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceRoot } from './image-contents.mjs';
import { findKubectl } from './kustomize-render.js';

const run = promisify(execFile);
const script = join(workspaceRoot, 'tools/deploy/deploy-service.sh');
let sandbox: string;

beforeAll(async () => {
  const kubectl = await findKubectl();
  sandbox = mkdtempSync(join(tmpdir(), 'plinth-deploy-'));
  // Logs each call as one line: the arguments, then the kinds and names of the objects piped in.
  writeFileSync(
    join(sandbox, 'kubectl'),
    `#!/usr/bin/env bash
if [ "$1" = kustomize ]; then exec ${kubectl} "$@"; fi
line="$*"
if [ "$*" = "apply -f -" ]; then line="$line $(awk '/^kind: /{k=$2} /^  name: /{ if (k) { printf "%s/%s ", k, $2; k="" } }')"; fi
echo "$line" >> "${'$'}{KUBECTL_LOG}"
`,
  );
  chmodSync(join(sandbox, 'kubectl'), 0o755);
});

afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

async function deploy(service: string, env: Record<string, string> = {}): Promise<{ calls: string[]; stdout: string }> {
  const log = join(sandbox, `${service}.log`);
  writeFileSync(log, '');
  const { stdout } = await run('bash', [script, service, 'prod'], {
    env: { ...process.env, ...env, PATH: `${sandbox}:${process.env.PATH}`, KUBECTL_LOG: log },
  });
  return { calls: readFileSync(log, 'utf8').trim().split('\n'), stdout };
}

describe('tools/deploy/deploy-service.sh', () => {
  it('applies config first, then replaces and awaits the migration Job, then rolls out the Deployment', async () => {
    const { calls } = await deploy('orders');
    expect(calls.map((call) => call.split(' ').slice(0, 3).join(' '))).toEqual([
      'apply -f -',
      '-n plinth delete',
      'apply -f -',
      '-n plinth wait',
      'apply -f -',
      '-n plinth rollout',
    ]);
    expect(calls[0]).not.toMatch(/Deployment\/|Job\//);
    expect(calls[0]).toContain('ConfigMap/orders-');
    expect(calls[1]).toBe('-n plinth delete job orders-migrate --ignore-not-found --wait=true');
    expect(calls[2]).toBe('apply -f - Job/orders-migrate ');
    expect(calls[3]).toBe('-n plinth wait --for=condition=complete job/orders-migrate --timeout=10m');
    expect(calls[4]).toBe('apply -f - Deployment/orders ');
    expect(calls[5]).toBe('-n plinth rollout status deployment/orders --timeout=10m');
  });

  it('touches only the service\'s own objects', async () => {
    const { calls } = await deploy('users');
    const applied = calls.filter((call) => call.startsWith('apply')).flatMap((call) => call.split(' ').slice(3)).filter(Boolean);
    expect(applied.length).toBeGreaterThan(6);
    expect(applied.filter((object) => !/^[A-Za-z]+\/users(-|$)/.test(object))).toEqual([]);
  });

  it('deploys a service without a database with no migration step', async () => {
    const { calls } = await deploy('gateway');
    expect(calls.some((call) => /Job|job/.test(call))).toBe(false);
    expect(calls.at(-1)).toBe('-n plinth rollout status deployment/gateway --timeout=10m');
  });

  it('deploys the release given in IMAGE_TAG without editing the checked-in overlay', async () => {
    const overlay = readFileSync(join(workspaceRoot, 'k8s/overlays/prod/orders/kustomization.yaml'), 'utf8');
    const { stdout } = await deploy('orders', { IMAGE_TAG: '4f2c9e1', DRY_RUN: '1' });
    const images = [...stdout.matchAll(/image: (\S+)/g)].map((match) => match[1]);
    expect(new Set(images)).toEqual(new Set(['ghcr.io/plinth/orders:4f2c9e1']));
    expect(readFileSync(join(workspaceRoot, 'k8s/overlays/prod/orders/kustomization.yaml'), 'utf8')).toBe(overlay);
  });
});
