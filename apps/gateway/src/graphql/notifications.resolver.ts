import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { isUUID } from 'class-validator';
import { ListNotificationsQuery, NotificationsRpc, type Actor, type NotificationView, type Page } from '@plinth/contracts';
import { Authenticated } from '../access/access-policy.decorators.js';
import { unauthenticated } from '../access/access-token.strategy.js';
import { CurrentActor } from '../access/current-actor.decorator.js';
import { ServiceClient } from '../http/service-client.js';
import { uuidPipe } from '../http/uuid-param.decorator.js';
import { toNotificationView } from '../notifications/notification-view.mapper.js';
import { NotificationStreams } from '../notifications/notification-streams.js';
import { connectionOf, connectionType, validatedQuery, type Connection } from './graphql-connections.js';
import type { GraphqlRequestContext } from './graphql-context.js';
import { NotificationModel, OrderModel } from './graphql.models.js';
import { BatchLoaders } from './batch-loaders.js';
import { toOrderModel } from './orders.resolver.js';
import { liveNotifications } from './live-notifications.js';

const NotificationConnection = connectionType(NotificationModel, 'Notification');

/** Notifications: the same RPCs as NotificationsController; the subscription shares the SSE stream's broadcast. */
@Resolver(() => NotificationModel)
export class NotificationsResolver {
  constructor(
    private readonly rpc: ServiceClient,
    private readonly streams: NotificationStreams,
    private readonly loaders: BatchLoaders,
  ) {}

  @ResolveField('order', () => OrderModel, { nullable: true, description: 'The order it is about (data.orderId), if any and visible to the caller; batched per request' })
  async order(@Parent() notification: NotificationModel, @Context() context: GraphqlRequestContext): Promise<OrderModel | null> {
    const orderId = notification.data['orderId'];
    if (typeof orderId !== 'string' || !isUUID(orderId)) return null;
    const order = await this.loaders.orders.of(context).load(orderId);
    return order ? toOrderModel(order) : null;
  }

  @Query(() => NotificationConnection, { description: 'The caller\'s notifications, newest first' })
  @Authenticated()
  async notifications(
    @CurrentActor() actor: Actor,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
    @Args('unread', { nullable: true, description: 'Only unread ones when true' }) unread?: boolean,
  ): Promise<Connection<NotificationModel>> {
    const { limit, cursor } = validatedQuery(ListNotificationsQuery, { limit: first, cursor: after });
    const page = await this.rpc.send<Page<NotificationView>>(NotificationsRpc.list, { actor, limit, cursor, unread: unread ?? undefined });
    return connectionOf(page, toNotificationView);
  }

  @Mutation(() => NotificationModel, { description: 'Mark a notification read (idempotent)' })
  @Authenticated()
  async markNotificationRead(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }, uuidPipe('id')) notificationId: string,
  ): Promise<NotificationModel> {
    return toNotificationView(await this.rpc.send<NotificationView>(NotificationsRpc.markRead, { actor, notificationId }));
  }

  @Subscription(() => NotificationModel, {
    description: 'The caller\'s new notifications, live (graphql-ws; token in the connection\'s `authorization` parameter). Ends when the session is revoked.',
    resolve: (notification: NotificationView) => toNotificationView(notification),
  })
  @Authenticated()
  notificationCreated(@Context() context: GraphqlRequestContext): AsyncIterableIterator<NotificationView> {
    // JwtAuthGuard has run: the connection's token is verified and not revoked.
    const caller = context.req.user;
    if (!caller) throw unauthenticated('An access token is required (connectionParams.authorization: Bearer <token>).');
    return liveNotifications(this.streams, caller);
  }
}
