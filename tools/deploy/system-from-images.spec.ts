// The whole system from its images: every service a container of its image (host network, the run flags of its
// k8s manifests), on a throwaway database per service and one vhost, the e2e customer journey through the
// containerized gateway, then every container stopped with SIGTERM. `npm run images:e2e` runs this alone.
import { serviceNames, type RunningSystem, type ServiceLauncher } from '@plinth/testing';
import { describe, expect, it } from 'vitest';
import { describeCustomerJourney } from '../../apps/e2e/src/support/customer-journey.js';
import { startE2eSystem, SYSTEM_START_TIMEOUT_MS } from '../../apps/e2e/src/support/e2e-system.js';
import { ServiceContainer } from './container-run.js';
import { builtImages, engine, IMAGE_BUILD_TIMEOUT_MS, imageSuiteTitle, runSpecOf } from './image-suite.js';

let system: RunningSystem | undefined;

async function startFromImages(): Promise<RunningSystem> {
  if (!engine) throw new Error('no container engine');
  const images = await builtImages();
  const specs = new Map(await Promise.all(serviceNames.map(async (name) => [name, await runSpecOf(name)] as const)));
  const launch: ServiceLauncher = (name, port, env) => {
    const image = images.get(name);
    const spec = specs.get(name);
    if (!image || !spec) throw new Error(`no image or k8s run spec for ${name}`);
    return new ServiceContainer(engine as NonNullable<typeof engine>, name, image.image, port, env, spec.runFlags, spec.terminationGracePeriodSeconds * 1000);
  };
  system = await startE2eSystem({ launch });
  return system;
}

describe.skipIf(!engine)(imageSuiteTitle('the system from its images'), () => {
  describeCustomerJourney('customer journey through the containerized gateway', {
    start: startFromImages,
    logLabel: 'images-journey',
    startTimeoutMs: IMAGE_BUILD_TIMEOUT_MS + SYSTEM_START_TIMEOUT_MS,
  });

  it('stopped every container with SIGTERM, each exiting 0', () => {
    expect(system).toBeDefined();
    for (const name of serviceNames) expect(system?.logs(name), name).toMatch(/\[plinth-it-[\w-]+ exited: code 0\]\n$/);
  });
});
