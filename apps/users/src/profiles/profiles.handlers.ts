import { WithoutAccessToken } from '@plinth/access-tokens';
import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import {
  AuthEvents,
  EmailVerifiedEvent,
  EnsureProfileRequest,
  GetNotificationRecipientRequest,
  GetProfileRequest,
  GetProfilesRequest,
  ListUsersRequest,
  UpdatePreferencesRequest,
  UpdateProfileRequest,
  UserRegisteredEvent,
  UsersPreferencesRpc,
  UsersRpc,
  type NotificationRecipient,
  type Page,
  type UserPreferences,
  type UserProfile,
} from '@plinth/contracts';
import { ProfilesService } from './profiles.service.js';

@Controller()
export class ProfilesHandlers {
  constructor(private readonly profiles: ProfilesService) {}

  @EventPattern(AuthEvents.userRegistered)
  async onUserRegistered(@Payload() event: UserRegisteredEvent): Promise<void> {
    await this.profiles.createFromRegistration(event);
  }

  @EventPattern(AuthEvents.emailVerified)
  async onEmailVerified(@Payload() event: EmailVerifiedEvent): Promise<void> {
    await this.profiles.markEmailVerified(event);
  }

  // Sent by the gateway right after registration (the same data also arrives as auth.user.registered).
  @MessagePattern(UsersRpc.ensureProfile)
  @WithoutAccessToken()
  ensureProfile(@Payload() request: EnsureProfileRequest): Promise<UserProfile> {
    return this.profiles.ensure(request);
  }

  @MessagePattern(UsersRpc.getProfile)
  getProfile(@Payload() request: GetProfileRequest): Promise<UserProfile> {
    return this.profiles.get(request.actor, request.userId);
  }

  @MessagePattern(UsersRpc.getProfiles)
  getProfiles(@Payload() request: GetProfilesRequest): Promise<UserProfile[]> {
    return this.profiles.getMany(request.actor, request.userIds);
  }

  @MessagePattern(UsersRpc.updateProfile)
  updateProfile(@Payload() request: UpdateProfileRequest): Promise<UserProfile> {
    return this.profiles.updateDisplayName(request.actor, request.userId, request.displayName);
  }

  @MessagePattern(UsersRpc.list)
  list(@Payload() request: ListUsersRequest): Promise<Page<UserProfile>> {
    return this.profiles.list(request);
  }

  @MessagePattern(UsersPreferencesRpc.update)
  updatePreferences(@Payload() request: UpdatePreferencesRequest): Promise<UserPreferences> {
    return this.profiles.updatePreferences(request.actor, request.userId, request.emailNotifications);
  }

  // Service-to-service: notifications' email sender asks on its own behalf, for no end user.
  @MessagePattern(UsersPreferencesRpc.recipient)
  @WithoutAccessToken()
  recipient(@Payload() request: GetNotificationRecipientRequest): Promise<NotificationRecipient> {
    return this.profiles.recipient(request.userId);
  }
}
