import { bootstrapService } from '@plinth/service-bootstrap';
import { GatewayConfig } from './config.js';
import { GatewayAppModule } from './gateway-app.module.js';
import { configureHttp } from './http/configure-http.js';
import { redisTlsEndpoints } from './rate-limits/redis-connection.js';

await bootstrapService({
  name: 'gateway', module: GatewayAppModule, config: GatewayConfig, configureHttp, tlsEndpoints: (config) => redisTlsEndpoints(config as GatewayConfig),
});
