import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedEmail {
  from: string;
  to: string[];
  subject: string;
  messageId: string;
  text: string;
  html: string;
}

/**
 * A real SMTP server on loopback (smtp-server) playing the mail relay: it records every accepted
 * message decoded into its text and HTML parts, and refuses recipients the test names.
 */
export class SmtpPeer {
  readonly received: ReceivedEmail[] = [];
  /** Refused (451, temporary) on their first RCPT only. */
  readonly refuseOnce = new Set<string>();
  /** Refused (550) every time. */
  readonly refuseAlways = new Set<string>();
  readonly rcptAttempts = new Map<string, number>();

  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo: (address, _session, callback) => this.onRcptTo(address.address, callback),
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        this.record(from, session.envelope.rcptTo.map((recipient) => recipient.address), Buffer.concat(chunks).toString('utf8'));
        callback();
      });
    },
  });
  private port = 0;

  static async start(): Promise<SmtpPeer> {
    const peer = new SmtpPeer();
    peer.server.listen(0, '127.0.0.1');
    await once(peer.server.server, 'listening');
    peer.port = (peer.server.server.address() as AddressInfo).port;
    return peer;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  to(address: string): ReceivedEmail[] {
    return this.received.filter((email) => email.to.includes(address));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private onRcptTo(address: string, callback: (error?: Error | null) => void): void {
    const attempt = (this.rcptAttempts.get(address) ?? 0) + 1;
    this.rcptAttempts.set(address, attempt);
    if (this.refuseAlways.has(address)) return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
    if (this.refuseOnce.has(address) && attempt === 1) return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
    callback();
  }

  private record(from: string, to: string[], raw: string): void {
    const [head = '', body = ''] = splitOnce(raw, '\r\n\r\n');
    const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(unfold(head))?.[1]?.trim() ?? '';
    const boundary = /boundary="?([^";\r\n]+)"?/i.exec(unfold(head))?.[1];
    const parts = boundary ? body.split(`--${boundary}`).slice(1, -1) : [raw];
    const partOf = (type: string) => {
      const part = parts.find((candidate) => new RegExp(`^Content-Type: ${type}`, 'mi').test(candidate));
      if (!part) return '';
      const [partHead = '', partBody = ''] = splitOnce(part.replace(/^\r\n/, ''), '\r\n\r\n');
      const encoding = /^Content-Transfer-Encoding: (.*)$/mi.exec(partHead)?.[1]?.trim().toLowerCase();
      if (encoding === 'base64') return Buffer.from(partBody, 'base64').toString('utf8');
      if (encoding === 'quoted-printable') return decodeQuotedPrintable(partBody);
      return partBody;
    };
    this.received.push({ from, to, subject: header('Subject'), messageId: header('Message-ID'), text: partOf('text/plain').trimEnd(), html: partOf('text/html').trimEnd() });
  }
}

const splitOnce = (value: string, separator: string): [string, string] => {
  const index = value.indexOf(separator);
  return index < 0 ? [value, ''] : [value.slice(0, index), value.slice(index + separator.length)];
};

const unfold = (headers: string): string => headers.replace(/\r\n[ \t]+/g, ' ');

const decodeQuotedPrintable = (value: string): string =>
  Buffer.from(
    value
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  ).toString('utf8');
