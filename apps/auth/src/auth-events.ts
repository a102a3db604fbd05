import {
  AccountEmailRequestedEvent,
  AuthEvents,
  EmailVerifiedEvent,
  RolesChangedEvent,
  SessionRevokedEvent,
  UserRegisteredEvent,
  type AccountEmailRequestedData,
  type EmailVerifiedData,
  type EventEnvelope,
  type RolesChangedData,
  type SessionRevokedData,
  type UserRegisteredData,
} from '@plinth/contracts';
import { createEvent } from '@plinth/messaging';

/** The events auth emits, each built with its contract version; they always go out through the outbox. */
const SOURCE = 'auth';

export const userRegistered = (data: UserRegisteredData): EventEnvelope<UserRegisteredData> =>
  createEvent(AuthEvents.userRegistered, UserRegisteredEvent.VERSION, data, { source: SOURCE });

export const sessionRevoked = (data: SessionRevokedData): EventEnvelope<SessionRevokedData> =>
  createEvent(AuthEvents.sessionRevoked, SessionRevokedEvent.VERSION, data, { source: SOURCE });

export const rolesChanged = (data: RolesChangedData): EventEnvelope<RolesChangedData> =>
  createEvent(AuthEvents.rolesChanged, RolesChangedEvent.VERSION, data, { source: SOURCE });

export const accountEmailRequested = (data: AccountEmailRequestedData): EventEnvelope<AccountEmailRequestedData> =>
  createEvent(AuthEvents.accountEmailRequested, AccountEmailRequestedEvent.VERSION, data, { source: SOURCE });

export const emailVerified = (data: EmailVerifiedData): EventEnvelope<EmailVerifiedData> =>
  createEvent(AuthEvents.emailVerified, EmailVerifiedEvent.VERSION, data, { source: SOURCE });
