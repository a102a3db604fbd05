import { Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListNotificationsQuery, NotificationsRpc, NotificationView, type Actor, type Page } from '@plinth/contracts';
import { ServiceClient } from '../http/service-client.js';
import { Authenticated } from '../access/access-policy.decorators.js';
import { CurrentActor } from '../access/current-actor.decorator.js';
import { ApiProblems } from '../http/api-problem-responses.decorator.js';
import { NotificationPageModel } from '../http/openapi.models.js';
import { pageOf } from '../http/page.js';
import { UuidParam } from '../http/uuid-param.decorator.js';
import { toNotificationView } from './notification-view.mapper.js';

@ApiTags('notifications')
@Authenticated()
@Controller('v1/notifications')
export class NotificationsController {
  constructor(private readonly rpc: ServiceClient) {}

  @Get()
  @ApiOperation({ summary: 'The caller\'s notifications, newest first' })
  @ApiOkResponse({ type: NotificationPageModel })
  async list(@CurrentActor() actor: Actor, @Query() query: ListNotificationsQuery): Promise<Page<NotificationView>> {
    const page = await this.rpc.send<Page<NotificationView>>(NotificationsRpc.list, {
      actor,
      limit: query.limit,
      cursor: query.cursor,
      unread: query.unread,
    });
    return pageOf(page, toNotificationView);
  }

  @Post(':id/read')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Mark one of the caller\'s notifications as read (idempotent)' })
  @ApiOkResponse({ type: NotificationView })
  @ApiProblems(404)
  async markRead(@CurrentActor() actor: Actor, @UuidParam('id') notificationId: string): Promise<NotificationView> {
    return toNotificationView(await this.rpc.send<NotificationView>(NotificationsRpc.markRead, { actor, notificationId }));
  }
}
