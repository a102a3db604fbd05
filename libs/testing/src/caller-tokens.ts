// Services verify the caller of every RPC made for a user (an `x-access-token` header whose subject
// and roles equal the request's `actor`). Service specs play the gateway's part with these helpers.
import { ACCESS_TOKEN_HEADER, AuthRpc, type Actor } from '@plinth/contracts';
import { connect, type ChannelModel } from 'amqplib';
import { jwksOf, signAccessToken, type TestSigningKey } from './test-signing-key.js';

/** The part of @plinth/messaging's RpcClient that specs use. */
export interface RpcSender {
  send<TResult>(pattern: string, payload: object, options?: { timeoutMs?: number; headers?: Record<string, string> }): Promise<TResult>;
}

/** An RpcSender that sends like the gateway, and hands out the headers it would add for an actor. */
export interface ActingRpc extends RpcSender {
  headersFor(actor: Actor): Promise<Record<string, string>>;
}

/**
 * Wraps an RPC client like the gateway's: a request with an `actor` is sent with a valid access token
 * of exactly that actor (signed by `key`, which the service must trust), others are sent unchanged.
 */
export function actingForActors(rpc: RpcSender, key: TestSigningKey): ActingRpc {
  const tokens = new Map<string, Promise<string>>();
  const tokenFor = (actor: Actor): Promise<string> => {
    const id = `${actor.userId}/${actor.roles.join(',')}`;
    let token = tokens.get(id);
    if (!token) {
      token = signAccessToken(key, { sub: actor.userId, roles: actor.roles });
      tokens.set(id, token);
    }
    return token;
  };
  return {
    headersFor: async (actor) => ({ [ACCESS_TOKEN_HEADER]: await tokenFor(actor) }),
    async send<TResult>(pattern: string, payload: object, options?: { timeoutMs?: number; headers?: Record<string, string> }) {
      const { actor } = payload as { actor?: Actor };
      // Malformed actors are sent as they are: the spec is then about the service's validation.
      if (!actor || typeof actor.userId !== 'string' || !Array.isArray(actor.roles)) return rpc.send<TResult>(pattern, payload, options);
      const headers = { ...options?.headers, [ACCESS_TOKEN_HEADER]: await tokenFor(actor) };
      return rpc.send<TResult>(pattern, payload, { ...options, headers });
    },
  };
}

/**
 * Plays auth for a service under test without auth: consumes `auth.rpc` on the test's vhost, publishes `key` as
 * `auth.jwks` (so the service verifies tokens signed with it) and answers `auth.revocations.recent` with nothing
 * revoked (so the service becomes ready); other patterns go unanswered (auth down). Returns the closer.
 */
export async function serveAuthStandIn(rabbitmqUrl: string, key: TestSigningKey): Promise<() => Promise<void>> {
  const connection: ChannelModel = await connect(rabbitmqUrl);
  const channel = await connection.createChannel();
  const answers: Record<string, object> = {
    [AuthRpc.jwks]: jwksOf(key),
    [AuthRpc.recentRevocations]: { revokedSessions: [], rolesChanged: [] },
  };
  // Anything else goes unanswered, as with auth down: the caller times out.
  const reply = (pattern: unknown): object | undefined => {
    const data = answers[String(pattern)];
    return data && { ok: true, data };
  };
  await channel.assertQueue('auth.rpc', { durable: true });
  await channel.consume('auth.rpc', (message) => {
    if (!message) return;
    const { replyTo, correlationId, type } = message.properties;
    const answer = reply(type);
    if (replyTo && answer) channel.sendToQueue(String(replyTo), Buffer.from(JSON.stringify(answer)), { correlationId: String(correlationId) });
    channel.ack(message);
  });
  return async () => {
    await connection.close().catch(() => undefined);
  };
}

export interface GatewayStandIn {
  /** Sends like the gateway: with a valid access token of each request's actor. */
  rpc: ActingRpc;
  /** The key standing in for auth's; tokens it signs are genuine to the service under test. */
  key: TestSigningKey;
  close(): Promise<void>;
}

/**
 * For a service spec without auth running: an RPC client that signs every actor's token with the key of the
 * system's auth stand-in (startSystem starts one whenever auth is not among its services).
 */
export function standInForGateway(system: { authStandInKey?: TestSigningKey }, rpc: RpcSender): GatewayStandIn {
  const key = system.authStandInKey;
  if (!key) throw new Error('standInForGateway needs a system started without auth (it then has an auth stand-in)');
  return { rpc: actingForActors(rpc, key), key, close: async () => undefined };
}
