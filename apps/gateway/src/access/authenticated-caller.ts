import type { Actor } from '@plinth/contracts';

/** What a verified access token says about the caller; becomes `request.user`. */
export interface AuthenticatedCaller extends Actor {
  sessionId: string;
  /** The verified token itself: forwarded with every RPC made for this caller, so services can verify it too. */
  accessToken: string;
}

/** The actor sent with RPC requests: exactly `{ userId, roles }`, as services validate it strictly. */
export const actorOf = (caller: AuthenticatedCaller): Actor => ({ userId: caller.userId, roles: [...caller.roles] });
