import { Inject, Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@plinth/contracts';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { AmqpConnection, type ConnectionParticipant } from '../connection/amqp-connection.js';
import { BrokerUnavailableError } from '../errors/messaging-errors.js';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from '../messaging.options.js';
import { publishConfirmed } from './confirmed-publish.js';

/** Publishes events to the topic exchange on its own confirm channel; resolves after the broker confirmed. */
@Injectable()
export class EventPublisher implements ConnectionParticipant {
  private channel: ConfirmChannel | null = null;

  constructor(
    private readonly connection: AmqpConnection,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
  ) {
    // Not connected yet at construction; a failed attach is logged and retried by the connection.
    connection.register(this).catch(() => undefined);
  }

  async attach(model: ChannelModel): Promise<void> {
    const channel = await this.connection.openChannel(model, 'confirm');
    channel.on('close', () => {
      if (this.channel === channel) this.channel = null;
    });
    this.channel = channel;
  }

  /** `headers` carries W3C `traceparent`/`tracestate` (and anything else) through unchanged. */
  async publish(events: EventEnvelope | EventEnvelope[], options?: { headers?: Record<string, string> }): Promise<void> {
    const channel = this.channel;
    if (channel === null) throw new BrokerUnavailableError('not connected');
    const list = Array.isArray(events) ? events : [events];
    await Promise.all(list.map((event) => publishConfirmed(
      channel,
      this.options.topology.eventsExchange,
      event.type,
      Buffer.from(JSON.stringify(event)),
      {
        persistent: true,
        messageId: event.id,
        type: event.type,
        contentType: 'application/json',
        headers: options?.headers,
      },
      this.options.confirmTimeoutMs,
    )));
  }
}
