// Every service's real image, built from docker/Dockerfile and run the way its k8s manifests run it (read-only
// root, tmpfs /tmp, all capabilities dropped, no-new-privileges, uid 1000) against the machine's PostgreSQL,
// RabbitMQ and Redis, on a throwaway database and vhost. Each check is one property a team's cluster relies on.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { messagingMigrations } from '@plinth/messaging';
import {
  createSigningKey, createTestDatabase, createTestVhost, freePort, serveAuthStandIn, serveCatalogStandIn, TEST_PRODUCTS,
  type TestDatabase, type TestVhost,
} from '@plinth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineOutput } from './container-engine.mjs';
import { envFlags, forceRemove, ServiceContainer, type K8sRunSpec } from './container-run.js';
import { deployableApps, workspaceRoot } from './image-contents.mjs';
import { builtImages, engine, IMAGE_BUILD_TIMEOUT_MS, imageSuiteTitle, runSpecOf, type BuiltImage } from './image-suite.js';

/** Set from measurement (374–380 MB per service on node:24.21.0-bookworm-slim) plus ~10% headroom. */
export const IMAGE_SIZE_BUDGET_MB = 415;
const READY_TIMEOUT_MS = 180_000;
const MIGRATE_TIMEOUT_MS = 180_000;

/** Paths of the image's files, listed inside the image by its own node (no shell tools needed). */
const listFilesScript = `
const { readdirSync } = require('node:fs');
const skip = new Set(['/proc', '/sys', '/dev', '/run', '/tmp']);
const out = [];
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = (dir === '/' ? '' : dir) + '/' + entry.name;
    if (skip.has(path)) continue;
    if (entry.isDirectory()) walk(path);
    else out.push(path);
  }
};
walk('/');
process.stdout.write(JSON.stringify(out));
`;

interface ImageLockfile {
  packages: Record<string, { dev?: boolean; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }>;
}

/** Package names reachable from the image manifest's dependencies through its lockfile (hoisted layout). */
function productionClosure(manifest: { dependencies?: Record<string, string> }, lockfile: ImageLockfile): Set<string> {
  const reached = new Set<string>();
  const queue = Object.keys(manifest.dependencies ?? {});
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (reached.has(name)) continue;
    reached.add(name);
    const entry = lockfile.packages[`node_modules/${name}`];
    queue.push(...Object.keys({ ...entry?.dependencies, ...entry?.optionalDependencies }));
  }
  return reached;
}

/** The migrations the service's code registers: its own migrations export(s), then @plinth/messaging's (as bootstrapService adds them). */
async function registeredMigrationNames(app: string): Promise<string[]> {
  const dir = join(workspaceRoot, 'apps', app, 'src', 'migrations');
  const names: string[] = [];
  for (const file of readdirSync(dir).filter((name) => /migrations\.ts$/.test(name))) {
    const module = (await import(join(dir, file))) as Record<string, unknown>;
    for (const value of Object.values(module)) {
      if (Array.isArray(value) && value.every((item) => typeof item?.name === 'string' && typeof item?.class === 'function')) {
        names.push(...value.map((item: { name: string }) => item.name));
      }
    }
  }
  if (names.length === 0) throw new Error(`apps/${app}/src/migrations/*migrations.ts exports no migration list`);
  return [...names, ...messagingMigrations.map((migration) => migration.name)];
}

