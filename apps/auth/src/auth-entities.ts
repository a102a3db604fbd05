import type { EntityClass } from '@mikro-orm/core';
import { AccountToken } from './account/account-token.entity.js';
import { RecoveryCode } from './mfa/recovery-code.entity.js';
import { TotpFactor } from './mfa/totp-factor.entity.js';
import { Credential } from './credentials/credential.entity.js';
import { SecurityEvent } from './security-events/security-event.entity.js';
import { RefreshToken } from './sessions/refresh-token.entity.js';
import { Session } from './sessions/session.entity.js';
import { SigningKey } from './signing-keys/signing-key.entity.js';

/** Auth's own tables; the bootstrap adds the outbox/inbox entities. */
export const authEntities: EntityClass<object>[] = [Credential, Session, RefreshToken, SigningKey, SecurityEvent, AccountToken, TotpFactor, RecoveryCode];
