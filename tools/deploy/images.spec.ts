// Offline checks of the container images (no Docker engine needed): docker/Dockerfile is parsed and
// linted, its security properties asserted, and every file it takes from a build is checked to exist
// after the Nx build (`npm run build`, which `npm test` runs first).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DockerfileParser, type Dockerfile, type ImageTemplate } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { k8sRunSpec } from './container-run.js';
import { ignoredByDockerignore } from './dockerignore.mjs';
import { findKubectl } from './kustomize-render.js';
import { appPorts, deployableApps, imagePlan, workspaceLibsOf, workspaceRoot } from './image-contents.mjs';

const dockerfilePath = join(workspaceRoot, 'docker/Dockerfile');
const dockerfileText = readFileSync(dockerfilePath, 'utf8');
const dockerfile: Dockerfile = DockerfileParser.parse(dockerfileText);

function defined<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`docker/Dockerfile: ${what} not found`);
  return value;
}

const stages: ImageTemplate[] = dockerfile.getFROMs().map((from) => defined(dockerfile.getContainingImage(from.getRange().start), 'stage'));
const runtime = defined(stages.at(-1), 'runtime stage');
const telemetryPreload = '@plinth/telemetry/register';
const credentialName = /PASSWORD|SECRET|TOKEN|_KEY$|CREDENTIAL|DATABASE_URL|RABBITMQ_URL/i;

/** Default values of the ARGs declared before the first FROM (what `FROM ${NODE_IMAGE}` resolves to). */
const initialArgs = new Map(
  dockerfile.getInitialARGs().flatMap((arg) => {
    const property = arg.getProperty();
    return property ? [[property.getName(), property.getValue() ?? ''] as const] : [];
  }),
);
const resolve = (text: string): string => text.replace(/\$\{?(\w+)\}?/g, (_, name: string) => initialArgs.get(name) ?? `\${${name}}`);

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));

