import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Authenticated } from '../access/access-policy.decorators.js';
import type { AuthenticatedCaller } from '../access/authenticated-caller.js';
import { LAST_EVENT_ID_HEADER, LastEventId } from './last-event-id.decorator.js';
import { NotificationStreams } from './notification-streams.js';

const STREAM_DESCRIPTION = [
  'Server-Sent Events. Each new notification of the caller is one event:',
  '`id: <sequence>` (1, 2, 3 … per user, in the order notifications were stored), `event: notification`,',
  '`data: <NotificationView JSON>`. Comment lines (`: heartbeat`) keep idle connections open.',
  'Reconnect with `Last-Event-ID: <last id received>` to receive exactly what was missed, in order.',
  'The stream ends with `event: session-revoked` when the session is logged out or revoked.',
].join(' ');

@ApiTags('notifications')
@Authenticated()
@Controller('v1/notifications/stream')
export class NotificationStreamController {
  constructor(private readonly streams: NotificationStreams) {}

  @Get()
  @ApiOperation({ summary: 'Live stream of the caller\'s new notifications (SSE)', description: STREAM_DESCRIPTION })
  @ApiProduces('text/event-stream')
  @ApiHeader(LAST_EVENT_ID_HEADER)
  @ApiOkResponse({ description: 'An event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  async stream(
    @Req() request: Request & { user: AuthenticatedCaller },
    @Res() response: Response,
    @LastEventId() afterSequence: number | undefined,
  ): Promise<void> {
    await this.streams.open(request.user, response, afterSequence);
  }
}
