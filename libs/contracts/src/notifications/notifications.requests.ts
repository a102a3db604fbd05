import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsOptional, IsUUID, ValidateNested, IsDefined } from 'class-validator';
import { Actor } from '../common/actor.js';
import { PageQuery } from '../common/pagination.js';

/** HTTP query of `GET /v1/notifications`. */
export class ListNotificationsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only unread notifications when true' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  unread?: boolean;
}

export class ListNotificationsRequest extends ListNotificationsQuery {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
}

export class MarkNotificationReadRequest {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
  @IsUUID() notificationId: string;
}