describe('docker/Dockerfile', () => {
  it('parses and passes the dockerfile-utils linter without a diagnostic', () => {
    expect(dockerfile.getInstructions().length).toBeGreaterThan(0);
    expect(validate(dockerfileText).map((diagnostic) => `line ${diagnostic.range.start.line + 1}: ${diagnostic.message}`)).toEqual([]);
  });

  it('builds every stage on a base image pinned to an exact version (or digest) of Node 24', () => {
    const external = dockerfile.getFROMs().filter((from) => !stages.some((stage) => stage.getFROM()?.getBuildStage() === from.getImageName()));
    const images = external.map((from) => resolve(from.getImage() ?? ''));
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(image).toMatch(/^node:24\.\d+\.\d+-[\w-]+(@sha256:[a-f0-9]{64})?$|^node@sha256:[a-f0-9]{64}$/);
  });

  it('runs the runtime stage as a numeric non-root user', () => {
    const users = runtime.getInstructions().filter((instruction) => instruction.getKeyword() === 'USER');
    const user = users.at(-1)?.getArgumentsContent() ?? 'root';
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user.split(':')[0])).toBeGreaterThan(0);
  });

  it('sets NODE_ENV=production and a HEALTHCHECK on /healthz in the runtime stage', () => {
    const env = new Map(runtime.getENVs().flatMap((instruction) => instruction.getProperties().map((property) => [property.getName(), property.getValue()])));
    expect(env.get('NODE_ENV')).toBe('production');
    const [healthcheck] = runtime.getHEALTHCHECKs();
    expect(healthcheck?.getArgumentsContent()).toContain('/healthz');
  });

  it('starts node in place of the shell on apps/<app>/dist/main.js, so node receives SIGTERM itself', () => {
    const env = new Map(runtime.getENVs().flatMap((instruction) => instruction.getProperties().map((property) => [property.getName(), property.getValue()])));
    expect(env.get('APP_MAIN')).toBe('apps/${APP}/dist/main.js');
    const entrypoint = JSON.parse(runtime.getENTRYPOINTs()[0]?.getArgumentsContent() ?? 'null') as string[] | null;
    expect(entrypoint).toEqual(['/bin/sh', '-c', 'exec node "$APP_MAIN" "$@"', '--']);
    expect(runtime.getInstructions().some((instruction) => instruction.getKeyword() === 'STOPSIGNAL' && instruction.getArgumentsContent() === 'SIGTERM')).toBe(true);
  });

  it('preloads the telemetry register through NODE_OPTIONS', () => {
    const env = new Map(runtime.getENVs().flatMap((instruction) => instruction.getProperties().map((property) => [property.getName(), property.getValue()])));
    expect(env.get('NODE_OPTIONS')).toContain('${NODE_PRELOAD}');
    const preload = runtime.getARGs().find((instruction) => instruction.getProperty()?.getName() === 'NODE_PRELOAD');
    expect(preload?.getProperty()?.getValue()).toBe(`--import=${telemetryPreload}`);
  });

  it('declares no credential in ENV or ARG', () => {
    const declared = stages.flatMap((stage) => [
      ...stage.getENVs().flatMap((instruction) => instruction.getProperties()),
      ...stage.getARGs().flatMap((instruction) => instruction.getProperty() ?? []),
    ]);
    const offending = declared
      .filter((property) => credentialName.test(property.getName()) || /:\/\/[^/\s:@]+:[^/\s@]+@/.test(property.getValue() ?? ''))
      .map((property) => property.getName());
    expect(declared.length).toBeGreaterThan(0);
    expect(offending).toEqual([]);
  });

  it('copies from the build context only paths that exist and that the .dockerignore keeps', () => {
    const sources = stages
      .flatMap((stage) => stage.getCOPYs())
      .filter((copy) => !copy.getFromFlag())
      .flatMap((copy) => copy.getArguments().slice(0, -1).map((argument) => argument.getValue()));
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.filter((source) => !existsSync(join(workspaceRoot, source)))).toEqual([]);
    expect(sources.filter((source) => ignoredByDockerignore(source))).toEqual([]);
  });

  it('keeps local builds, dependencies, tests and env files out of the build context', () => {
    for (const path of ['node_modules', 'apps/orders/README.md', 'libs/messaging/test', 'apps/orders/dist', 'libs/messaging/dist', 'apps/orders/test', 'apps/auth/.env', 'libs/messaging/src/x.spec.ts', '.git']) {
      expect(ignoredByDockerignore(path), path).toBe(true);
    }
    expect(ignoredByDockerignore('apps/orders/.env.example')).toBe(false);
    expect(ignoredByDockerignore('apps/orders/src/main.ts')).toBe(false);
  });

  it('builds every app in one stage shared by all images: no per-app ARG before the per-app assemble stage', () => {
    const names = stages.map((stage) => stage.getFROM()?.getBuildStage());
    const build = defined(stages[names.indexOf('build')], 'build stage');
    const assemble = defined(stages[names.indexOf('assemble')], 'assemble stage');
    expect(assemble.getFROM()?.getImage()).toBe('build');
    for (const stage of stages.slice(0, names.indexOf('assemble'))) {
      expect(stage.getARGs().map((arg) => arg.getProperty()?.getName())).toEqual([]);
    }
    expect(build.getInstructions().filter((i) => i.getKeyword() === 'RUN').map((run) => run.getArgumentsContent())).toContain('node tools/deploy/image-contents.mjs --build-all');
    expect(assemble.getInstructions().some((run) => run.getKeyword() === 'RUN' && run.getArgumentsContent()?.includes('tools/deploy/image-contents.mjs "${APP}" /image'))).toBe(true);
  });

  it('the runtime stage takes files only from the assemble stage\'s image directory', () => {
    const copies = runtime.getCOPYs().map((copy) => [copy.getFromFlag()?.getValue(), copy.getArguments()[0]?.getValue()]);
    expect(copies).toEqual([['assemble', '/image']]);
  });
});

