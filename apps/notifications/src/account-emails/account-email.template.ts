import type { AccountEmailKind } from '@plinth/contracts';
import { escapeHtml, type RenderedEmail } from '../email/notification-email.template.js';

interface AccountEmailContent {
  kind: AccountEmailKind;
  /** The raw one-time token (opened from the event); absent for "your password was changed". */
  token: string | null;
  expiresAt: string | null;
  linkBaseUrl: string;
}

const TEXTS: Record<AccountEmailKind, { subject: string; intro: string; path?: string }> = {
  'email-verification': { subject: 'Confirm your email address', intro: 'Confirm that this address belongs to your Plinth account.', path: '/verify-email' },
  'password-reset': {
    subject: 'Reset your Plinth password',
    intro: 'Someone asked to reset the password of your Plinth account. If it was not you, ignore this email: nothing changes.',
    path: '/reset-password',
  },
  'password-changed': {
    subject: 'Your Plinth password was changed',
    intro: 'The password of your Plinth account was just changed, and your other sessions were signed out. If this was not you, reset your password now.',
  },
};

/**
 * Account emails (verification, reset, password changed): transactional, so they are sent whatever the notification
 * preference says. The token goes in the URL fragment, which browsers never send to a server, so it stays out of
 * access logs; the page posts it to the API.
 */
export function renderAccountEmail(content: AccountEmailContent): RenderedEmail {
  const texts = TEXTS[content.kind];
  const link = content.token && texts.path ? `${content.linkBaseUrl}${texts.path}#token=${encodeURIComponent(content.token)}` : undefined;
  const expiry = content.expiresAt ? `The link works once, until ${content.expiresAt}.` : undefined;
  const lines = [texts.intro, ...(link ? ['', link, '', `Token: ${content.token}`, expiry ?? ''] : [])];
  return {
    subject: texts.subject,
    text: [...lines, ''].join('\n'),
    html: [
      '<!doctype html>',
      '<html><body style="font-family: sans-serif">',
      `<p>${escapeHtml(texts.intro)}</p>`,
      ...(link ? [`<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`, `<p>Token: <code>${escapeHtml(content.token ?? '')}</code></p>`, `<p>${escapeHtml(expiry ?? '')}</p>`] : []),
      '</body></html>',
    ].join('\n'),
  };
}
