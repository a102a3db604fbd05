import { Args, Context, ID, Int, Mutation, ObjectType, Field, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import {
  ListOrdersQuery, OrdersRpc, Roles as RoleNames, type Actor, type CreateOrderResult, type OrderView, type Page,
} from '@plinth/contracts';
import { Authenticated, Roles } from '../access/access-policy.decorators.js';
import { CurrentActor } from '../access/current-actor.decorator.js';
import { ServiceClient } from '../http/service-client.js';
import { uuidPipe } from '../http/uuid-param.decorator.js';
import { toOrderView } from '../orders/order-view.mapper.js';
import { toUserProfile } from '../users/user-profile.mapper.js';
import { connectionOf, connectionType, validatedQuery, type Connection } from './graphql-connections.js';
import type { GraphqlRequestContext } from './graphql-context.js';
import { OrderModel, OrderStatusValue, UserModel } from './graphql.models.js';
import { PlaceOrderInput } from './graphql.inputs.js';
import { BatchLoaders } from './batch-loaders.js';

const OrderConnection = connectionType(OrderModel, 'Order');

@ObjectType('PlaceOrderResult')
class PlaceOrderResultModel {
  @Field(() => OrderModel) order: OrderModel;
  @Field({ description: 'True when an earlier placeOrder with the same idempotencyKey created this order' }) replayed: boolean;
}

/** Wire → GraphQL, through the REST mapper's field-by-field copy (the shapes are the same). */
export const toOrderModel = (order: OrderView): OrderModel => toOrderView(order) as OrderModel;

/** The orders face of GraphQL: the same RPCs as OrdersController, the same rules (orders decides who sees what). */
@Resolver(() => OrderModel)
export class OrdersResolver {
  constructor(
    private readonly rpc: ServiceClient,
    private readonly loaders: BatchLoaders,
  ) {}

  @Query(() => OrderConnection, { description: 'The caller\'s orders, newest first' })
  @Authenticated()
  myOrders(
    @CurrentActor() actor: Actor,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
    @Args('status', { type: () => OrderStatusValue, nullable: true }) status?: OrderStatusValue,
  ): Promise<Connection<OrderModel>> {
    return this.list(actor, { limit: first, cursor: after, status, userId: actor.userId });
  }

  @Query(() => OrderConnection, { nullable: true, description: 'Everyone\'s orders, or one user\'s (admin; null with COMMON.FORBIDDEN for others)' })
  @Roles(RoleNames.ADMIN)
  orders(
    @CurrentActor() actor: Actor,
    @Args('userId', { type: () => ID, nullable: true }) userId?: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
    @Args('status', { type: () => OrderStatusValue, nullable: true }) status?: OrderStatusValue,
  ): Promise<Connection<OrderModel>> {
    return this.list(actor, { limit: first, cursor: after, status, userId });
  }

  @Query(() => OrderModel, { nullable: true, description: 'One order; null with ORDERS.NOT_FOUND when it is not the caller\'s' })
  @Authenticated()
  async order(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }, uuidPipe('id')) orderId: string): Promise<OrderModel> {
    return toOrderModel(await this.rpc.send<OrderView>(OrdersRpc.get, { actor, orderId }));
  }

  @Mutation(() => PlaceOrderResultModel, { description: 'Place an order; safe to retry with the same idempotencyKey' })
  @Authenticated()
  async placeOrder(
    @CurrentActor() actor: Actor,
    @Args('input') input: PlaceOrderInput,
    @Args('idempotencyKey', { nullable: true, description: '1..128 visible ASCII characters, as the Idempotency-Key header' }) idempotencyKey?: string,
  ): Promise<PlaceOrderResultModel> {
    const { order, replayed } = await this.rpc.send<CreateOrderResult>(OrdersRpc.create, {
      actor,
      currency: input.currency,
      items: input.items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
      idempotencyKey: idempotencyKey ?? undefined,
    });
    return { order: toOrderModel(order), replayed };
  }

  @Mutation(() => OrderModel, { description: 'Cancel a pending or confirmed order' })
  @Authenticated()
  async cancelOrder(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }, uuidPipe('id')) orderId: string,
    @Args('expectedVersion', { type: () => Int, nullable: true, description: 'As If-Match: refused with ORDERS.VERSION_CONFLICT if the order changed' }) expectedVersion?: number,
  ): Promise<OrderModel> {
    return toOrderModel(await this.rpc.send<OrderView>(OrdersRpc.cancel, { actor, orderId, expectedVersion: expectedVersion ?? undefined }));
  }

  @ResolveField('user', () => UserModel, { nullable: true, description: 'Batched per request (one RPC for all the orders in a response)' })
  async user(@Parent() order: OrderModel, @Context() context: GraphqlRequestContext): Promise<UserModel | null> {
    const profile = await this.loaders.users.of(context).load(order.userId);
    return profile ? toUserProfile(profile) : null;
  }

  private async list(actor: Actor, query: Record<string, unknown>): Promise<Connection<OrderModel>> {
    const { limit, cursor, status, userId } = validatedQuery(ListOrdersQuery, query);
    const page = await this.rpc.send<Page<OrderView>>(OrdersRpc.list, { actor, limit, cursor, status, userId });
    return connectionOf(page, toOrderModel);
  }
}
