export const UsersRpc = {
  getProfile: 'users.profile.get',
  ensureProfile: 'users.profile.ensure',
  updateProfile: 'users.profile.update',
  list: 'users.list',
  /** GetProfilesRequest → UserProfile[]: the ones the actor may see (itself; admins any). */
  getProfiles: 'users.profiles.get-many',
} as const;
