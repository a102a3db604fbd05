import type { NotificationRecipient } from '@plinth/contracts';

export interface NotificationEmailContent {
  title: string;
  body: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every interpolated value is user-influenced (display names, order data): never trusted as markup. */
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);

// Header injection: a subject is one line whatever the title holds.
const oneLine = (value: string): string => value.replace(/[\r\n]+/g, ' ').trim();

/** The email for one notification, as plain text and as HTML with the same content. */
export function renderNotificationEmail(recipient: NotificationRecipient, notification: NotificationEmailContent): RenderedEmail {
  const greeting = `Hello ${recipient.displayName},`;
  const footer = 'You receive this because email notifications are on for your Plinth account. Turn them off in your preferences.';
  return {
    subject: oneLine(notification.title),
    text: [greeting, '', notification.title, '', notification.body, '', '-- ', footer, ''].join('\n'),
    html: [
      '<!doctype html>',
      '<html><body style="font-family: sans-serif">',
      `<p>${escapeHtml(greeting)}</p>`,
      `<h1 style="font-size: 1.2em">${escapeHtml(notification.title)}</h1>`,
      `<p>${escapeHtml(notification.body)}</p>`,
      `<hr><p style="color: #666; font-size: 0.8em">${escapeHtml(footer)}</p>`,
      '</body></html>',
    ].join('\n'),
  };
}
