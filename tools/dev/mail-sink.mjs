// A local mail sink for `npm start`: an SMTP server (smtp-server, a devDependency) that accepts every message, prints
// its recipient, subject and links to the console, and lists the last 100 on a small HTTP page, so a person can click
// through verification and password reset without a real mail relay. Development only: nothing leaves this machine.
import { createServer } from 'node:http';
import { once } from 'node:events';
import { SMTPServer } from 'smtp-server';

const KEPT = 100;

const escapeHtml = (value) => value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]);

const unfold = (headers) => headers.replace(/\r\n[ \t]+/g, ' ');

const decodeQuotedPrintable = (value) =>
  Buffer.from(value.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_match, hex) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');

/** The text/plain part of a MIME message (what nodemailer sends), decoded; the raw body when there is none. */
function plainTextOf(raw) {
  const split = raw.indexOf('\r\n\r\n');
  const head = unfold(raw.slice(0, split));
  const body = raw.slice(split + 4);
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(head)?.[1];
  const parts = boundary ? body.split(`--${boundary}`).slice(1, -1) : [`${head}\r\n\r\n${body}`];
  const part = parts.find((candidate) => /^Content-Type: text\/plain/mi.test(candidate)) ?? parts[0] ?? '';
  const partSplit = part.replace(/^\r\n/, '').indexOf('\r\n\r\n');
  const partHead = part.replace(/^\r\n/, '').slice(0, partSplit);
  const partBody = part.replace(/^\r\n/, '').slice(partSplit + 4);
  const encoding = /^Content-Transfer-Encoding: (.*)$/mi.exec(partHead)?.[1]?.trim().toLowerCase();
  if (encoding === 'base64') return Buffer.from(partBody, 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(partBody);
  return partBody;
}

/** Starts the sink; resolves with its SMTP URL, its page's URL and a stop function. */
export async function startMailSink({ smtpPort, httpPort, say }) {
  const mails = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks = [];
      stream.on('data', (chunk) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const subject = /^Subject: (.*)$/mi.exec(unfold(raw.slice(0, raw.indexOf('\r\n\r\n'))))?.[1]?.trim() ?? '';
        const to = session.envelope.rcptTo.map((recipient) => recipient.address).join(', ');
        const text = plainTextOf(raw);
        mails.unshift({ at: new Date().toISOString(), to, subject, text });
        mails.length = Math.min(mails.length, KEPT);
        const links = text.match(/https?:\/\/\S+/g) ?? [];
        say(`mail to ${to}: ${subject}${links.length ? ` — ${links.join(' ')}` : ''}`);
        callback();
      });
    },
  });
  smtp.listen(smtpPort, '127.0.0.1');
  await once(smtp.server, 'listening');

  const page = createServer((request, response) => {
    if (request.url === '/messages') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(mails));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end([
      '<!doctype html><html><head><title>Plinth mail sink</title></head><body style="font-family: sans-serif">',
      `<h1>Plinth mail sink</h1><p>${mails.length} message(s), newest first (the last ${KEPT} are kept; JSON at <a href="/messages">/messages</a>).</p>`,
      ...mails.map((mail) => `<hr><p><b>${escapeHtml(mail.subject)}</b><br>to ${escapeHtml(mail.to)} at ${mail.at}</p><pre>${escapeHtml(mail.text)}</pre>`),
      '</body></html>',
    ].join('\n'));
  });
  page.listen(httpPort, '127.0.0.1');
  await once(page, 'listening');

  return {
    smtpUrl: `smtp://127.0.0.1:${smtp.server.address().port}`,
    pageUrl: `http://127.0.0.1:${page.address().port}`,
    stop: () => Promise.all([new Promise((resolve) => smtp.close(resolve)), new Promise((resolve) => page.close(resolve))]),
  };
}
