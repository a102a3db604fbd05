// How the image suite runs a service's image: the way its k8s Deployment (and migration Job) runs it, read from
// the rendered prod manifests, translated into `docker run` / `podman run` flags.
import { randomBytes } from 'node:crypto';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { ServiceHandle } from '@plinth/testing';
import { engineOutput } from './container-engine.mjs';
import { render, type K8sObject } from './kustomize-render.js';

/** An engine as container-engine.mjs detects it. */
export interface ContainerEngine {
  name: 'docker' | 'podman';
  env: Record<string, string>;
  buildArgs: string[];
}

/** What the manifests say about running one service's container. */
export interface K8sRunSpec {
  service: string;
  /** `docker run` flags for the security context and the writable volumes of the Deployment's container. */
  runFlags: string[];
  terminationGracePeriodSeconds: number;
  /** The migration Job's container: its args (e.g. ['migrate']) and run flags; undefined for a service without a Job. */
  migrate: { args: string[]; runFlags: string[] } | undefined;
  uid: number;
  gid: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered YAML, read field by field
type PodSpec = any;

function flagsOf(pod: PodSpec, containerName: string, engine: ContainerEngine): { flags: string[]; uid: number; gid: number } {
  const container = pod.containers.find((candidate: { name: string }) => candidate.name === containerName) ?? pod.containers[0];
  const security = { ...pod.securityContext, ...container.securityContext };
  const flags: string[] = [];
  if (typeof security.runAsUser !== 'number') throw new Error(`${containerName}: no numeric runAsUser in the manifests`);
  const uid = security.runAsUser as number;
  const gid = (security.runAsGroup as number | undefined) ?? uid;
  flags.push('--user', `${uid}:${gid}`);
  if (security.readOnlyRootFilesystem === true) {
    flags.push('--read-only');
    // podman's --read-only still mounts tmpfs on /run, /var/tmp and /tmp unless told not to: only what k8s mounts is writable.
    if (engine.name === 'podman') flags.push('--read-only-tmpfs=false');
  }
  for (const capability of security.capabilities?.drop ?? []) flags.push('--cap-drop', capability);
  for (const capability of security.capabilities?.add ?? []) flags.push('--cap-add', capability);
  if (security.allowPrivilegeEscalation === false) flags.push('--security-opt', 'no-new-privileges');
  if (security.privileged === true) throw new Error(`${containerName}: privileged containers are not run by the image suite`);
  const emptyDirs = new Map<string, { sizeLimit?: string }>(
    (pod.volumes ?? []).filter((volume: { emptyDir?: object }) => volume.emptyDir).map((volume: { name: string; emptyDir: object }) => [volume.name, volume.emptyDir]),
  );
  for (const mount of container.volumeMounts ?? []) {
    const emptyDir = emptyDirs.get(mount.name);
    if (emptyDir) flags.push('--tmpfs', `${mount.mountPath}:rw,nosuid,nodev${emptyDir.sizeLimit ? `,size=${emptyDir.sizeLimit.replace(/i$/, '').toLowerCase()}` : ''}`);
  }
  return { flags, uid, gid };
}

/** Reads the prod overlay of one service (rendered with kubectl kustomize). */
export async function k8sRunSpec(kubectl: string, service: string, engine: ContainerEngine): Promise<K8sRunSpec> {
  const objects: K8sObject[] = await render(kubectl, `k8s/overlays/prod/${service}`);
  const deployment = objects.find((object) => object.kind === 'Deployment' && object.metadata.labels?.['app.kubernetes.io/name'] === service);
  if (!deployment) throw new Error(`k8s/overlays/prod/${service} renders no Deployment of ${service}`);
  const job = objects.find((object) => object.kind === 'Job' && object.metadata.labels?.['app.kubernetes.io/name'] === service);
  const { flags, uid, gid } = flagsOf(deployment.spec.template.spec, service, engine);
  return {
    service,
    runFlags: flags,
    terminationGracePeriodSeconds: deployment.spec.template.spec.terminationGracePeriodSeconds ?? 30,
    migrate: job
      ? { args: job.spec.template.spec.containers[0].args as string[], runFlags: flagsOf(job.spec.template.spec, 'migrate', engine).flags }
      : undefined,
    uid,
    gid,
  };
}

/** Removes a container at once (podman waits out the stop timeout unless told `--time 0`; docker kills). */
export function forceRemove(engine: ContainerEngine, name: string): void {
  spawnSync(engine.name, ['rm', '--force', ...(engine.name === 'podman' ? ['--time', '0'] : []), name], { env: engine.env, stdio: 'ignore' });
}

/** Containers still running, removed when the test process exits however it exits. */
const running = new Map<string, ContainerEngine>();
process.once('exit', () => {
  for (const [name, engine] of running) forceRemove(engine, name);
});

const MAX_LOG_CHARS = 4_000_000;

export const envFlags = (env: Record<string, string>): string[] => Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]);

