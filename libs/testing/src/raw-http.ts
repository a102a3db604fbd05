import { connect } from 'node:net';

export interface RawHttpResponse {
  statusLine: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: string;
}

/**
 * Writes `raw` bytes to 127.0.0.1:`port` exactly as given — for requests no HTTP client would send (malformed
 * request lines, oversized headers) — and reads one response until the server closes the connection.
 */
export const rawHttpExchange = (port: number, raw: string | Buffer, timeoutMs = 10_000): Promise<RawHttpResponse> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.write(raw));
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const separator = text.indexOf('\r\n\r\n');
      const [statusLine = '', ...headerLines] = (separator < 0 ? text : text.slice(0, separator)).split('\r\n');
      const headers = Object.fromEntries(
        headerLines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({ statusLine, headers, body: separator < 0 ? '' : text.slice(separator + 4) });
    });
  });
