/** Emails compare case-insensitively: stored and looked up in this one form only. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
