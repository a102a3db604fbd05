import { Injectable } from '@nestjs/common';
import { MAX_PROFILES_PER_BATCH, UsersRpc, type UserProfile } from '@plinth/contracts';
import DataLoader from 'dataloader';
import { actorOf } from '../access/authenticated-caller.js';
import { ServiceClient } from '../http/service-client.js';
import { requestIdOf } from '../http/request-id.middleware.js';
import type { GraphqlRequestContext } from './graphql-context.js';

/**
 * Per GraphQL request, one DataLoader of user profiles: every `user` field resolved in the same tick (20 orders'
 * users) becomes one `users.profiles.get-many` RPC. The cache lives and dies with the request, so no profile is
 * served to another caller or outlives a change; users decides which ids the caller may see (the others are null).
 */
@Injectable()
export class UserLoaders {
  private readonly byRequest = new WeakMap<GraphqlRequestContext, DataLoader<string, UserProfile | null>>();

  constructor(private readonly rpc: ServiceClient) {}

  of(context: GraphqlRequestContext): DataLoader<string, UserProfile | null> {
    let loader = this.byRequest.get(context);
    if (!loader) {
      loader = new DataLoader((userIds) => this.load(context, userIds), { maxBatchSize: MAX_PROFILES_PER_BATCH });
      this.byRequest.set(context, loader);
    }
    return loader;
  }

  // Batches run after the resolvers that queued them, outside their async context: the caller's token and the
  // request id are passed explicitly.
  private async load(context: GraphqlRequestContext, userIds: readonly string[]): Promise<(UserProfile | null)[]> {
    const caller = context.req.user;
    if (!caller) return userIds.map(() => null);
    const profiles = await this.rpc.send<UserProfile[]>(
      UsersRpc.getProfiles,
      { actor: actorOf(caller), userIds: [...userIds] },
      { accessToken: caller.accessToken, requestId: requestIdOf(context.req) },
    );
    const byId = new Map(profiles.map((profile) => [profile.id, profile]));
    return userIds.map((id) => byId.get(id) ?? null);
  }
}
