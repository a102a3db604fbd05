import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AccessModule } from './access/access.module.js';
import { JwtAuthGuard } from './access/jwt-auth.guard.js';
import { RolesGuard } from './access/roles.guard.js';
import { AuthController } from './auth/auth.controller.js';
import { AccountController } from './auth/account.controller.js';
import { SessionsController } from './auth/sessions.controller.js';
import { UserAccessController } from './auth/user-access.controller.js';
import { GatewayConfig } from './config.js';
import { GatewayGraphqlModule } from './graphql/gateway-graphql.module.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { CallerRateLimitGuard, RateLimitGuard } from './rate-limits/rate-limit.guard.js';
import { RateLimitsModule, RATE_LIMIT_STORAGE } from './rate-limits/rate-limits.module.js';
import { rateLimitOptions } from './rate-limits/rate-limits.js';
import { RequestContextInterceptor } from './http/request-context.js';
import { RouteTable } from './http/route-table.js';
import { ServiceClient } from './http/service-client.js';
import { UnknownPropertiesInterceptor } from './http/unknown-properties.interceptor.js';
import { NotificationStreamModule } from './notifications/notification-stream.module.js';
import { NotificationsController } from './notifications/notifications.controller.js';
import { OrdersController } from './orders/orders.controller.js';
import { ProductsModule } from './products/products.module.js';
import { UserPreferencesController } from './users/user-preferences.controller.js';
import { UsersController } from './users/users.controller.js';

/** The public HTTP API: one controller per resource, each a thin translation to RPC. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({ imports: [RateLimitsModule], inject: [GatewayConfig, RATE_LIMIT_STORAGE], useFactory: rateLimitOptions }),
    RateLimitsModule,
    AccessModule,
    NotificationStreamModule,
    GatewayGraphqlModule,
    ProductsModule,
  ],
  controllers: [AuthController, AccountController, SessionsController, UsersController, UserAccessController, OrdersController, NotificationsController, UserPreferencesController],
  providers: [
    // Global guards run in this order: rate limits by address and account (cut floods before any
    // token work), authentication (sets request.user), the caller's write budget, then the route's
    // role requirement.
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: CallerRateLimitGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
    RouteTable,
    ServiceClient,
    { provide: APP_INTERCEPTOR, useClass: RequestContextInterceptor },
    { provide: APP_INTERCEPTOR, useClass: UnknownPropertiesInterceptor },
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
  ],
})
export class GatewayAppModule {}
