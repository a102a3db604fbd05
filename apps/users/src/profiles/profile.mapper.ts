import type { UserProfile } from '@plinth/contracts';
import type { Profile } from './profile.entity.js';

/** Entity → wire: an allow-list, so a column added later never leaks by accident. */
export const toUserProfile = (profile: Profile): UserProfile => ({
  id: profile.id,
  email: profile.email,
  displayName: profile.displayName,
  emailVerified: profile.emailVerified,
  createdAt: profile.createdAt.toISOString(),
  updatedAt: profile.updatedAt.toISOString(),
});
