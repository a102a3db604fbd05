import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsUUID, ValidateNested } from 'class-validator';
import { Actor } from '../common/actor.js';

/** Per-user settings owned by users, and what other services read of them. */
export const UsersPreferencesRpc = {
  update: 'users.preferences.update',
  /** Service-to-service (notifications' email sender): where and whether to email a user. */
  recipient: 'users.preferences.recipient',
} as const;

/** HTTP body of `PATCH /v1/users/me/preferences`. */
export class UpdatePreferencesBody {
  @ApiProperty({ description: 'Email every new notification to the account address', example: true })
  @IsDefined() @IsBoolean() emailNotifications: boolean;
}

export class UpdatePreferencesRequest extends UpdatePreferencesBody {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
  @IsUUID() userId: string;
}

export class UserPreferences {
  @ApiProperty() emailNotifications: boolean;
}

export class GetNotificationRecipientRequest {
  @IsUUID() userId: string;
}

export interface NotificationRecipient {
  userId: string;
  email: string;
  displayName: string;
  emailNotifications: boolean;
}
