// The container engine the image suite uses: a working `docker` (its daemon answers `docker info`), else
// rootful podman as this machine kind provides it (shared/containers/make-base-images.sh installs podman and
// makes the base images locally when they are missing; its env.sh points podman at its storage), else none.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { workspaceRoot } from './image-contents.mjs';

/** The base image docker/Dockerfile starts from (its NODE_IMAGE default), as podman names a local image. */
export function baseImage() {
  const match = /^ARG NODE_IMAGE=(\S+)$/m.exec(readFileSync(join(workspaceRoot, 'docker/Dockerfile'), 'utf8'));
  if (!match) throw new Error('docker/Dockerfile declares no `ARG NODE_IMAGE=<image>`');
  const image = match[1].split('@')[0];
  return image.includes('/') ? image : `docker.io/library/${image}`;
}

/**
 * The directory holding make-base-images.sh: $PLINTH_CONTAINERS_DIR, else `shared/containers` beside the
 * checkout or beside any directory above it (a worktree sits deeper than the main checkout), else the workplace's
 * own `/work/shared/containers` (a CI clone may live elsewhere, e.g. under /tmp).
 */
const WORKPLACE_CONTAINERS_DIR = '/work/shared/containers';

export function containersToolsDir() {
  if (process.env.PLINTH_CONTAINERS_DIR) return process.env.PLINTH_CONTAINERS_DIR;
  for (let dir = dirname(workspaceRoot); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'shared', 'containers', 'make-base-images.sh'))) return join(dir, 'shared', 'containers');
  }
  return existsSync(join(WORKPLACE_CONTAINERS_DIR, 'make-base-images.sh')) ? WORKPLACE_CONTAINERS_DIR : undefined;
}

const succeeds = (command, args, env = process.env) => spawnSync(command, args, { stdio: 'ignore', env, timeout: 60_000 }).status === 0;

/** podman's settings as env.sh exports them (storage, containers.conf, TMPDIR). */
function podmanEnv(workDir) {
  const exported = readFileSync(join(workDir, 'env.sh'), 'utf8').match(/^export (.+)$/m)?.[1] ?? '';
  return Object.fromEntries(exported.split(/\s+/).filter(Boolean).map((pair) => pair.split('=', 2)));
}

/**
 * @typedef {{ name: 'docker' | 'podman', env: Record<string, string>, buildArgs: string[] }} ContainerEngine
 * @returns {{ engine: ContainerEngine } | { engine: undefined, reason: string }}
 */
export function detectEngine({ prepare = true } = {}) {
  if (succeeds('docker', ['info'])) return { engine: { name: 'docker', env: { ...process.env }, buildArgs: [] } };
  const tools = containersToolsDir();
  if (!tools) return { engine: undefined, reason: '`docker info` fails (no daemon) and no shared/containers/make-base-images.sh sets up podman here' };
  const workDir = process.env.W ?? '/var/tmp/plinth-containers';
  const ready = () => existsSync(join(workDir, 'env.sh')) && succeeds('podman', ['image', 'exists', baseImage()], { ...process.env, ...podmanEnv(workDir) });
  if (!ready()) {
    if (!prepare) return { engine: undefined, reason: `podman or the base image ${baseImage()} is missing (run ${tools}/make-base-images.sh)` };
    const made = spawnSync('bash', [join(tools, 'make-base-images.sh')], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, W: workDir } });
    if (made.status !== 0 || !ready()) return { engine: undefined, reason: `${tools}/make-base-images.sh failed (exit ${made.status}): no podman and no docker daemon` };
  }
  return {
    engine: {
      name: 'podman',
      env: { ...process.env, ...podmanEnv(workDir) },
      // No registry is reachable: the base image is local; npm inside RUN needs this machine's CA bundle (mounts, not layers).
      buildArgs: [
        '--format', 'docker', // keeps HEALTHCHECK (OCI drops it)
        '--pull=never',
        '--network', 'host',
        '--ignorefile', join(workspaceRoot, 'docker/Dockerfile.dockerignore'),
        '-v', `${join(workDir, 'build-npmrc')}:/usr/local/etc/npmrc:ro`,
        '-v', '/etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro',
      ],
    },
  };
}

/** Runs the engine, returns stdout; throws with stderr on failure. */
export function engineOutput(engine, args, options = {}) {
  return execFileSync(engine.name, args, { env: engine.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
}
