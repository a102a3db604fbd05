// Renders the kustomize paths of k8s/ with the machine's kubectl (offline: `kubectl kustomize` needs no cluster).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { deployableApps, workspaceRoot } from './image-contents.mjs';

const run = promisify(execFile);

export const environments = ['dev', 'prod'] as const;
export const services: readonly string[] = deployableApps;
export const databaseServices: readonly string[] = services.filter((service) => service !== 'gateway');

/** A rendered Kubernetes object; fields are read by path in the checks. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered YAML is checked field by field
  spec?: any;
  data?: Record<string, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [field: string]: any;
}

const kubectlCandidates = [process.env.KUBECTL, '/usr/bin/kubectl', '/usr/local/bin/kubectl'].filter(Boolean) as string[];
const minimumKustomizeMajor = 5;

/** The kubectl to use, or an error that says how to get one: the deploy specs never skip. */
export async function findKubectl(): Promise<string> {
  const kubectl = kubectlCandidates.find((candidate) => existsSync(candidate));
  if (!kubectl) {
    throw new Error(
      `kubectl not found (looked at ${kubectlCandidates.join(', ')}). The deploy specs render k8s/ with ` +
        `\`kubectl kustomize\` (kustomize >= v${minimumKustomizeMajor}); install kubectl >= 1.27 or set KUBECTL.`,
    );
  }
  const { stdout } = await run(kubectl, ['version', '--client']);
  const kustomize = /Kustomize Version: v(\d+)\./.exec(stdout);
  if (!kustomize || Number(kustomize[1]) < minimumKustomizeMajor) {
    throw new Error(`${kubectl} bundles ${kustomize ? `kustomize v${kustomize[1]}` : 'no kustomize'}; components need v${minimumKustomizeMajor}+:\n${stdout}`);
  }
  return kubectl;
}

export async function render(kubectl: string, path: string): Promise<K8sObject[]> {
  const { stdout } = await run(kubectl, ['kustomize', join(workspaceRoot, path)], { maxBuffer: 32 * 1024 * 1024 }).catch(
    (error: { stderr?: string; message: string }) => {
      throw new Error(`kubectl kustomize ${path} failed: ${error.stderr || error.message}`);
    },
  );
  return parseAllDocuments(stdout)
    .map((document) => document.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
}

/** Every path CI renders: each environment whole, its infra, and each service alone. */
export function renderedPaths(): string[] {
  return environments.flatMap((environment) => [
    `k8s/overlays/${environment}`,
    `k8s/overlays/${environment}/infra`,
    ...services.map((service) => `k8s/overlays/${environment}/${service}`),
  ]);
}

/** Renders all paths, a few at a time (the machine is shared). */
export async function renderAll(kubectl: string, paths: string[], concurrency = 4): Promise<Map<string, K8sObject[]>> {
  const rendered = new Map<string, K8sObject[]>();
  const queue = [...paths];
  const worker = async (): Promise<void> => {
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) rendered.set(path, await render(kubectl, path));
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return rendered;
}

export const idOf = (object: K8sObject): string => `${object.kind}/${object.metadata.name}`;
