#!/usr/bin/env node
// What one app's container image holds, and the commands docker/Dockerfile runs to make it:
//   node tools/deploy/image-contents.mjs --build-all      (shared build stage: every deployable app, once)
//   node tools/deploy/image-contents.mjs <app> <outDir>   (per-app stage: assemble that app's files)
// The image gets the app's dist, the dist of each workspace lib it depends on (transitively, placed
// straight into node_modules/@plinth/<lib>, so no workspace symlinks are needed) and only the npm
// packages the Nx project graph says this app's code (and its libs' code) imports, installed from a
// lockfile pruned by Nx to exactly those packages. The deploy spec checks this plan against a real build.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const workspaceRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Each deployable app and the PORT it listens on (the image's default and HEALTHCHECK port). */
export const appPorts = { gateway: 3000, auth: 3001, users: 3002, orders: 3003, notifications: 3004, catalog: 3005 };
export const deployableApps = Object.keys(appPorts);
const scope = '@plinth/';

const readManifest = (dir) => JSON.parse(readFileSync(join(workspaceRoot, dir, 'package.json'), 'utf8'));
const libDir = (packageName) => `libs/${packageName.slice(scope.length)}`;

/** Workspace libs the app needs at run time: its `@plinth/*` dependencies and theirs, never devDependencies. */
export function workspaceLibsOf(app) {
  const found = new Set();
  const visit = (dir) => {
    for (const name of Object.keys(readManifest(dir).dependencies ?? {})) {
      if (!name.startsWith(scope) || found.has(name)) continue;
      found.add(name);
      visit(libDir(name));
    }
  };
  visit(`apps/${app}`);
  return [...found].sort();
}

/**
 * Every build output the image copies, as [source relative to the workspace, destination in the image].
 * Directories are copied without type declarations and build info, which only the compiler needs.
 */
export function imagePlan(app) {
  if (!deployableApps.includes(app)) throw new Error(`unknown app "${app}" (one of ${deployableApps.join(', ')})`);
  return [
    [`apps/${app}/package.json`, `apps/${app}/package.json`],
    [`apps/${app}/dist`, `apps/${app}/dist`],
    ...workspaceLibsOf(app).flatMap((name) => [
      [`${libDir(name)}/package.json`, `node_modules/${name}/package.json`],
      [`${libDir(name)}/dist`, `node_modules/${name}/dist`],
    ]),
  ];
}

const compilerOnly = /(\.d\.ts|\.d\.ts\.map|\.tsbuildinfo)$/;

/** The app's production manifest and pruned npm lockfile, derived from the Nx project graph. */
async function prunedManifest(app) {
  const { createPackageJson, createLockFile } = await import('@nx/js');
  const { createProjectGraphAsync } = await import('@nx/devkit');
  const graph = await createProjectGraphAsync({ exitOnError: true });
  const manifest = createPackageJson(`${scope}${app}`, graph, { isProduction: true, root: workspaceRoot });
  // Workspace libs are copied as built files, not installed.
  const dependencies = Object.fromEntries(Object.entries(manifest.dependencies ?? {}).filter(([name]) => !name.startsWith(scope)));
  const production = { name: `${scope}${app}-image`, private: true, type: 'module', dependencies };
  return { manifest: production, lockfile: createLockFile(production, graph, 'npm') };
}

export async function assembleImage(app, outDir) {
  const plan = imagePlan(app);
  const missing = plan.filter(([source]) => !existsSync(join(workspaceRoot, source))).map(([source]) => source);
  if (missing.length > 0) throw new Error(`build ${app} first; missing: ${missing.join(', ')}`);

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const { manifest, lockfile } = await prunedManifest(app);
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(outDir, 'package-lock.json'), lockfile);
  const install = spawnSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], { cwd: outDir, stdio: 'inherit' });
  if (install.status !== 0) throw new Error(`npm ci in ${outDir} failed`);

  for (const [source, destination] of plan) {
    cpSync(join(workspaceRoot, source), join(outDir, destination), {
      recursive: true,
      filter: (path) => !compilerOnly.test(path),
    });
  }
  process.stdout.write(`assembled ${app} in ${relative(process.cwd(), outDir) || '.'}\n`);
}

/** Builds every deployable app (and the libs they need) with Nx, run by the node executing this script. */
export function buildAllApps() {
  const projects = deployableApps.map((app) => `${scope}${app}`).join(',');
  const nx = join(workspaceRoot, 'node_modules', 'nx', 'dist', 'bin', 'nx.js');
  const build = spawnSync(process.execPath, [nx, 'run-many', '-t', 'build', `--projects=${projects}`, '--output-style=stream'], {
    cwd: workspaceRoot,
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error(`nx build of ${projects} failed`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [app, outDir] = process.argv.slice(2);
  if (app === '--build-all') buildAllApps();
  else if (app && outDir) await assembleImage(app, outDir);
  else {
    process.stderr.write('usage: image-contents.mjs --build-all | <app> <outDir>\n');
    process.exit(2);
  }
}
