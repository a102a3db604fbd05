import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { RecentRevocations } from '@plinth/contracts';

const REVOKED_SESSIONS = `select "id" as "sessionId", "revoked_at" as "revokedAt" from "sessions"
  where "revoked_at" > now() - make_interval(secs => ?)`;
const ROLES_CHANGED = `select "id" as "userId", "roles_changed_at" as "changedAt" from "credentials"
  where "roles_changed_at" > now() - make_interval(secs => ?)`;

/**
 * The revocations that may still match an unexpired access token: sessions revoked and roles changed within the
 * window. What every replica of every service reads when it (re)connects, having missed the live events meanwhile.
 */
@Injectable()
export class RecentRevocationsQuery {
  constructor(private readonly em: EntityManager) {}

  async within(seconds: number): Promise<RecentRevocations> {
    const connection = this.em.fork().getConnection();
    const [sessions, roles] = await Promise.all([
      connection.execute<{ sessionId: string; revokedAt: Date }[]>(REVOKED_SESSIONS, [seconds]),
      connection.execute<{ userId: string; changedAt: Date }[]>(ROLES_CHANGED, [seconds]),
    ]);
    return {
      revokedSessions: sessions.map(({ sessionId, revokedAt }) => ({ sessionId, revokedAt: new Date(revokedAt).toISOString() })),
      rolesChanged: roles.map(({ userId, changedAt }) => ({ userId, changedAt: new Date(changedAt).toISOString() })),
    };
  }
}
