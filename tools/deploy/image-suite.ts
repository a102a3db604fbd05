// What the image specs share: the engine (detected once per spec file), the images of this tree (built once per
// content, see service-images.mjs) and the k8s run spec of each service.
import { findKubectl } from './kustomize-render.js';
import { detectEngine } from './container-engine.mjs';
import { ensureImages } from './service-images.mjs';
import { k8sRunSpec, type ContainerEngine, type K8sRunSpec } from './container-run.js';

export interface BuiltImage {
  app: string;
  image: string;
  id: string;
  sizeBytes: number;
  buildSeconds: number | null;
  sbom: string;
}

const detected = detectEngine() as { engine: ContainerEngine; reason?: undefined } | { engine: undefined; reason: string };
export const engine: ContainerEngine | undefined = detected.engine;

/**
 * A suite title that says why it is skipped where no engine exists; tools/test/vitest-report.mjs counts tests
 * under such a title as skipped (never as passed), and every other skip as a failure.
 */
export const imageSuiteTitle = (title: string): string => (engine ? title : `${title} — SKIPPED: no container engine (${detected.reason})`);

/** A cold build of every image takes many minutes on a loaded machine (the first one longest). */
export const IMAGE_BUILD_TIMEOUT_MS = 60 * 60_000;

let images: Promise<Map<string, BuiltImage>> | undefined;
/** Every deployable app's image of this tree, keyed by app; built on first use. */
export function builtImages(): Promise<Map<string, BuiltImage>> {
  if (!engine) throw new Error(`no container engine: ${detected.reason}`);
  images ??= (ensureImages(engine) as Promise<BuiltImage[]>).then((built) => new Map(built.map((entry) => [entry.app, entry])));
  return images;
}

const runSpecs = new Map<string, Promise<K8sRunSpec>>();
export function runSpecOf(service: string): Promise<K8sRunSpec> {
  if (!engine) throw new Error(`no container engine: ${detected.reason}`);
  const known = runSpecs.get(service);
  if (known) return known;
  const spec = findKubectl().then((kubectl) => k8sRunSpec(kubectl, service, engine));
  runSpecs.set(service, spec);
  return spec;
}