/**
 * One service's image run as an attached container on the host network (so it reaches the local PostgreSQL,
 * RabbitMQ and Redis on 127.0.0.1 like a process, and listens on PORT of the host).
 */
export class ServiceContainer implements ServiceHandle {
  readonly containerName: string;
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);
  private output = '';

  constructor(
    private readonly engine: ContainerEngine,
    readonly service: string,
    readonly image: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly runFlags: string[],
    private readonly graceMs: number,
  ) {
    this.containerName = `plinth-it-${service}-${randomBytes(4).toString('hex')}`;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  logs(): string {
    return this.output;
  }

  start(): void {
    if (this.isRunning) throw new Error(`${this.containerName} is already running`);
    const args = ['run', '--rm', '--name', this.containerName, '--network', 'host', ...this.runFlags, ...envFlags({ ...this.env, PORT: String(this.port) }), this.image];
    const child = spawn(this.engine.name, args, { env: this.engine.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    running.set(this.containerName, this.engine);
    const capture = (chunk: Buffer) => {
      this.output += chunk.toString('utf8');
      if (this.output.length > MAX_LOG_CHARS) this.output = this.output.slice(-MAX_LOG_CHARS / 2);
    };
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        running.delete(this.containerName);
        this.output += `\n[${this.containerName} exited: ${signal ?? `code ${code}`}]\n`;
        resolve(code);
      });
    });
  }

  /** Runs a command inside the running container (as its user); never throws. */
  exec(command: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(this.engine.name, ['exec', this.containerName, ...command], { env: this.engine.env, encoding: 'utf8', timeout: 60_000 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /** The image's HEALTHCHECK, run now: `podman healthcheck run`, or the same command through `docker exec`. */
  runHealthcheck(): { status: number | null; output: string } {
    if (this.engine.name === 'podman') {
      const result = spawnSync('podman', ['healthcheck', 'run', this.containerName], { env: this.engine.env, encoding: 'utf8', timeout: 60_000 });
      return { status: result.status, output: `${result.stdout}${result.stderr}` };
    }
    const [inspected] = JSON.parse(engineOutput(this.engine, ['image', 'inspect', this.image]));
    const test: string[] = inspected.Config.Healthcheck?.Test ?? [];
    if (test[0] !== 'CMD') return { status: null, output: `unsupported HEALTHCHECK ${JSON.stringify(test)}` };
    const result = this.exec(test.slice(1));
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastStatus = 'no answer';
    while (Date.now() < deadline) {
      if (!this.isRunning) throw this.failure('exited before becoming ready');
      try {
        const response = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
        if (response.ok) return;
        lastStatus = `${response.status} ${await response.text()}`;
      } catch (error) {
        lastStatus = (error as Error).message;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw this.failure(`not ready within ${timeoutMs} ms (last /readyz: ${lastStatus})`);
  }

  /** Signals the container's PID 1 (node) and waits for the exit; SIGKILL after the grace period. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (!this.isRunning) return this.exited;
    spawnSync(this.engine.name, ['kill', '--signal', signal, this.containerName], { env: this.engine.env, stdio: 'ignore' });
    const timer = setTimeout(
      () => spawnSync(this.engine.name, ['kill', '--signal', 'SIGKILL', this.containerName], { env: this.engine.env, stdio: 'ignore' }),
      this.graceMs,
    );
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private failure(reason: string): Error {
    return new Error(`${this.containerName} (${this.image}) ${reason}. Last log lines:\n${this.output.trimEnd().split('\n').slice(-40).join('\n')}`);
  }
}
