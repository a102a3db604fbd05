import type { UserProfile } from '@plinth/contracts';

export const toUserProfile = ({ id, email, displayName, emailVerified, createdAt, updatedAt }: UserProfile): UserProfile => ({
  id,
  email,
  displayName,
  emailVerified,
  createdAt,
  updatedAt,
});
