// Queue names are part of the contract with operators (dashboards, re-drive scripts, k8s definitions).

export const rpcQueueOf = (service: string): string => `${service}.rpc`;
export const eventsQueueOf = (service: string): string => `${service}.events`;
export const deadLetterQueueOf = (service: string): string => `${service}.events.dlq`;
/** Retry queue n (1-based) holds messages for the delay before attempt n + 1. */
export const retryQueueOf = (service: string, n: number): string => `${service}.events.retry.${n}`;

/** Direct reply-to pseudo queue: replies come back on the requesting channel, no reply queue to declare. */
export const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

/**
 * A replica's own exclusive, auto-delete queue for broadcasts: `<service>.broadcast.<random>`, client-named so the
 * service's broker user can be allowed exactly its own (a server-named `amq.gen-…` queue says nothing of its owner).
 */
export const broadcastQueuePrefixOf = (service: string): string => `${service}.broadcast.`;
