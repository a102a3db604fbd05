import { Type } from 'class-transformer';
import { IsDefined, IsInt, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { Actor } from '../common/actor.js';
import type { NotificationView } from './notifications.responses.js';

/**
 * The live stream's cursor is a per-user sequence (1, 2, 3 … in commit order), not a timestamp: a
 * notification committed later than one a client already saw always gets a larger number, so
 * "everything after N" can neither skip nor repeat one.
 */
export const NotificationsStreamRpc = {
  replay: 'notifications.stream.replay',
} as const;

export const MAX_REPLAY_LIMIT = 500;

export class ReplayNotificationsRequest {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
  /** Absent: only the user's current latest sequence is returned (a stream that starts "from now"). */
  @IsOptional() @IsInt() @Min(0) afterSequence?: number;
  @IsInt() @Min(1) @Max(MAX_REPLAY_LIMIT) limit: number;
}

export interface SequencedNotification {
  sequence: number;
  notification: NotificationView;
}

export interface NotificationReplay {
  /** Ascending by sequence, at most `limit`. */
  items: SequencedNotification[];
  /** The user's latest sequence, read after the items (0 = none yet); a client's Last-Event-ID above it is stale. */
  latestSequence: number;
}
