// Stands in for @plinth/messaging's RpcClient in HTTP-level specs: replies are scripted per pattern
// and every request is recorded, so a spec can assert exactly what the gateway sent.
type Reply = (payload: Record<string, unknown>) => unknown;

export interface RecordedCall {
  pattern: string;
  payload: Record<string, unknown>;
  headers?: Record<string, string>;
}

export class FakeRpcClient {
  readonly calls: RecordedCall[] = [];
  private readonly replies = new Map<string, Reply>();

  /** Scripts the reply to `pattern`: a value, or a function of the payload that may throw or reject. */
  reply(pattern: string, reply: Reply | object): this {
    this.replies.set(pattern, typeof reply === 'function' ? (reply as Reply) : () => structuredClone(reply));
    return this;
  }

  async send<TResult>(pattern: string, payload: object, options?: { headers?: Record<string, string> }): Promise<TResult> {
    const recorded = JSON.parse(JSON.stringify(payload)) as Record<string, unknown>;
    this.calls.push({ pattern, payload: recorded, headers: options?.headers });
    const reply = this.replies.get(pattern);
    if (!reply) throw new Error(`FakeRpcClient: no reply scripted for ${pattern}`);
    return (await reply(recorded)) as TResult;
  }

  /** Forgets recorded calls (scripted replies stay), so specs can share one app. */
  clearCalls(): void {
    this.calls.length = 0;
  }

  payloadsOf(pattern: string): Record<string, unknown>[] {
    return this.calls.filter((call) => call.pattern === pattern).map((call) => call.payload);
  }
}
