import { Injectable } from '@nestjs/common';
import {
  CatalogRpc,
  MAX_ORDERS_PER_BATCH,
  MAX_PRODUCTS_PER_BATCH,
  MAX_PROFILES_PER_BATCH,
  OrdersRpc,
  UsersRpc,
  type OrderView,
  type ProductView,
  type UserProfile,
} from '@plinth/contracts';
import DataLoader from 'dataloader';
import { actorOf } from '../access/authenticated-caller.js';
import { ServiceClient } from '../http/service-client.js';
import { requestIdOf } from '../http/request-id.middleware.js';
import type { GraphqlRequestContext } from './graphql-context.js';

type Batch<K, V> = (context: GraphqlRequestContext, keys: readonly K[]) => Promise<(V | null)[]>;

/**
 * One DataLoader per GraphQL request: every field of one kind resolved in the same tick (20 orders' users) becomes one
 * get-many RPC. The cache lives and dies with the request, so nothing is served to another caller or outlives a
 * change; the owning service decides what the caller may see (the rest are null).
 */
class PerRequestLoader<K, V> {
  private readonly byRequest = new WeakMap<GraphqlRequestContext, DataLoader<K, V | null>>();

  constructor(
    private readonly batch: Batch<K, V>,
    private readonly maxBatchSize: number,
  ) {}

  of(context: GraphqlRequestContext): DataLoader<K, V | null> {
    let loader = this.byRequest.get(context);
    if (!loader) {
      loader = new DataLoader((keys) => this.batch(context, keys), { maxBatchSize: this.maxBatchSize });
      this.byRequest.set(context, loader);
    }
    return loader;
  }
}

/** The answers of a get-many RPC in the order of the keys asked; the ones it left out (unknown, not visible) are null. */
const inOrderOf = <K, V>(keys: readonly K[], values: readonly V[], keyOf: (value: V) => K): (V | null)[] => {
  const byKey = new Map(values.map((value) => [keyOf(value), value]));
  return keys.map((key) => byKey.get(key) ?? null);
};

/**
 * The GraphQL fields that fan out, batched per request: `Order.user`, `Notification.order`, `OrderItem.product`.
 * Batches run after the resolvers that queued them, outside their async context: the caller's token and the request
 * id are passed explicitly.
 */
@Injectable()
export class BatchLoaders {
  readonly users = new PerRequestLoader(this.asCaller<UserProfile>(UsersRpc.getProfiles, 'userIds', (profile) => profile.id), MAX_PROFILES_PER_BATCH);

  readonly orders = new PerRequestLoader(this.asCaller<OrderView>(OrdersRpc.getMany, 'orderIds', (order) => order.id), MAX_ORDERS_PER_BATCH);

  // Public, like GET /v1/products: no caller needed.
  readonly products = new PerRequestLoader<string, ProductView>(async (context, skus) => {
    const products = await this.rpc.send<ProductView[]>(CatalogRpc.getMany, { skus: [...skus] }, this.callerOf(context));
    return inOrderOf(skus, products, (product) => product.sku);
  }, MAX_PRODUCTS_PER_BATCH);

  constructor(private readonly rpc: ServiceClient) {}

  /** A batch of what the caller may see: nothing without a caller, else one get-many RPC with the caller as actor. */
  private asCaller<V>(pattern: string, idsField: string, idOf: (value: V) => string): Batch<string, V> {
    return async (context, ids) => {
      const caller = context.req.user;
      if (!caller) return ids.map(() => null);
      const values = await this.rpc.send<V[]>(pattern, { actor: actorOf(caller), [idsField]: [...ids] }, this.callerOf(context));
      return inOrderOf(ids, values, idOf);
    };
  }

  private callerOf(context: GraphqlRequestContext) {
    return { accessToken: context.req.user?.accessToken, requestId: requestIdOf(context.req) };
  }
}
