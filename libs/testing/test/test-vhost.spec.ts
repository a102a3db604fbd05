import amqp from 'amqplib';
import { describe, expect, it } from 'vitest';
import { closeBrokerConnections, createTestVhost } from '../src/index.js';
import { rabbitmqctl } from '../src/rabbitmqctl.js';

const closed = (connection: amqp.ChannelModel) => new Promise<void>((resolve) => connection.once('close', () => resolve()));

describe('test vhosts', () => {
  it('creates a vhost the test user can use, closes only its connections, and deletes it on drop()', async () => {
    const [target, bystander] = await Promise.all([createTestVhost('spec target'), createTestVhost('spec bystander')]);
    expect(target.vhost).toMatch(/^plinth-spec-target-test-[0-9a-f]{8}$/);
    expect(new URL(target.url).pathname).toBe(`/${target.vhost}`);
    const targetConnection = await amqp.connect(target.url);
    const bystanderConnection = await amqp.connect(bystander.url);
    let bystanderClosed = false;
    bystanderConnection.once('close', () => (bystanderClosed = true));
    try {
      const targetClosed = closed(targetConnection);
      await closeBrokerConnections(target.vhost);
      await targetClosed;

      const channel = await bystanderConnection.createChannel();
      await channel.checkExchange('amq.topic');
      expect(bystanderClosed).toBe(false);
    } finally {
      await bystanderConnection.close().catch(() => undefined);
      await Promise.all([target.drop(), bystander.drop()]);
    }
    const vhosts = await rabbitmqctl('list_vhosts', 'name');
    expect(vhosts).not.toContain(target.vhost);
    expect(vhosts).not.toContain(bystander.vhost);
  }, 120_000); // eight rabbitmqctl calls: ~0.8 s each when idle, several seconds under load

  it('refuses to close connections without a vhost', async () => {
    await expect(closeBrokerConnections('')).rejects.toThrow(/never allowed/);
  });
});
