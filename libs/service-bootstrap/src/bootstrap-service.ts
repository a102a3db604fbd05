import { MikroORM } from '@mikro-orm/core';
import type { Server as TlsServer } from 'node:tls';
import { ConsoleLogger, Module, ValidationPipe, type DynamicModule, type LoggerService, type NestApplicationOptions } from '@nestjs/common';
import { ApplicationConfig, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger, LoggerModule, PinoLogger } from 'nestjs-pino';
import { connectRmqTransport } from '@plinth/messaging';
import { RevocationSyncTrigger } from './health/revocation-sync.trigger.js';
import { grantRuntimeRole, roleOf, runMigrations } from '@plinth/persistence';
import { httpMetricsMiddleware, ServiceMetrics, traceResponseHeader } from '@plinth/telemetry';
import { serverTlsOptions, TlsSetupError } from '@plinth/tls';
import type { BaseServiceConfig, DatabaseServiceConfig } from './config/base-service.config.js';
import { ConfigValidationError, loadConfig } from './config/load-config.js';
import { processEnvironment } from './config/process-environment.config.js';
import { buildLoggerParams } from './logging/logger-params.js';
import { messageLoggingHook } from './logging/message-logging.hook.js';
import { ServiceRootModule, persistenceModuleFor } from './service-root.module.js';
import type { BootstrapServiceOptions } from './service-options.js';
import type { ConnectionTls } from './tls/connection-tls.js';
import { reloadServerCertificate } from './tls/server-certificate-reload.js';
import { prepareConnectionTls } from './tls/start-up-tls.js';
import { cacheValidationMetadata } from './validation/cached-validation-metadata.js';

const COMMANDS = ['migrate'] as const;
const INSUFFICIENT_PRIVILEGE = '42501';

/**
 * The whole main.ts of every service: validate config (exit 1 naming bad variables, before any
 * connection), then either `migrate` (apply migrations, exit) or start: migrations, HTTP health,
 * RabbitMQ transport, listen, and a graceful shutdown on SIGTERM/SIGINT bounded by SHUTDOWN_TIMEOUT_MS.
 */
export async function bootstrapService(options: BootstrapServiceOptions): Promise<void> {
  const config = loadValidConfig(options);
  const command = processEnvironment.command();
  if (command !== undefined && command !== 'migrate') {
    process.stderr.write(`Unknown command "${command}" for ${options.name}; expected one of: ${COMMANDS.join(', ')}\n`);
    process.exit(1);
  }
  const tls = await verifiedConnectionTls(options, config);
  return command === 'migrate' ? migrate(options, config, tls) : start(options, config, tls);
}

/** Like a bad variable, a TLS setting that cannot work stops the service before anything connects. */
async function verifiedConnectionTls(options: BootstrapServiceOptions, config: BaseServiceConfig): Promise<ConnectionTls> {
  try {
    return await prepareConnectionTls(config, options.tlsEndpoints?.(config) ?? []);
  } catch (error) {
    if (!(error instanceof TlsSetupError)) throw error;
    process.stderr.write(`${options.name} failed to start: ${error.message}\n`);
    process.exit(1);
  }
}

function loadValidConfig(options: BootstrapServiceOptions): BaseServiceConfig {
  try {
    return loadConfig(options.config, processEnvironment.variables(), options.name);
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

async function start(options: BootstrapServiceOptions, config: BaseServiceConfig, tls: ConnectionTls): Promise<void> {
  const root = ServiceRootModule.forRoot({
    name: options.name, module: options.module, configClass: options.config, config, database: options.database, accessTokenKeys: options.accessTokenKeys, recentRevocations: options.recentRevocations, tls,
  });
  // Nest's HttpsOptions is a looser copy of Node's TlsOptions.
  const httpsOptions = tls.server ? (serverTlsOptions(tls.server) as NestApplicationOptions['httpsOptions']) : undefined;
  const app = await NestFactory.create<NestExpressApplication>(root, { bufferLogs: true, abortOnError: false, httpsOptions }).catch((error: unknown) =>
    failStart(options.name, error, new ConsoleLogger()),
  );
  const logger = app.get(Logger);
  app.useLogger(logger);
  try {
    guardShutdownDuration(config.SHUTDOWN_TIMEOUT_MS, logger);
    app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
    if (options.database) {
      const applied = await runMigrations(app.get(MikroORM)).catch((error: unknown) => {
        // A runtime role without DDL (k8s) finds pending migrations only when the migrate Job has not run.
        if ((error as { code?: string }).code !== INSUFFICIENT_PRIVILEGE) throw error;
        throw new Error(`pending migrations need the database owner: run \`migrate\` with MIGRATION_DATABASE_URL first (${(error as Error).message})`);
      });
      logger.log(applied.length > 0 ? `applied migrations: ${applied.join(', ')}` : 'database schema up to date', 'Migrations');
    }
    cacheValidationMetadata();
    app.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true }));
    // Before the transport connects: Nest reads the hooks while it builds the message handlers.
    app.get(ApplicationConfig).registerPreRequestHook(messageLoggingHook(await app.resolve(PinoLogger)));
    connectRmqTransport(app);
    app.use(traceResponseHeader);
    app.use(httpMetricsMiddleware(app.get(ServiceMetrics)));
    await options.configureHttp?.(app);
    await app.init();
    await app.startAllMicroservices();
    // The broadcast queue is bound now: catch up on revocations (/readyz waits for it).
    app.get(RevocationSyncTrigger).start();
    await app.listen(config.PORT);
    if (tls.server) reloadServerCertificate(app.getHttpServer() as unknown as TlsServer, tls.server, logger);
    logger.log(`ready on ${tls.server ? 'https' : 'http'}://127.0.0.1:${config.PORT}`, 'Bootstrap');
  } catch (error) {
    await failStart(options.name, error, logger);
  }
}

