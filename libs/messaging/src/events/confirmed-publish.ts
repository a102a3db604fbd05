import type { ConfirmChannel, Options } from 'amqplib';
import { BrokerUnavailableError } from '../errors/messaging-errors.js';

/**
 * Publishes and resolves once the broker confirmed (took responsibility for) the message. Rejects with
 * BrokerUnavailableError on nack, on a closed channel, or when no confirm arrives within `timeoutMs`
 * (a blocked or half-dead connection must not leave callers hanging).
 */
export function publishConfirmed(
  channel: ConfirmChannel,
  exchange: string,
  routingKey: string,
  content: Buffer,
  options: Options.Publish,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new BrokerUnavailableError(`no publisher confirm within ${timeoutMs} ms`)), timeoutMs);
    try {
      channel.publish(exchange, routingKey, content, options, (err: unknown) => {
        clearTimeout(timer);
        if (err) reject(new BrokerUnavailableError(err instanceof Error ? err.message : 'message nacked'));
        else resolve();
      });
    } catch (err) {
      clearTimeout(timer);
      reject(new BrokerUnavailableError((err as Error).message));
    }
  });
}
