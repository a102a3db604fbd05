import { describe, expect, it } from 'vitest';
import { escapeHtml, renderNotificationEmail } from './notification-email.template.js';

const recipient = { userId: 'u', email: 'ada@example.test', displayName: 'Ada "<script>" & Co', emailNotifications: true };

describe('renderNotificationEmail', () => {
  it('escapes every user-influenced value in the HTML body', () => {
    const { html } = renderNotificationEmail(recipient, { title: 'Order <b>received</b>', body: "It's <img src=x onerror=alert(1)>" });
    expect(html).toContain('<p>Hello Ada &quot;&lt;script&gt;&quot; &amp; Co,</p>');
    expect(html).toContain('<h1 style="font-size: 1.2em">Order &lt;b&gt;received&lt;/b&gt;</h1>');
    expect(html).toContain('<p>It&#39;s &lt;img src=x onerror=alert(1)&gt;</p>');
    expect(html).not.toMatch(/<script>|<img|<b>/);
  });

  it('keeps the text body verbatim and the subject on one line', () => {
    const email = renderNotificationEmail(recipient, { title: 'Order\r\nBcc: evil@example.test', body: 'Body <b>' });
    expect(email.subject).toBe('Order Bcc: evil@example.test');
    expect(email.text.startsWith('Hello Ada "<script>" & Co,\n\nOrder\r\nBcc: evil@example.test\n\nBody <b>\n\n-- \n')).toBe(true);
  });

  it('escapeHtml leaves plain text alone', () => {
    expect(escapeHtml('Plain text 123')).toBe('Plain text 123');
  });
});