describe.each(deployableApps)('the %s image', (app: string) => {
  it('after the Nx build, has every file it takes from the build: the app, its libs, their entry points', () => {
    const plan = imagePlan(app) as [string, string][];
    const missing = plan.map(([source]) => source).filter((source) => !existsSync(join(workspaceRoot, source)));
    expect(missing, `missing after the build; run \`npm run build\` first: ${missing.join(', ')}`).toEqual([]);
    expect(existsSync(join(workspaceRoot, `apps/${app}/dist/main.js`))).toBe(true);
    for (const name of workspaceLibsOf(app) as string[]) {
      const manifest = JSON.parse(readFileSync(join(workspaceRoot, `libs/${name.slice('@plinth/'.length)}/package.json`), 'utf8'));
      const entry = join(workspaceRoot, `libs/${name.slice('@plinth/'.length)}`, manifest.exports['.'].default);
      expect(existsSync(entry), `${name} entry ${relative(workspaceRoot, entry)}`).toBe(true);
    }
  });

  it('contains the telemetry preload that NODE_OPTIONS imports, built', () => {
    expect(workspaceLibsOf(app)).toContain('@plinth/telemetry');
    const manifest = JSON.parse(readFileSync(join(workspaceRoot, 'libs/telemetry/package.json'), 'utf8'));
    const entry = manifest.exports[`./${telemetryPreload.split('/').pop()}`]?.default;
    expect(entry).toBeDefined();
    expect(existsSync(join(workspaceRoot, 'libs/telemetry', entry)), `libs/telemetry/${entry} after the build`).toBe(true);
  });

  it('contains every workspace lib its built code imports, and no other', () => {
    const plan = imagePlan(app) as [string, string][];
    const builtFiles = plan
      .map(([source]) => join(workspaceRoot, source))
      .filter((path) => existsSync(path) && statSync(path).isDirectory())
      .flatMap(filesUnder)
      .filter((file) => file.endsWith('.js'));
    const imported = new Set(builtFiles.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/from\s+['"](@plinth\/[\w-]+)['"]/g)].map((match) => match[1])));
    expect(builtFiles.length).toBeGreaterThan(0);
    expect([...imported].sort()).toEqual(workspaceLibsOf(app));
  });

  it('has an Nx `deploy` target that deploys this service alone', () => {
    const manifest = JSON.parse(readFileSync(join(workspaceRoot, `apps/${app}/package.json`), 'utf8'));
    expect(manifest.scripts.deploy).toBe(`../../tools/deploy/deploy-service.sh ${app}`);
    expect(statSync(join(workspaceRoot, 'tools/deploy/deploy-service.sh')).mode & 0o111).not.toBe(0);
  });

  it('is run by compose with the restrictions its k8s manifests (and so the image suite) run it with', async () => {
    const compose = parse(readFileSync(join(workspaceRoot, 'docker/compose.yaml'), 'utf8'), { merge: true });
    const service = compose.services[app];
    const { runFlags } = await k8sRunSpec(await findKubectl(), app, { name: 'docker', env: {}, buildArgs: [] });
    const flag = (name: string) => runFlags.flatMap((value, index) => (runFlags[index - 1] === name ? [value] : []));
    expect(service.image).toBe(`plinth/${app}:local`);
    expect(service.read_only).toBe(runFlags.includes('--read-only'));
    expect(service.cap_drop).toEqual(flag('--cap-drop'));
    expect(service.security_opt).toEqual(flag('--security-opt').map((option) => `${option}:true`));
    expect(service.tmpfs).toEqual(flag('--tmpfs').map((mount) => mount.split(':')[0]));
  }, 60_000);

  it('is built by compose with its own APP and PORT', () => {
    const compose = parse(readFileSync(join(workspaceRoot, 'docker/compose.yaml'), 'utf8'), { merge: true });
    const service = compose.services[app];
    expect(service.build).toEqual({ context: '..', dockerfile: 'docker/Dockerfile', args: { APP: app, PORT: String(appPorts[app as keyof typeof appPorts]) } });
    expect(service.environment.PORT).toBe(String(appPorts[app as keyof typeof appPorts]));
    expect(service.read_only).toBe(true);
  });
});
