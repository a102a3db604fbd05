export const UsersRpc = {
  getProfile: 'users.profile.get',
  ensureProfile: 'users.profile.ensure',
  updateProfile: 'users.profile.update',
  list: 'users.list',
} as const;
