import type { AuthenticatedUser } from '@plinth/contracts';
import type { Credential } from './credential.entity.js';

/** Allow-list: the hash and timestamps never leave the service. */
export const toAuthenticatedUser = (credential: Credential): AuthenticatedUser => ({
  id: credential.id,
  email: credential.email,
  displayName: credential.displayName,
  roles: [...credential.roles],
});
