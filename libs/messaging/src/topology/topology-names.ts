// Queue names are part of the contract with operators (dashboards, re-drive scripts, k8s definitions).

export const rpcQueueOf = (service: string): string => `${service}.rpc`;
export const eventsQueueOf = (service: string): string => `${service}.events`;
export const deadLetterQueueOf = (service: string): string => `${service}.events.dlq`;
/** Retry queue n (1-based) holds messages for the delay before attempt n + 1. */
export const retryQueueOf = (service: string, n: number): string => `${service}.events.retry.${n}`;

/**
 * Requests go through this topic exchange, routing key = the pattern (`orders.create`), bound to `<service>.rpc` by
 * `<service>.#`: unlike the default exchange, topic permissions can limit a caller to the services it calls.
 */
export const RPC_EXCHANGE = 'plinth.rpc';
/** The binding key of `<service>.rpc` on RPC_EXCHANGE: every pattern of the service (`orders.create`, …). */
export const rpcRoutingKeyOf = (service: string): string => `${service}.#`;
/** Replies go through this topic exchange, routing key = the caller's reply queue, so a server can answer only its callers. */
export const RPC_REPLIES_EXCHANGE = 'plinth.rpc.replies';
/** A caller replica's own exclusive reply queue: `<service>.replies.<random>`, bound to RPC_REPLIES_EXCHANGE by its own name. */
export const replyQueuePrefixOf = (service: string): string => `${service}.replies.`;
/**
 * The transport moves a failed event to a retry queue or the DLQ through this topic exchange (routing key = the
 * queue's name), so a consumer's broker user may write to its own retry queues and DLQ and nowhere else.
 */
export const EVENT_MOVES_EXCHANGE = 'plinth.events.moves';

/**
 * A replica's own exclusive, auto-delete queue for broadcasts: `<service>.broadcast.<random>`, client-named so the
 * service's broker user can be allowed exactly its own (a server-named `amq.gen-…` queue says nothing of its owner).
 */
export const broadcastQueuePrefixOf = (service: string): string => `${service}.broadcast.`;
