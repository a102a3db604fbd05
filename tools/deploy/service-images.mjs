#!/usr/bin/env node
// Builds every deployable app's image from docker/Dockerfile, once per content: the tag is a hash of what the
// build can see (the Dockerfile, its .dockerignore and every file its COPY instructions take that the
// .dockerignore keeps), so an unchanged tree reuses its images. Builds run one after the other: the first
// builds the shared build stage (npm ci + every app), the later ones reuse it from the layer cache.
// Beside each image, in tmp/images/<tag>/: <app>.cdx.json (CycloneDX SBOM of the image's installed packages)
// and <app>.image.json (name, id, size, build seconds).
//   node tools/deploy/service-images.mjs [app…]      prints one JSON line per image
import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectEngine, engineOutput } from './container-engine.mjs';
import { ignoredByDockerignore } from './dockerignore.mjs';
import { appPorts, deployableApps, workspaceRoot } from './image-contents.mjs';

const dockerfile = 'docker/Dockerfile';
export const imagesDir = join(workspaceRoot, 'tmp', 'images');

/** The build-context paths docker/Dockerfile copies (every COPY without --from, sources only). */
export function copiedPaths() {
  return readFileSync(join(workspaceRoot, dockerfile), 'utf8')
    .split('\n')
    .filter((line) => /^COPY\s/.test(line) && !line.includes('--from'))
    .flatMap((line) => line.trim().split(/\s+/).slice(1, -1));
}

/** Files of the build context the build can see: tracked or new (not git-ignored), kept by the .dockerignore. */
function contextFiles() {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...copiedPaths()], {
    cwd: workspaceRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  return [...new Set(listed.stdout.split('\0').filter(Boolean))]
    .filter((path) => existsSync(join(workspaceRoot, path)) && !ignoredByDockerignore(path))
    .sort();
}

/** The images' content tag: sha256 over the Dockerfile, the .dockerignore and the context files (path and bytes). */
export function contentTag() {
  const hash = createHash('sha256');
  if (baseImageOverride()) hash.update(`NODE_IMAGE=${baseImageOverride()}\0`);
  for (const path of [dockerfile, 'docker/Dockerfile.dockerignore', ...contextFiles()]) {
    hash.update(`${path}\0`);
    hash.update(readFileSync(join(workspaceRoot, path)));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * PLINTH_NODE_IMAGE overrides the Dockerfile's NODE_IMAGE, e.g. the base image pinned by the digest CI resolved
 * (`node:24.21.0-bookworm-slim@sha256:…`); unset, the Dockerfile's tag is used (the local stand-in has no digest).
 */
const baseImageOverride = () => process.env.PLINTH_NODE_IMAGE || undefined;

export const imageName = (app, tag) => `localhost/plinth/${app}:${tag}`;

function imageExists(engine, name) {
  return spawnSync(engine.name, ['image', 'inspect', name], { env: engine.env, stdio: 'ignore' }).status === 0;
}

function runLogged(engine, args, logFile) {
  const log = openSync(logFile, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(engine.name, args, { cwd: workspaceRoot, env: engine.env, stdio: ['ignore', log, log] });
    child.once('error', reject);
    child.once('exit', (code) => {
      closeSync(log);
      if (code === 0) resolve();
      else reject(new Error(`${engine.name} ${args.slice(0, 2).join(' ')} failed (exit ${code}); last lines of ${logFile}:\n${readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-30).join('\n')}`));
    });
  });
}

/**
 * CycloneDX SBOM of what the image installed: cyclonedx-npm (this checkout's, mounted read-only) run inside the
 * image over its /app, so it reads the real node_modules beside the pruned lockfile (a lockfile alone also lists
 * optional peers that npm never installed).
 */
export function writeSbom(engine, image, outFile) {
  const tool = '/sbom-tool/node_modules/@cyclonedx/cyclonedx-npm/bin/cyclonedx-npm-cli.js';
  const sbom = engineOutput(engine, [
    'run', '--rm', '--network', 'none', '--user', '0', '--workdir', '/app',
    '--env', 'npm_execpath=/usr/local/lib/node_modules/npm/bin/npm-cli.js', // the image's npm (its base image ships it)
    '--volume', `${join(workspaceRoot, 'node_modules')}:/sbom-tool/node_modules:ro`,
    '--entrypoint', 'node', image, tool, '--omit', 'dev', '--output-format', 'JSON', '/app/package.json',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  if (JSON.parse(sbom).bomFormat !== 'CycloneDX') throw new Error(`cyclonedx-npm wrote no CycloneDX document for ${image}`);
  writeFileSync(outFile, sbom);
}

/** One build at a time on this machine (parallel spec files may all ask for the images). */
async function withBuildLock(work) {
  mkdirSync(imagesDir, { recursive: true });
  const lock = join(imagesDir, 'build.lock');
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      const holder = Number(readFileSync(lock, 'utf8') || 0);
      let alive = false;
      try {
        process.kill(holder, 0);
        alive = true;
      } catch {
        alive = false;
      }
      if (!alive) rmSync(lock, { force: true });
      else await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { force: true });
  }
}

/**
 * @typedef {{ app: string, image: string, id: string, sizeBytes: number, buildSeconds: number | null, sbom: string }} BuiltImage
 * Builds (or reuses) the image of each app; returns what was built or found.
 * @returns {Promise<BuiltImage[]>}
 */
export async function ensureImages(engine, apps = deployableApps) {
  return withBuildLock(async () => {
    const tag = contentTag();
    const dir = join(imagesDir, tag);
    mkdirSync(dir, { recursive: true });
    const built = [];
    for (const app of apps) {
      if (!(app in appPorts)) throw new Error(`unknown app "${app}" (one of ${deployableApps.join(', ')})`);
      const image = imageName(app, tag);
      const record = join(dir, `${app}.image.json`);
      const sbom = join(dir, `${app}.cdx.json`);
      let buildSeconds = null;
      if (!imageExists(engine, image)) {
        const started = Date.now();
        await runLogged(
          engine,
          ['build', ...engine.buildArgs, ...(baseImageOverride() ? ['--build-arg', `NODE_IMAGE=${baseImageOverride()}`] : []), '-f', dockerfile, '--build-arg', `APP=${app}`, '--build-arg', `PORT=${appPorts[app]}`, '-t', image, '.'],
          join(dir, `${app}.build.log`),
        );
        buildSeconds = Math.round((Date.now() - started) / 1000);
      } else if (existsSync(record)) {
        buildSeconds = JSON.parse(readFileSync(record, 'utf8')).buildSeconds;
      }
      if (!existsSync(sbom) || statSync(sbom).size === 0) writeSbom(engine, image, sbom);
      const [inspected] = JSON.parse(engineOutput(engine, ['image', 'inspect', image]));
      const entry = { app, image, id: inspected.Id, sizeBytes: inspected.Size, buildSeconds, sbom };
      writeFileSync(record, `${JSON.stringify(entry, null, 2)}\n`);
      built.push(entry);
    }
    return built;
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const detected = detectEngine();
  if (!detected.engine) {
    process.stderr.write(`no container engine: ${detected.reason}\n`);
    process.exit(1);
  }
  const apps = process.argv.slice(2);
  const started = Date.now();
  for (const entry of await ensureImages(detected.engine, apps.length > 0 ? apps : deployableApps)) {
    process.stdout.write(`${JSON.stringify({ ...entry, sizeMB: Math.round(entry.sizeBytes / 1e6) })}\n`);
  }
  process.stdout.write(`images ready in ${Math.round((Date.now() - started) / 1000)} s (${detected.engine.name})\n`);
}
