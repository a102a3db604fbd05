// A minimal Server-Sent Events client over fetch, enough to observe exactly what a stream delivers.

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

export interface SseOpenOptions {
  token?: string;
  lastEventId?: string;
}

export class SseStream {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  /** Resolves when the server ended the stream (or the client closed it). */
  readonly ended: Promise<void>;
  private isEnded = false;
  private errorText = '';

  private constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    this.ended = this.read().finally(() => {
      this.isEnded = true;
    });
  }

  static async open(url: string, options: SseOpenOptions = {}): Promise<SseStream> {
    const abort = new AbortController();
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
    const response = await fetch(url, { headers, signal: abort.signal });
    return new SseStream(response, abort);
  }

  get status(): number {
    return this.response.status;
  }

  get closed(): boolean {
    return this.isEnded;
  }

  /** The `data` of every `notification` event, parsed. */
  get notifications(): { id: string | undefined; data: Record<string, unknown> }[] {
    return this.events.filter((e) => e.event === 'notification').map((e) => ({ id: e.id, data: JSON.parse(e.data) as Record<string, unknown> }));
  }

  /** The problem+json body of a refused stream (any non-event-stream response). */
  async problem(): Promise<Record<string, unknown>> {
    await this.ended;
    return JSON.parse(this.errorText) as Record<string, unknown>;
  }

  close(): void {
    this.abort.abort();
  }

  private async read(): Promise<void> {
    if (!this.response.body) return;
    if (!this.response.headers.get('content-type')?.startsWith('text/event-stream')) {
      this.errorText = await this.response.text();
      return;
    }
    const reader = this.response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let boundary = buffer.indexOf('\n\n');
        while (boundary >= 0) {
          this.parse(buffer.slice(0, boundary));
          buffer = buffer.slice(boundary + 2);
          boundary = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted by close(), or the connection dropped: both simply end the stream
    }
  }

  private parse(block: string): void {
    const event: SseEvent = { event: 'message', data: '' };
    const data: string[] = [];
    let hasField = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') event.id = value;
      else if (field === 'event') event.event = value;
      else if (field === 'data') data.push(value);
      else continue;
      hasField = true;
    }
    if (!hasField || (data.length === 0 && event.event === 'message')) return;
    event.data = data.join('\n');
    this.events.push(event);
  }
}
