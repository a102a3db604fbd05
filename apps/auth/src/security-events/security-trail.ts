import type { EntityManager } from '@mikro-orm/postgresql';
import { EntityManager as RootEntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DEFAULT_PAGE_LIMIT, type Actor, type ClientContext, type ListSecurityEventsRequest, type Page, type SecurityEventType, type SecurityEventView } from '@plinth/contracts';
import { decodeCursor, toKeysetPage } from '@plinth/persistence';
import { assertAdmin } from '../admin-actor.js';
import { SecurityEvent } from './security-event.entity.js';

/** What happened to whose account, by whom, from where. */
export interface SecurityFact {
  userId: string;
  type: SecurityEventType;
  actorId: string | null;
  client: ClientContext;
}

const toView = (event: SecurityEvent): SecurityEventView => ({
  id: event.id,
  type: event.type,
  occurredAt: event.createdAt.toISOString(),
  actorId: event.actorId,
  address: event.address,
  userAgent: event.userAgent,
});

/** Auth's security-event trail: recorded in the transaction of the change it describes, read by administrators. */
@Injectable()
export class SecurityTrail {
  constructor(private readonly em: RootEntityManager) {}

  /** Joins `tx`, so the entry commits with the change it records, or not at all. */
  record(tx: EntityManager, fact: SecurityFact, now = new Date()): void {
    tx.persist(new SecurityEvent({
      userId: fact.userId,
      type: fact.type,
      actorId: fact.actorId,
      address: fact.client.address ?? null,
      userAgent: fact.client.userAgent ?? null,
      createdAt: now,
    }));
  }

  /** For facts that change nothing else (a failed login): its own short transaction. */
  async recordAlone(fact: SecurityFact): Promise<void> {
    await this.em.fork().transactional((tx) => this.record(tx, fact));
  }

  /** Admin: newest first, keyset pages on (createdAt, id). */
  async list(actor: Actor, request: ListSecurityEventsRequest): Promise<Page<SecurityEventView>> {
    assertAdmin(actor);
    const limit = request.limit ?? DEFAULT_PAGE_LIMIT;
    const qb = this.em
      .fork()
      .createQueryBuilder(SecurityEvent, 'e')
      .select('*')
      .where({ userId: request.userId })
      .orderBy({ createdAt: 'desc', id: 'desc' })
      .limit(limit + 1);
    if (request.cursor !== undefined) {
      const after = decodeCursor(request.cursor);
      qb.andWhere('(e.created_at, e.id) < (?, ?)', [after.createdAt, after.id]);
    }
    return toKeysetPage(await qb.getResult(), limit, toView);
  }
}
