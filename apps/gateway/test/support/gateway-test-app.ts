// The gateway's HTTP edge as in production (module, global pipe, configureHttp) with the two things
// the bootstrap would provide — config, RpcClient and the metrics registry — replaced by a fixed config and a FakeRpcClient,
// and the bootstrap's access-token verification reading its keys through that fake.
import { Global, Module, ValidationPipe, type DynamicModule } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { AuthRpc } from '@plinth/contracts';
import { RpcClient } from '@plinth/messaging';
import { ServiceMetrics } from '@plinth/telemetry';
import { TerminusModule } from '@nestjs/terminus';
import { accessTokensModuleFor, BrokerHealthIndicator, HealthController, ReadinessGates, RevocationSyncTrigger } from '@plinth/service-bootstrap';
import { GatewayConfig } from '../../src/config.js';
import { GatewayAppModule } from '../../src/gateway-app.module.js';
import { configureHttp } from '../../src/http/configure-http.js';
import { FakeRpcClient } from './fake-rpc-client.js';
import { createSigningKey, jwksOf, signAccessToken, TEST_AUDIENCE, TEST_ISSUER, type TestSigningKey, type TokenOptions } from '@plinth/testing';

export interface GatewayTestApp {
  app: NestExpressApplication;
  rpc: FakeRpcClient;
  config: GatewayConfig;
  key: TestSigningKey;
  token(options?: TokenOptions): Promise<string>;
  close(): Promise<void>;
}

export const testConfig = (overrides: Partial<GatewayConfig> = {}): GatewayConfig =>
  Object.assign(new GatewayConfig(), { JWT_ISSUER: TEST_ISSUER, JWT_AUDIENCE: TEST_AUDIENCE, CORS_ORIGINS: ['https://app.example.com'] }, overrides);

const bootstrapStandIns = (config: GatewayConfig, rpc: FakeRpcClient): DynamicModule => {
  @Global()
  @Module({})
  class BootstrapStandInModule {}
  // The probes as the bootstrap serves them, with a broker that is always up and revocations always caught up
  // (so /docs-json is the real document).
  const brokerUp = { isHealthy: (key = 'broker') => ({ [key]: { status: 'up' } }) };
  const revocationsCaughtUp = { isHealthy: (key = 'revocations') => ({ [key]: { status: 'up' } }) };
  return {
    module: BootstrapStandInModule,
    imports: [TerminusModule.forRoot({ logger: false })],
    controllers: [HealthController],
    providers: [{ provide: GatewayConfig, useValue: config }, { provide: RpcClient, useValue: rpc }, { provide: ServiceMetrics, useValue: new ServiceMetrics('gateway') }, { provide: BrokerHealthIndicator, useValue: brokerUp }, { provide: RevocationSyncTrigger, useValue: revocationsCaughtUp }, ReadinessGates],
    exports: [GatewayConfig, RpcClient, ServiceMetrics],
  };
};

export const createGatewayTestApp = async (options: { config?: Partial<GatewayConfig> } = {}): Promise<GatewayTestApp> => {
  const config = testConfig(options.config);
  const rpc = new FakeRpcClient();
  const key = await createSigningKey();
  rpc.reply(AuthRpc.jwks, jwksOf(key));

  const moduleRef = await Test.createTestingModule({ imports: [bootstrapStandIns(config, rpc), accessTokensModuleFor(config), GatewayAppModule] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  // The same pipe @plinth/service-bootstrap installs globally.
  app.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true }));
  configureHttp(app);
  await app.init();

  return {
    app,
    rpc,
    config,
    key,
    token: (tokenOptions) => signAccessToken(key, tokenOptions),
    close: () => app.close(),
  };
};