async function migrate(options: BootstrapServiceOptions, config: BaseServiceConfig, tls: ConnectionTls): Promise<void> {
  const { database } = options;
  if (!database) {
    // Uniform for tooling (`npm run migrate` runs it in every app): nothing to do is success.
    process.stdout.write(`${options.name} owns no database; nothing to migrate\n`);
    process.exit(0);
  }
  const app = await NestFactory.createApplicationContext(MigrateModule.forRoot({ ...options, database }, config, tls), { bufferLogs: true, abortOnError: false }).catch(
    (error: unknown) => failStart(options.name, error, new ConsoleLogger()),
  );
  const logger = app.get(Logger);
  app.useLogger(logger);
  try {
    const orm = app.get<MikroORM>(MikroORM);
    const applied = await runMigrations(orm);
    logger.log(applied.length > 0 ? `applied migrations: ${applied.join(', ')}` : 'database schema up to date', 'Migrations');
    const { DATABASE_URL, MIGRATION_DATABASE_URL } = config as DatabaseServiceConfig;
    const runtimeRole = roleOf(DATABASE_URL);
    if (MIGRATION_DATABASE_URL !== undefined && roleOf(MIGRATION_DATABASE_URL) !== runtimeRole) {
      await grantRuntimeRole(orm, runtimeRole);
      logger.log(`granted ${runtimeRole} DML on every table and sequence (no DDL)`, 'Migrations');
    }
    await app.close();
    process.exit(0);
  } catch (error) {
    await failStart(options.name, error, logger);
  }
}

@Module({})
class MigrateModule {
  static forRoot(options: BootstrapServiceOptions & Required<Pick<BootstrapServiceOptions, 'database'>>, config: BaseServiceConfig, tls: ConnectionTls): DynamicModule {
    return {
      module: MigrateModule,
      imports: [
        LoggerModule.forRoot(buildLoggerParams(options.name, config)),
        // DDL needs the owner; without MIGRATION_DATABASE_URL, DATABASE_URL's role is the owner (local development).
        persistenceModuleFor(options.name, config, options.database, tls.database, (config as DatabaseServiceConfig).MIGRATION_DATABASE_URL),
      ],
    };
  }
}

/** SHUTDOWN_TIMEOUT_MS is a promise to the orchestrator: past it, exit non-zero rather than hang. */
function guardShutdownDuration(timeoutMs: number, logger: LoggerService): void {
  const arm = (signal: NodeJS.Signals) =>
    process.once(signal, () => {
      setTimeout(() => {
        logger.error(`graceful shutdown exceeded SHUTDOWN_TIMEOUT_MS=${timeoutMs}; exiting`, undefined, 'Shutdown');
        process.exit(1);
      }, timeoutMs).unref();
    });
  arm('SIGTERM');
  arm('SIGINT');
}

async function failStart(name: string, error: unknown, logger: LoggerService): Promise<never> {
  const reason = error instanceof Error ? error.message : String(error);
  logger.error(`${name} failed to start: ${reason}`, error instanceof Error ? error.stack : undefined, 'Bootstrap');
  // Give pino's transport (pretty mode) a moment to flush; the exit itself must not wait on anything.
  await new Promise((resolve) => setTimeout(resolve, 100));
  process.exit(1);
}
