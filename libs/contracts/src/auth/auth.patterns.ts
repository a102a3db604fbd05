export const AuthRpc = {
  register: 'auth.register',
  login: 'auth.login',
  refresh: 'auth.refresh',
  logout: 'auth.logout',
  jwks: 'auth.jwks',
  revokeUserSessions: 'auth.sessions.revoke-user',
  setRoles: 'auth.roles.set',
  /** Revocations still in force (sessions revoked, roles changed within the window): how a replica catches up. */
  recentRevocations: 'auth.revocations.recent',
  /** The caller's own open sessions. */
  listSessions: 'auth.sessions.list',
  /** The caller ends one of their own sessions. */
  endSession: 'auth.sessions.end',
  /** Admin: a user's security-event trail, newest first. */
  listSecurityEvents: 'auth.security-events.list',
  changePassword: 'auth.password.change',
  /** Public: answers the same whether or not the account exists; the work happens after the reply. */
  forgotPassword: 'auth.password.forgot',
  resetPassword: 'auth.password.reset',
  sendEmailVerification: 'auth.email.send-verification',
  verifyEmail: 'auth.email.verify',
  /** Admin: a disabled account cannot log in or refresh; its sessions end at once. */
  disableUser: 'auth.users.disable',
  startTotp: 'auth.mfa.totp.start',
  confirmTotp: 'auth.mfa.totp.confirm',
  disableTotp: 'auth.mfa.totp.disable',
  /** Public: the second step of a login with TOTP on (mfaToken from AUTH.MFA_REQUIRED + a code). */
  loginMfa: 'auth.login.mfa',
  enableUser: 'auth.users.enable',
} as const;

export const AuthEvents = {
  userRegistered: 'auth.user.registered',
  sessionRevoked: 'auth.session.revoked',
  rolesChanged: 'auth.roles.changed',
  /** An email auth needs sent to an account's address (verification, reset, "your password was changed"). */
  accountEmailRequested: 'auth.account-email.requested',
  emailVerified: 'auth.email.verified',
} as const;
