import { serveAuthStandIn } from './caller-tokens.js';
import { createSigningKey, type TestSigningKey } from './test-signing-key.js';
import { ServiceProcess } from './service-process.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { testInfrastructure } from './test-infrastructure.config.js';
import { createTestVhost, type TestVhost } from './test-vhost.js';
import { provisionNarrowIdentities, type NarrowIdentities } from './narrow-identities.js';
import { serveCatalogStandIn, TEST_PRODUCTS } from './test-products.js';
import type { CreateProductBody } from '@plinth/contracts';

/** Where a system gets its vhost and databases: the shared servers, or private nodes (TLS runs). */
export interface SystemInfrastructure {
  createVhost(label: string): Promise<TestVhost>;
  createDatabase(label: string): Promise<TestDatabase>;
}

const sharedInfrastructure: SystemInfrastructure = { createVhost: createTestVhost, createDatabase: createTestDatabase };
import { freePort } from './free-port.js';

export const serviceNames = ['gateway', 'auth', 'users', 'orders', 'notifications', 'catalog'] as const;
export type ServiceName = (typeof serviceNames)[number];

/** Services that own a database (the gateway keeps nothing). */
const databaseServices: readonly ServiceName[] = ['auth', 'users', 'orders', 'notifications', 'catalog'];

export interface StartSystemOptions {
  /** Added to every service's environment (after the defaults below, so it can override them). */
  env?: Record<string, string>;
  /** Added to one service's environment, after `env`. */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Which services to run; default all six. */
  services?: ServiceName[];
  /** Per service, for /readyz after spawning; default 90 s (five Nest apps booting at once on two busy cores). */
  readyTimeoutMs?: number;
  /** The catalog the system starts with (catalog's SEED_PRODUCTS, or the catalog stand-in's); default TEST_PRODUCTS. */
  products?: readonly CreateProductBody[];
  /** Default: the shared PostgreSQL and RabbitMQ of this machine. */
  infrastructure?: SystemInfrastructure;
  /**
   * Run every service as in production: its own broker user limited to its part of the topology, and a database
   * runtime role without DDL (migrated beforehand by `migrate` as the owner). Shared servers only. Default false.
   */
  narrowIdentities?: boolean;
  /**
   * How each service runs; default a ServiceProcess of the built app, inheriting this process's environment.
   * A launcher gets only the service's own environment (the defaults, `env`, PORT, DATABASE_URL, `serviceEnv`):
   * e.g. a container of the service's image on the host network.
   */
  launch?: ServiceLauncher;
}

/** One running service as startSystem drives it: a ServiceProcess, or e.g. a container of the service's image. */
export interface ServiceHandle {
  readonly url: string;
  start(): void;
  /** Polls /readyz until 200; fails with the log tail if the service exits or the deadline passes. */
  waitUntilReady(timeoutMs: number): Promise<void>;
  /** Sends the signal, waits for the exit (forcing it after a grace period); resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  logs(): string;
}

export type ServiceLauncher = (name: ServiceName, port: number, env: Record<string, string>) => ServiceHandle;

export interface RunningSystem {
  gatewayUrl: string;
  urlOf(service: ServiceName): string;
  /** The environment shared by all services (RABBITMQ_URL, LOG_FORMAT, retry delays and `options.env`). */
  env: Record<string, string>;
  /** The broker vhost of this system, for closeBrokerConnections(). */
  vhost: string;
  databaseUrlOf(service: ServiceName): string;
  /** SIGTERM every service, then drop the databases and the vhost. Idempotent. */
  stop(): Promise<void>;
  /** Signals one service and waits until it has exited. */
  kill(service: ServiceName, signal?: NodeJS.Signals): Promise<void>;
  /** (Re)starts one service with its original environment and port and waits for /readyz. */
  start(service: ServiceName): Promise<void>;
  /** Everything the service wrote to stdout/stderr (JSON lines), across restarts. */
  logs(service: ServiceName): string;
  /** Without auth among the services: the key its stand-in publishes as auth's JWKS (see serveAuthStandIn). */
  authStandInKey?: TestSigningKey;
}

const defaultEnv = (): Record<string, string> => ({
  NODE_ENV: 'test',
  LOG_FORMAT: 'json',
  LOG_LEVEL: 'info',
  // Short, so retry and dead-letter paths finish within a test's time budget.
  EVENT_RETRY_DELAYS_MS: '200,400,800',
  EVENT_MAX_ATTEMPTS: '4',
  SHUTDOWN_TIMEOUT_MS: '5000',
});

