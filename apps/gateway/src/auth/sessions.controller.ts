import { Controller, Delete, Get, HttpCode, HttpStatus } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthRpc, SessionList, type Actor, type ClientContext } from '@plinth/contracts';
import { Authenticated } from '../access/access-policy.decorators.js';
import { CurrentActor, CurrentSessionId } from '../access/current-actor.decorator.js';
import { ApiProblems } from '../http/api-problem-responses.decorator.js';
import { CurrentClient } from '../http/client-context.decorator.js';
import { ServiceClient } from '../http/service-client.js';
import { UuidParam } from '../http/uuid-param.decorator.js';

/** The caller's own sessions (one per login): owned by auth. */
@ApiTags('auth')
@Authenticated()
@Controller('v1/auth/sessions')
export class SessionsController {
  constructor(private readonly rpc: ServiceClient) {}

  @Get()
  @ApiOperation({ summary: 'The caller\'s open sessions, most recently used first; `current` marks this request\'s' })
  @ApiOkResponse({ type: SessionList })
  async list(@CurrentActor() actor: Actor, @CurrentSessionId() currentSessionId: string): Promise<SessionList> {
    const sessions = await this.rpc.send<SessionList>(AuthRpc.listSessions, { actor, currentSessionId });
    return {
      items: sessions.items.map((session) => ({
        id: session.id,
        createdAt: session.createdAt,
        lastUsedAt: session.lastUsedAt,
        userAgent: session.userAgent,
        address: session.address,
        current: session.current,
      })),
    };
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'End one of the caller\'s sessions; its access tokens stop working at once (another user\'s session: 404)' })
  @ApiNoContentResponse({ description: 'Session ended' })
  @ApiProblems(404)
  async end(@CurrentActor() actor: Actor, @UuidParam('id') sessionId: string, @CurrentClient() client: ClientContext): Promise<void> {
    await this.rpc.send(AuthRpc.endSession, { actor, sessionId, client });
  }
}
