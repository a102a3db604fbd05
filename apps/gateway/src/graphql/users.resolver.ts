import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import {
  ListUsersQuery, Roles as RoleNames, UsersPreferencesRpc, UsersRpc, type Actor, type Page, type UserPreferences, type UserProfile,
} from '@plinth/contracts';
import { Authenticated, Roles } from '../access/access-policy.decorators.js';
import { CurrentActor } from '../access/current-actor.decorator.js';
import { ServiceClient } from '../http/service-client.js';
import { uuidPipe } from '../http/uuid-param.decorator.js';
import { toUserProfile } from '../users/user-profile.mapper.js';
import { connectionOf, connectionType, validatedQuery, type Connection } from './graphql-connections.js';
import { PreferencesModel, UserModel } from './graphql.models.js';
import { UpdatePreferencesInput, UpdateProfileInput } from './graphql.inputs.js';

const UserConnection = connectionType(UserModel, 'User');

/** Profiles and preferences: the same RPCs as UsersController and UserPreferencesController. */
@Resolver(() => UserModel)
export class UsersResolver {
  constructor(private readonly rpc: ServiceClient) {}

  @Query(() => UserModel, { description: 'The caller\'s profile' })
  @Authenticated()
  async me(@CurrentActor() actor: Actor): Promise<UserModel> {
    return toUserProfile(await this.rpc.send<UserProfile>(UsersRpc.getProfile, { actor, userId: actor.userId }));
  }

  @Query(() => UserConnection, { nullable: true, description: 'Users, newest first (admin; null with COMMON.FORBIDDEN for others)' })
  @Roles(RoleNames.ADMIN)
  async users(
    @CurrentActor() actor: Actor,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
    @Args('email', { nullable: true, description: 'Case-insensitive email prefix' }) email?: string,
  ): Promise<Connection<UserModel>> {
    const { limit, cursor, email: prefix } = validatedQuery(ListUsersQuery, { limit: first, cursor: after, email });
    const page = await this.rpc.send<Page<UserProfile>>(UsersRpc.list, { actor, limit, cursor, email: prefix });
    return connectionOf(page, toUserProfile);
  }

  @Query(() => UserModel, { nullable: true, description: 'One user (admin; null with COMMON.FORBIDDEN for others)' })
  @Roles(RoleNames.ADMIN)
  async user(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }, uuidPipe('id')) userId: string): Promise<UserModel> {
    return toUserProfile(await this.rpc.send<UserProfile>(UsersRpc.getProfile, { actor, userId }));
  }

  @Mutation(() => UserModel, { description: 'Change the caller\'s display name' })
  @Authenticated()
  async updateProfile(@CurrentActor() actor: Actor, @Args('input') input: UpdateProfileInput): Promise<UserModel> {
    const profile = await this.rpc.send<UserProfile>(UsersRpc.updateProfile, { actor, userId: actor.userId, displayName: input.displayName });
    return toUserProfile(profile);
  }

  @Mutation(() => PreferencesModel, { description: 'Change the caller\'s preferences' })
  @Authenticated()
  async updatePreferences(@CurrentActor() actor: Actor, @Args('input') input: UpdatePreferencesInput): Promise<PreferencesModel> {
    const preferences = await this.rpc.send<UserPreferences>(UsersPreferencesRpc.update, {
      actor, userId: actor.userId, emailNotifications: input.emailNotifications,
    });
    return { emailNotifications: preferences.emailNotifications };
  }
}