// Variables a developer's shell might carry that would point a service at the wrong place.
const stripped = ['PORT', 'DATABASE_URL', 'RABBITMQ_URL', 'NODE_OPTIONS', 'LOG_FORMAT', 'LOG_LEVEL'];

/**
 * Runs the BUILT apps as separate processes, each on a fresh database, all on one fresh vhost and
 * free ports, and waits until every /readyz answers 200. On failure everything is torn down and the
 * error carries the failing service's last log lines.
 */
export async function startSystem(options: StartSystemOptions = {}): Promise<RunningSystem> {
  const names = options.services ?? [...serviceNames];
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  const infrastructure = options.infrastructure ?? sharedInfrastructure;
  const databases = new Map<ServiceName, TestDatabase>();
  const processes = new Map<ServiceName, ServiceHandle>();
  let vhost: TestVhost | undefined;
  let closeAuthStandIn: (() => Promise<void>) | undefined;
  let identities: NarrowIdentities | undefined;
  let closeCatalogStandIn: (() => Promise<void>) | undefined;

  const teardown = async () => {
    await Promise.all([...processes.values()].map((service) => service.stop()));
    await closeAuthStandIn?.();
    await closeCatalogStandIn?.();
    await Promise.allSettled([...databases.values()].map((database) => database.drop()));
    await vhost?.drop().catch(() => undefined);
    await identities?.drop();
  };

  try {
    const [createdVhost] = await Promise.all([
      infrastructure.createVhost('system'),
      ...names
        .filter((name) => databaseServices.includes(name))
        .map(async (name) => databases.set(name, await infrastructure.createDatabase(`sys_${name}`))),
    ]);
    vhost = createdVhost;
    const env: Record<string, string> = { ...defaultEnv(), RABBITMQ_URL: vhost.url, ...options.env };
    // Every service catches up on revocations from auth before it is ready: without auth, a stand-in answers
    // (on the broker the services use, which a caller may have chosen through options.env).
    const authStandInKey = names.includes('auth') ? undefined : await createSigningKey();
    if (authStandInKey) closeAuthStandIn = await serveAuthStandIn(env.RABBITMQ_URL, authStandInKey);
    // Orders fills its price read model from catalog before it is ready: without catalog, a stand-in answers.
    const products = options.products ?? TEST_PRODUCTS;
    if (names.includes('orders') && !names.includes('catalog')) closeCatalogStandIn = await serveCatalogStandIn(env.RABBITMQ_URL, products);
    const inherited = options.launch ? {} : testInfrastructure.inheritedEnv();
    for (const key of stripped) delete inherited[key];
    const launch: ServiceLauncher = options.launch ?? ((name, port, serviceEnv) => new ServiceProcess(name, port, serviceEnv));
    if (options.narrowIdentities) {
      identities = await provisionNarrowIdentities(vhost, databases, {
        retryDelaysMs: (env['EVENT_RETRY_DELAYS_MS'] ?? '').split(',').map(Number),
        env: { ...inherited, ...env },
      });
    }

    for (const name of names) {
      const port = await freePort();
      const database = databases.get(name);
      processes.set(
        name,
        launch(name, port, {
          ...inherited,
          ...env,
          PORT: String(port),
          ...(database ? { DATABASE_URL: database.url } : {}),
          ...identities?.envOf(name),
          ...(name === 'catalog' ? { SEED_PRODUCTS: JSON.stringify(products) } : {}),
          ...options.serviceEnv?.[name],
        }),
      );
    }
    for (const service of processes.values()) service.start();
    await Promise.all([...processes.values()].map((service) => service.waitUntilReady(readyTimeoutMs)));

    const processOf = (name: ServiceName) => {
      const service = processes.get(name);
      if (!service) throw new Error(`${name} is not part of this system (services: ${names.join(', ')})`);
      return service;
    };
    let stopped: Promise<void> | undefined;
    return {
      gatewayUrl: processes.get('gateway')?.url ?? '',
      urlOf: (name) => processOf(name).url,
      env,
      vhost: vhost.vhost,
      databaseUrlOf: (name) => {
        const database = databases.get(name);
        if (!database) throw new Error(`${name} has no database in this system`);
        return database.url;
      },
      stop: () => (stopped ??= teardown()),
      authStandInKey,
      kill: async (name, signal = 'SIGTERM') => {
        await processOf(name).stop(signal);
      },
      start: async (name) => {
        const service = processOf(name);
        service.start();
        await service.waitUntilReady(readyTimeoutMs);
      },
      logs: (name) => processOf(name).logs(),
    };
  } catch (error) {
    await teardown();
    throw error;
  }
}
