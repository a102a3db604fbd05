import { Module } from '@nestjs/common';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import { GatewayConfig } from '../config.js';
import { ServiceClient } from '../http/service-client.js';
import { NotificationStreamModule } from '../notifications/notification-stream.module.js';
import { ProductsModule } from '../products/products.module.js';
import { graphqlOptions } from './graphql-options.js';
import { BatchLoaders } from './batch-loaders.js';
import { NotificationsResolver } from './notifications.resolver.js';
import { OrderItemsResolver } from './order-items.resolver.js';
import { OrdersResolver } from './orders.resolver.js';
import { ProductsResolver } from './products.resolver.js';
import { UsersResolver } from './users.resolver.js';

/** `POST /graphql` and graphql-ws subscriptions: the same services, guards and codes as the REST routes. */
@Module({
  imports: [
    GraphQLModule.forRootAsync<ApolloDriverConfig>({ driver: ApolloDriver, inject: [GatewayConfig], useFactory: graphqlOptions }),
    NotificationStreamModule,
    ProductsModule,
  ],
  providers: [ServiceClient, BatchLoaders, OrdersResolver, OrderItemsResolver, UsersResolver, NotificationsResolver, ProductsResolver],
})
export class GatewayGraphqlModule {}
