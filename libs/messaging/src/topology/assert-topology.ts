import type { Channel } from 'amqplib';
import type { TopologyDeclarations } from './topology-declarations.js';

/** Idempotent: asserting what exists is a no-op; a mismatch (other arguments) fails loudly. */
export async function assertTopology(channel: Channel, declarations: TopologyDeclarations): Promise<void> {
  for (const exchange of declarations.exchanges) {
    await channel.assertExchange(exchange.name, exchange.type, { durable: exchange.durable });
  }
  for (const queue of declarations.queues) {
    await channel.assertQueue(queue.name, { durable: queue.durable, arguments: queue.arguments });
  }
  for (const binding of declarations.bindings) {
    await channel.bindQueue(binding.queue, binding.exchange, binding.routingKey);
  }
}

/** Passive checks (no permission needed): fails with 404 NOT_FOUND naming what the deployment has not provisioned. */
export async function checkExchanges(channel: Channel, declarations: TopologyDeclarations): Promise<void> {
  for (const exchange of declarations.exchanges) await channel.checkExchange(exchange.name);
}