const hasMigrations = (app: string) => existsSync(join(workspaceRoot, 'apps', app, 'src', 'migrations'));
const rootManifest = JSON.parse(readFileSync(join(workspaceRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };

describe.skipIf(!engine).each(deployableApps)(imageSuiteTitle('the %s image, run as its k8s manifests run it'), (app: string) => {
  let built: BuiltImage;
  let runSpec: K8sRunSpec;
  let vhost: TestVhost;
  let database: TestDatabase | undefined;
  let closeAuthStandIn: (() => Promise<void>) | undefined;
  let closeCatalogStandIn: (() => Promise<void>) | undefined;
  let container: ServiceContainer;
  let files: string[];
  const env: Record<string, string> = {};

  beforeAll(async () => {
    if (!engine) return;
    built = (await builtImages()).get(app) as BuiltImage;
    runSpec = await runSpecOf(app);
    vhost = await createTestVhost(`img_${app}`);
    if (hasMigrations(app)) database = await createTestDatabase(`img_${app}`);
    // Every service but auth catches up on revocations from auth before it is ready: a stand-in answers for it.
    if (app !== 'auth') closeAuthStandIn = await serveAuthStandIn(vhost.url, await createSigningKey());
    // Orders fills its price read model from catalog before it is ready: a stand-in answers for catalog.
    if (app === 'orders') closeCatalogStandIn = await serveCatalogStandIn(vhost.url, TEST_PRODUCTS);
    Object.assign(env, {
      LOG_FORMAT: 'json',
      SHUTDOWN_TIMEOUT_MS: '5000',
      RABBITMQ_URL: vhost.url,
      ...(database ? { DATABASE_URL: database.url } : {}),
      // NODE_ENV=production (the image's) requires Redis for the gateway's shared limits; a prefix of its own.
      ...(app === 'gateway' ? { REDIS_URL: 'redis://127.0.0.1:6379', RATE_LIMIT_KEY_PREFIX: `plinth:image-test-${randomBytes(4).toString('hex')}:` } : {}),
      // ...and the keys that keep auth's secrets sealed (at rest, and in account-email events to notifications).
      ...(app === 'auth' ? { SIGNING_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'), ACCOUNT_EMAIL_SEALING_KEY: randomBytes(32).toString('base64') } : {}),
      ...(app === 'notifications' ? { ACCOUNT_EMAIL_SEALING_KEY: randomBytes(32).toString('base64') } : {}),
    });
    // Listed as root: every file of the image, including those its app user may not read.
    files = JSON.parse(engineOutput(engine, ['run', '--rm', '--network', 'none', '--user', '0', '--entrypoint', 'node', built.image, '-e', listFilesScript], { stdio: ['ignore', 'pipe', 'pipe'] })) as string[];
  }, IMAGE_BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await container?.stop('SIGKILL');
    await closeAuthStandIn?.();
    await closeCatalogStandIn?.();
    await database?.drop();
    await vhost?.drop().catch(() => undefined);
  }, 60_000);

  it(`is smaller than the budget of ${IMAGE_SIZE_BUDGET_MB} MB`, () => {
    const sizeMb = built.sizeBytes / 1e6;
    console.info(`${app} image: ${sizeMb.toFixed(0)} MB (${built.image}, built in ${built.buildSeconds ?? '?'} s)`);
    expect(sizeMb).toBeGreaterThan(50);
    expect(sizeMb).toBeLessThan(IMAGE_SIZE_BUDGET_MB);
  });

  it('holds only the production dependencies of its pruned lockfile: no devDependency, nothing the lockfile lacks', () => {
    if (!engine) return;
    const cat = (file: string) => JSON.parse(engineOutput(engine, ['run', '--rm', '--network', 'none', '--entrypoint', 'cat', built.image, `/app/${file}`]));
    const manifest = cat('package.json');
    const lockfile = cat('package-lock.json') as ImageLockfile;
    const installed = new Set(
      files
        .map((file) => /^\/app\/node_modules\/((?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(file)?.[1])
        .filter((name): name is string => name !== undefined),
    );
    expect(installed.size).toBeGreaterThan(10);
    expect(Object.entries(lockfile.packages).filter(([, entry]) => entry.dev).map(([path]) => path)).toEqual([]);
    const inLockfile = (name: string) => name.startsWith('@plinth/') || `node_modules/${name}` in lockfile.packages;
    expect([...installed].filter((name) => !inLockfile(name))).toEqual([]);
    // A devDependency may be in the image only as something a production dependency needs.
    const needed = productionClosure(manifest, lockfile);
    expect(Object.keys(rootManifest.devDependencies).filter((name) => installed.has(name) && !needed.has(name))).toEqual([]);
    expect(installed.has('vitest') || installed.has('typescript') || installed.has('nx')).toBe(false);
  });

  it('holds no test files, no .env files, no TypeScript sources, and source maps only beside its compiled code', () => {
    const ours = files.filter((file) => /^\/app\/(apps\/[^/]+|node_modules\/@plinth\/[^/]+)\//.test(file));
    expect(ours.some((file) => file === `/app/apps/${app}/dist/main.js`)).toBe(true);
    expect(ours.filter((file) => /\.(spec|test)\.[cm]?[jt]s(\.map)?$/.test(file) || /\/(test|__tests__)\//.test(file))).toEqual([]);
    expect(files.filter((file) => /\/\.env(\.|$)/.test(file) && !file.endsWith('.env.example'))).toEqual([]);
    expect(ours.filter((file) => /\.[cm]?ts$/.test(file))).toEqual([]);
    // Maps are intended for our compiled code (NODE_OPTIONS=--enable-source-maps): each beside the file it maps.
    const maps = ours.filter((file) => file.endsWith('.map'));
    expect(maps.filter((map) => !ours.includes(map.slice(0, -'.map'.length)))).toEqual([]);
    if (!engine) return;
    const [inspected] = JSON.parse(engineOutput(engine, ['image', 'inspect', built.image]));
    const nodeOptions = (inspected.Config.Env as string[]).find((entry) => entry.startsWith('NODE_OPTIONS=')) ?? '';
    if (maps.length > 0) expect(nodeOptions).toContain('--enable-source-maps');
  });

  if (!hasMigrations(app)) {
    it('has no database: no migration Job in its manifests', () => {
      expect(runSpec.migrate).toBeUndefined();
    });
  }

  if (hasMigrations(app)) it('applies every migration its code registers with its `migrate` command, run as the k8s Job runs it', async () => {
    if (!engine || !database) return;
    expect(runSpec.migrate?.args).toEqual(['migrate']);
    const migrate = spawnSync(
      engine.name,
      ['run', '--rm', '--network', 'host', ...(runSpec.migrate?.runFlags ?? []), ...envFlags(env), built.image, ...(runSpec.migrate?.args ?? [])],
      { env: engine.env, encoding: 'utf8', timeout: MIGRATE_TIMEOUT_MS },
    );
    expect(migrate.status, `${migrate.stdout}${migrate.stderr}`).toBe(0);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>('select name from mikro_orm_migrations order by id');
      expect(rows.map((row) => row.name.replace(/\.[jt]s$/, ''))).toEqual(await registeredMigrationNames(app));
    } finally {
      await client.end();
    }
  }, MIGRATE_TIMEOUT_MS + 30_000);

  it('starts on a read-only root and answers /healthz and /readyz; its HEALTHCHECK passes', async () => {
    if (!engine) return;
    container = new ServiceContainer(engine, app, built.image, await freePort(), env, runSpec.runFlags, runSpec.terminationGracePeriodSeconds * 1000);
    expect(runSpec.runFlags).toEqual(expect.arrayContaining(['--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges']));
    container.start();
    await container.waitUntilReady(READY_TIMEOUT_MS);
    expect((await fetch(`${container.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${container.url}/readyz`)).status).toBe(200);
    const healthcheck = container.runHealthcheck();
    expect(healthcheck.status, healthcheck.output).toBe(0);
  }, READY_TIMEOUT_MS + 30_000);

  it(`runs as uid and gid 1000, as the manifests' runAsUser/runAsGroup say`, () => {
    expect([runSpec.uid, runSpec.gid]).toEqual([1000, 1000]);
    const uid = container.exec(['id', '-u']);
    const gid = container.exec(['id', '-g']);
    expect([uid.stdout.trim(), gid.stdout.trim()], `${uid.stderr}${gid.stderr}`).toEqual(['1000', '1000']);
    // And not because the image lacks a root user: its process is the node user.
    expect(container.exec(['sh', '-c', 'stat -c %u /proc/1']).stdout.trim()).toBe('1000');
  });

  it('can write to /tmp and nowhere else', () => {
    const probe = (dir: string) => container.exec(['sh', '-c', `echo x > '${dir}/write-probe' && echo written`]);
    expect(probe('/tmp').stdout.trim()).toBe('written');
    // Every directory of the image outside /tmp: none may take a file.
    const dirs = container.exec(['sh', '-c', 'find / -xdev -type d -not -path "/proc*" -not -path "/sys*" -not -path "/tmp*" 2>/dev/null']);
    const candidates = dirs.stdout.split('\n').filter(Boolean);
    expect(candidates.length).toBeGreaterThan(100);
    const writable = container.exec(['sh', '-c', 'find / -xdev -type d -writable -not -path "/proc*" -not -path "/sys*" -not -path "/tmp*" 2>/dev/null']).stdout.split('\n').filter(Boolean);
    expect(writable).toEqual([]);
    // -writable asks access(2), which a read-only mount answers with EROFS: so try for real where it matters most.
    for (const dir of ['/', '/app', `/app/apps/${app}/dist`, '/app/node_modules', '/home/node', '/var/tmp', '/run', '/etc']) {
      expect(probe(dir).stdout.trim(), dir).toBe('');
    }
  });

  it(`drains and exits 0 on SIGTERM within the manifests' terminationGracePeriodSeconds`, async () => {
    const graceMs = runSpec.terminationGracePeriodSeconds * 1000;
    const started = Date.now();
    const code = await container.stop('SIGTERM');
    const tookMs = Date.now() - started;
    expect(code, container.logs().split('\n').slice(-20).join('\n')).toBe(0);
    expect(tookMs).toBeLessThan(graceMs);
  }, 120_000);

  it('has a CycloneDX SBOM beside it, listing its production dependencies and no dev tool', () => {
    const sbom = JSON.parse(readFileSync(built.sbom, 'utf8')) as { bomFormat: string; specVersion: string; components: { name: string; group?: string; version: string }[] };
    expect(sbom.bomFormat).toBe('CycloneDX');
    const names = new Set(sbom.components.map((component) => (component.group ? `${component.group}/${component.name}` : component.name)));
    expect(names.has('@nestjs/core')).toBe(true);
    expect(names.has('vitest') || names.has('typescript') || names.has('nx')).toBe(false);
    expect(sbom.components.every((component) => component.version)).toBe(true);
    // Exactly what is installed: every component is in the image, every installed package in the SBOM.
    const installed = new Set(files.map((file) => /\/app\/node_modules\/(?:.*\/node_modules\/)?((?:@[^/]+\/)?[^/@][^/]*)\/package\.json$/.exec(file)?.[1]).filter((name) => name !== undefined));
    expect([...names].filter((name) => !installed.has(name))).toEqual([]);
    expect([...installed].filter((name) => !names.has(name as string))).toEqual([]);
  });
});

// The probes above must be able to see a broken property: the same ones against an image run without the restrictions.
describe.skipIf(!engine)(imageSuiteTitle('the image probes, against a container run without the k8s restrictions'), () => {
  it('see a writable root and uid 0 when the container runs as root without --read-only', async () => {
    if (!engine) return;
    const built = (await builtImages()).get(deployableApps[0]) as BuiltImage;
    const name = `plinth-it-unrestricted-${randomBytes(4).toString('hex')}`;
    engineOutput(engine, ['run', '-d', '--rm', '--name', name, '--network', 'none', '--user', '0', '--entrypoint', 'sleep', built.image, '120']);
    try {
      const exec = (command: string) => engineOutput(engine, ['exec', name, 'sh', '-c', command]).trim();
      expect(exec('id -u')).toBe('0');
      expect(exec("echo x > /write-probe && echo written")).toBe('written');
      expect(exec('find / -xdev -type d -writable -not -path "/proc*" -not -path "/sys*" -not -path "/tmp*" 2>/dev/null | wc -l')).not.toBe('0');
    } finally {
      forceRemove(engine, name);
    }
  }, IMAGE_BUILD_TIMEOUT_MS);
});
