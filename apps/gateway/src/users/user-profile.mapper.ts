import type { UserProfile } from '@plinth/contracts';

export const toUserProfile = ({ id, email, displayName, createdAt, updatedAt }: UserProfile): UserProfile => ({
  id,
  email,
  displayName,
  createdAt,
  updatedAt,
});
