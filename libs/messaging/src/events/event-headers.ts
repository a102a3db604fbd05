// Headers the transport sets on retried and dead-lettered events; re-drive tooling reads them.

/** Delivery attempt this message is on (absent on the first delivery). */
export const ATTEMPT_HEADER = 'x-plinth-attempt';
/** On dead-lettered messages: why it was given up. */
export const ERROR_HEADER = 'x-plinth-error';
/** On dead-lettered messages: how many attempts were made. */
export const ATTEMPTS_HEADER = 'x-plinth-attempts';
/** The routing key (event type) the message was originally published with; retry loses it. */
export const ROUTING_KEY_HEADER = 'x-plinth-routing-key';
/** Broker-added headers that must not be copied onto a republished message. */
export const BROKER_HEADERS = ['x-death', 'x-delivery-count', 'x-first-death-exchange', 'x-first-death-queue', 'x-first-death-reason'];
