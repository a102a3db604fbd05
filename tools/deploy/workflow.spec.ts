// The GitHub workflow's supply chain: actions pinned by commit, images built from the base image pinned by the
// digest the workflow resolves, and each image's SBOM attached to the run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { workspaceRoot } from './image-contents.mjs';

interface Step { uses?: string; run?: string; with?: Record<string, string>; env?: Record<string, string> }
const workflow = parse(readFileSync(join(workspaceRoot, '.github/workflows/ci.yaml'), 'utf8')) as { jobs: Record<string, { steps: Step[] }> };
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);

describe('.github/workflows/ci.yaml', () => {
  it('pins every action by a full commit SHA', () => {
    const actions = steps.flatMap((step) => (step.uses ? [step.uses] : []));
    expect(actions.length).toBeGreaterThan(5);
    expect(actions.filter((uses) => !/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/.test(uses))).toEqual([]);
  });

  it('builds the images from the base image pinned by the digest it resolves, in every job that builds them', () => {
    const building = Object.entries(workflow.jobs).filter(([, job]) => job.steps.some((step) => step.run?.includes('images:build')));
    expect(building.map(([name]) => name).sort()).toEqual(['images', 'verify']);
    for (const [, job] of building) {
      const script = job.steps.map((step) => step.run ?? '').join('\n');
      expect(script).toContain('docker buildx imagetools inspect');
      expect(script).toMatch(/PLINTH_NODE_IMAGE="?\$tag@\$digest/);
    }
  });

  it('attaches the images\' CycloneDX SBOMs to the run', () => {
    const uploads = steps.filter((step) => step.uses?.startsWith('actions/upload-artifact@') && step.with?.path === 'tmp/images/*/*.cdx.json');
    expect(uploads).toHaveLength(2);
    for (const upload of uploads) expect(upload.with?.['if-no-files-found']).toBe('error');
  });
});
